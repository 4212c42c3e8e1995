# BIP replication in R: re-estimates A1 (progression on weeks), A4 (the 16 activity
# combinations, naive and adjusted), A5 (the job model) and A6 (caseworker fixed effects,
# quartiles, policy experiment) from panel.csv, prints the tables and writes r_estimates.csv.
#
# Needs base R with the packages sandwich and lmtest (Debian: r-base-core r-cran-sandwich
# r-cran-lmtest). Run in this folder:   Rscript replicate.R [OUT.csv]
#
# Standard errors: cluster-robust CR1 by citizen, sandwich::vcovCL(type = "HC1"), i.e.
# G/(G-1) * (N-1)/(N-K), with Student's t on G-1 degrees of freedom (G = citizens in the
# model's sample) for A1, A5 and A6; for A4's combinations CR2 with each coefficient's own
# Bell-McCaffrey degrees of freedom (cr2 below; where no citizen alone determines a
# coefficient it equals sandwich::vcovCL(type = "HC2") with its default cadjust = TRUE).
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})
options(width = 120, stringsAsFactors = FALSE)

#@SPEC@

args <- commandArgs(trailingOnly = TRUE)
out_csv <- if (length(args) >= 1) args[[1]] else "r_estimates.csv"

ids <- c("measurement_id", "citizen_id", "caseworker_id", "jobcenter_id", "combination",
         "origin", "education", "B10_status")
panel <- read.csv("panel.csv", na.strings = "", check.names = FALSE,
                  colClasses = setNames(rep("character", length(ids)), ids))

# ---- helpers --------------------------------------------------------------------------
est <- new.env()
est$rows <- list()
# An undefined number (NA) is left out, as bip_estimates.csv leaves out BIP's nulls (e.g. the
# df of a combination only one citizen has).
add <- function(model, item, term, stat, value) {
  if (length(value) == 1 && is.na(value)) return(invisible(NULL))
  est$rows[[length(est$rows) + 1]] <- list(model, item, term, stat, as.numeric(value))
}

# OLS of y on X (no intercept added: put one in X), CR1 by cl, t(G-1). Columns R finds
# aliased (collinear with earlier ones) are dropped and the model refitted without them.
cluster_fit <- function(y, X, cl, cr2 = FALSE) {
  X <- as.matrix(X)
  fit <- lm(y ~ 0 + X)
  keep <- !is.na(coef(fit))
  if (!all(keep)) {
    X <- X[, keep, drop = FALSE]
    fit <- lm(y ~ 0 + X)
  }
  G <- length(unique(cl))
  if (cr2) {
    parts <- cr2(X, residuals(fit), cl)
    V <- parts$V
    df <- parts$df
    b <- coef(fit)
    se <- sqrt(diag(V))
    q <- qt(0.5 + LEVEL / 2, df)
    ct <- cbind(b, se, b / se, 2 * pt(abs(b / se), df, lower.tail = FALSE))
    ci <- cbind(b - q * se, b + q * se)
  } else {
    df <- rep(G - 1, ncol(X))
    V <- vcovCL(fit, cluster = cl, type = "HC1")
    ct <- coeftest(fit, vcov. = V, df = G - 1)
    ci <- coefci(fit, vcov. = V, df = G - 1, level = LEVEL)
  }
  r <- residuals(fit)
  u <- function(v) unname(v)
  list(names = colnames(X), coef = u(ct[, 1]), se = u(ct[, 2]), t = u(ct[, 3]), p = u(ct[, 4]),
       lo = u(ci[, 1]), hi = u(ci[, 2]), df = u(df), n = length(y), G = G,
       r2 = 1 - sum(r^2) / sum((y - mean(y))^2), fit = fit, X = X)
}

# CR2 covariance and Bell-McCaffrey degrees of freedom of each coefficient of a least-squares
# fit on X with residuals u, clustered by cl. A_g = (I - H_gg)^(-1/2), with the inverse square
# root of a zero eigenvalue set to 0 (a citizen alone in a combination determines its
# coefficient; sandwich's vcovCL(type = "HC2"), which otherwise gives the same CR2, returns
# NaN there). df: (sum lambda)^2 / sum lambda^2 for the eigenvalues lambda of G'G, column g of
# G being (I - H)[, g] A_g X_g B e_j; G'G = diag(w_g'w_g) - Z B Z' (w_g = A_g X_g B e_j,
# Z's row g = X_g'w_g), so no N x N matrix is formed.
cr2 <- function(X, u, cl) {
  B <- solve(crossprod(X))
  XB <- X %*% B
  W <- matrix(0, nrow(X), ncol(X))
  au <- numeric(nrow(X))
  for (r in split(seq_len(nrow(X)), cl)) {
    M <- diag(length(r)) - XB[r, , drop = FALSE] %*% t(X[r, , drop = FALSE])
    e <- eigen(M, symmetric = TRUE)
    inv <- ifelse(e$values > 1e-10, 1 / sqrt(pmax(e$values, 1e-10)), 0)
    A <- e$vectors %*% diag(inv, length(r)) %*% t(e$vectors)
    W[r, ] <- A %*% XB[r, , drop = FALSE]
    au[r] <- A %*% u[r]
  }
  S <- rowsum(XB * au, cl)  # per citizen: B X_g' A_g u_g
  df <- sapply(seq_len(ncol(X)), function(j) {
    d <- as.vector(rowsum(W[, j]^2, cl))
    Z <- rowsum(X * W[, j], cl)
    BC <- B %*% crossprod(Z)
    tr <- sum(d) - sum(diag(BC))
    tr2 <- sum(d^2) - 2 * sum(d * rowSums((Z %*% B) * Z)) + sum(BC * t(BC))
    tr^2 / tr2
  })
  list(V = crossprod(S), df = df)
}

dummy <- function(v, lev) ifelse(is.na(v), NA, as.numeric(v == lev))

# Missing values -> the column mean plus one <col>_missing indicator per column with gaps
# (an indicator identical to an earlier one is kept once); constant columns are dropped.
impute <- function(frame) {
  out <- list()
  seen <- character(0)
  for (c in names(frame)) {
    v <- as.numeric(frame[[c]])
    miss <- is.na(v)
    if (all(miss)) next
    if (any(miss)) {
      v[miss] <- mean(v[!miss])
      key <- paste(which(miss), collapse = ",")
      if (!(key %in% seen)) {
        seen <- c(seen, key)
        out[[paste0(c, "_missing")]] <- as.numeric(miss)
      }
    }
    if (max(v) > min(v)) out[[c]] <- v
  }
  data.frame(out, check.names = FALSE)
}

# Register background: age, age centred at 40 squared / 100, family, benefit history shares,
# psychiatric chapters, somatic groups, medicine, GP use, crime, origin and education dummies.
background <- function(s) {
  cols <- BACKGROUND_SCALARS[BACKGROUND_SCALARS %in% names(s)]
  pref <- Reduce(`|`, lapply(BACKGROUND_PREFIXES, function(p) startsWith(names(s), p)))
  cols <- c(cols, names(s)[pref])
  frame <- data.frame(lapply(s[cols], as.numeric), check.names = FALSE)
  if ("age" %in% cols) frame$age_sq <- (frame$age - 40)^2 / 100
  for (var in names(CATEGORIES)) {
    if (!(var %in% names(s))) next
    for (lev in CATEGORIES[[var]][-1]) frame[[paste0(var, "_", lev)]] <- dummy(s[[var]], lev)
  }
  impute(frame)
}

answers <- function(s, items) {
  impute(s[c(items, paste0("d_", items))])
}

# ---- A1: progression on weeks since the previous measurement -------------------------
weeks <- as.numeric(panel$weeks_since_prev)
a1 <- NULL
for (item in ITEMS_ALL) {
  d <- as.numeric(panel[[paste0("d_", item)]])
  ok <- !is.na(d) & !is.na(weeks)
  f <- cluster_fit(d[ok], cbind(intercept = 1, weeks = weeks[ok]), panel$citizen_id[ok])
  add("a1_weeks", item, "intercept", "estimate", f$coef[1])
  add("a1_weeks", item, "weeks", "estimate", f$coef[2])
  add("a1_weeks", item, "weeks", "se", f$se[2])
  add("a1_weeks", item, "weeks", "ci_low", f$lo[2])
  add("a1_weeks", item, "weeks", "ci_high", f$hi[2])
  add("a1_weeks", item, "weeks", "p_value", f$p[2])
  add("a1_weeks", item, "", "n", f$n)
  add("a1_weeks", item, "", "n_citizens", f$G)
  a1 <- rbind(a1, data.frame(item = item, intercept = f$coef[1], per_week = f$coef[2],
                             se = f$se[2], ci_low = f$lo[2], ci_high = f$hi[2], p = f$p[2],
                             n = f$n, citizens = f$G, row.names = NULL))
}
cat("\nA1  Progression on weeks since the previous measurement (CR1 by citizen)\n")
print(a1, digits = 4, row.names = FALSE)

# ---- A4: progression by activity combination -----------------------------------------
base <- panel[panel$is_repeat == 1 & !is.na(panel$combination), ]
ctrl <- list()
for (c in A4_NUMERIC) {
  v <- as.numeric(base[[c]])
  if (!all(is.na(v))) ctrl[[c]] <- v
}
for (c in names(A4_CATEGORIES)) {
  if (all(is.na(base[[c]]))) next
  for (lev in A4_CATEGORIES[[c]][-1]) ctrl[[paste0(c, "_", lev)]] <- dummy(base[[c]], lev)
}
jc <- base$jobcenter_id
for (j in sort(unique(jc), method = "radix")[-1]) ctrl[[paste0("jobcenter_", j)]] <- as.numeric(jc == j)
B <- do.call(cbind, ctrl)
complete <- complete.cases(B)

a4_fit <- function(model, item, d, ok, C) {
  y <- d[ok]
  if (length(y) < 3 || sd(y) == 0) return(NULL)
  y <- (y - mean(y)) / sd(y)  # effect sizes: standardised over the model's own sample
  cc <- base$combination[ok]
  present <- CODES[CODES %in% cc]
  D <- outer(cc, present, "==") * 1
  colnames(D) <- paste0("c", present)
  X <- if (is.null(C)) D else cbind(D, scale(C[ok, , drop = FALSE], center = TRUE, scale = FALSE))
  f <- cluster_fit(y, X, base$citizen_id[ok], cr2 = TRUE)
  add(model, item, "", "n", f$n)
  add(model, item, "", "n_citizens", f$G)
  add(model, item, "", "r2", f$r2)
  for (k in present) {
    i <- match(paste0("c", k), f$names)
    add(model, item, k, "estimate", f$coef[i])
    add(model, item, k, "se", f$se[i])
    add(model, item, k, "ci_low", f$lo[i])
    add(model, item, k, "ci_high", f$hi[i])
    add(model, item, k, "p_value", f$p[i])
    add(model, item, k, "df", f$df[i])
    add(model, item, k, "n", sum(cc == k))
  }
  setNames(f$coef[match(paste0("c", CODES), f$names)], CODES)
}
a4 <- list(naive = list(), adjusted = list())
for (item in ITEMS_ALL) {
  d <- as.numeric(base[[paste0("d_", item)]])
  prev <- as.numeric(base[[item]]) - d
  ok <- !is.na(d)
  a4$naive[[item]] <- a4_fit("a4_naive", item, d, ok, NULL)
  ok2 <- ok & complete & !is.na(prev)
  a4$adjusted[[item]] <- a4_fit("a4_adjusted", item, d, ok2, cbind(previous_level = prev, B))
}
for (m in names(a4)) {
  cat(sprintf("\nA4  Progression by activity combination, %s model (effect size d)\n", m))
  print(round(do.call(rbind, a4[[m]]), 3))
}

# Job search (B10) and reservation wage (B11) as the job model codes them, NA where not
# answered: searching (1) vs not searching or no answer (0), no answer its own control; a
# channel is 1 for a searcher who used it; B11 as the log of the wage within WAGE_BOUNDS.
search_wage <- function(s) {
  frame <- list()
  if ("B10_status" %in% names(s)) {
    st <- s$B10_status
    known <- !is.na(st)
    srch <- known & st %in% "searching"
    frame$B10_searching <- ifelse(known, as.numeric(srch), NA)
    frame$B10_no_answer <- ifelse(known, as.numeric(st %in% "no_answer"), NA)
    for (ch in B10_CHANNELS) {
      col <- paste0("B10_", ch)
      if (!(col %in% names(s))) next
      used <- !is.na(s[[col]]) & as.numeric(s[[col]]) > 0
      frame[[col]] <- ifelse(known, as.numeric(srch & used), NA)
    }
  }
  if ("B11" %in% names(s)) {
    frame$B11_log <- log(pmin(pmax(as.numeric(s$B11), WAGE_BOUNDS[1]), WAGE_BOUNDS[2]))
  }
  data.frame(frame, check.names = FALSE)
}

# ---- A5: the job model ---------------------------------------------------------------
s5 <- panel[panel$is_repeat == 1 & !is.na(panel[[OUTCOME]]), ]
if (nrow(s5) >= 30) {
  sw5 <- search_wage(s5)
  parts5 <- list(answers(s5, INDICATORS))
  if (ncol(sw5) > 0) parts5[[2]] <- impute(sw5)
  parts5[[length(parts5) + 1]] <- background(s5)
  X5 <- as.matrix(do.call(cbind, parts5))
  X5 <- cbind(intercept = 1, X5[, !duplicated(colnames(X5)), drop = FALSE])
  f5 <- cluster_fit(as.numeric(s5[[OUTCOME]]), X5, s5$citizen_id)
  add("a5_job", "all", "", "n", f5$n)
  add("a5_job", "all", "", "n_citizens", f5$G)
  add("a5_job", "all", "", "r2", f5$r2)
  a5 <- NULL
  ranked <- c(INDICATORS, paste0("d_", INDICATORS), "B10_searching",
              paste0("B10_", B10_CHANNELS), "B11_log")
  for (col in ranked) {
    i <- match(col, f5$names)
    if (is.na(i)) next
    raw <- if (col %in% names(sw5)) sw5[[col]] else as.numeric(s5[[col]])
    std <- f5$coef[i] * sd(raw, na.rm = TRUE)
    vals <- c(coef = f5$coef[i], se = f5$se[i], t = f5$t[i], p_value = f5$p[i],
              ci_low = f5$lo[i], ci_high = f5$hi[i], std_coef = std, n = sum(!is.na(raw)))
    for (st in names(vals)) add("a5_job", "all", col, st, vals[[st]])
    a5 <- rbind(a5, data.frame(term = col, coef = f5$coef[i], se = f5$se[i], t = f5$t[i],
                               p = f5$p[i], std_coef = std, row.names = NULL))
  }
  a5 <- a5[order(-a5$t), ]
  cat(sprintf("\nA5  Job or education within 52 weeks (LPM, N = %d, citizens = %d, R2 = %.4f)\n",
              f5$n, f5$G, f5$r2))
  print(a5, digits = 4, row.names = FALSE)
}

# ---- A6: caseworker fixed effects, quartiles, policy experiment ----------------------
parts <- panel[panel$has_caseworker_part == 1, ]
ncit <- tapply(parts$citizen_id, parts$caseworker_id, function(x) length(unique(x)))
eligible <- names(ncit)[ncit >= MIN_CITIZENS]
s6 <- panel[panel$is_repeat == 1 & panel$caseworker_id %in% eligible & !is.na(panel[[OUTCOME]]), ]
if (length(unique(s6$caseworker_id)) >= 4 && nrow(s6) >= 20) {
  y <- as.numeric(s6[[OUTCOME]])
  X <- as.matrix(cbind(background(s6), answers(s6, B_ITEMS)))
  f0 <- lm(y ~ X)
  tss <- sum((y - mean(y))^2)
  g <- factor(s6$caseworker_id, levels = sort(unique(s6$caseworker_id), method = "radix"))
  # Fixed effects absorbed by the within transformation (demeaning by caseworker).
  gmean <- function(v) ave(v, g)
  Xt <- apply(X, 2, function(v) v - gmean(v))
  yt <- y - gmean(y)
  fw <- lm(yt ~ 0 + Xt)
  keep <- !is.na(coef(fw))
  Xt <- Xt[, keep, drop = FALSE]
  X <- X[, keep, drop = FALSE]
  fw <- lm(yt ~ 0 + Xt)
  beta <- coef(fw)
  e <- residuals(fw)
  fe <- tapply(as.numeric(y - X %*% beta), g, mean)  # each caseworker's effect (intercept in)
  effect <- fe - mean(fe)
  n_g <- as.numeric(table(g))
  n_cw <- length(fe)
  ord <- order(effect, method = "radix")  # stable: ties stay in caseworker-id order
  sizes <- n_cw %/% 4 + (seq_len(4) <= n_cw %% 4)  # extra caseworkers in the lower quartiles
  q <- integer(n_cw)
  q[ord] <- rep(1:4, sizes)
  n <- length(y)
  add("a6_fe", "model", "", "n_measurements", n)
  add("a6_fe", "model", "", "n_caseworkers", n_cw)
  add("a6_fe", "model", "", "n_citizens", length(unique(s6$citizen_id)))
  add("a6_fe", "model", "", "r2_without_fe", 1 - sum(residuals(f0)^2) / tss)
  add("a6_fe", "model", "", "r2_with_fe", 1 - sum(e^2) / tss)
  add("a6_fe", "model", "", "r2_within", 1 - sum(e^2) / sum(yt^2))
  for (i in seq_len(n_cw)) {
    add("a6_fe", names(fe)[i], "", "effect", effect[i])
    add("a6_fe", names(fe)[i], "", "quartile", q[i])
    add("a6_fe", names(fe)[i], "", "n_measurements", n_g[i])
  }
  # Quartile profile.
  qrow <- q[as.integer(g)]
  a6q <- NULL
  for (k in 1:4) {
    sub <- s6[qrow == k, ]
    per_cw <- tapply(sub$citizen_id, sub$caseworker_id, function(x) length(unique(x)))
    vals <- c(n_caseworkers = sum(q == k), n_measurements = nrow(sub),
              n_citizens = length(unique(sub$citizen_id)),
              outcome_rate = mean(as.numeric(sub[[OUTCOME]])),
              mean_effect = mean(effect[q == k]),
              citizens_per_caseworker = mean(per_cw[!is.na(per_cw)]))
    for (st in names(vals)) add("a6_fe", "quartile", as.character(k), st, vals[[st]])
    a6q <- rbind(a6q, data.frame(quartile = k, t(vals)))
  }
  # Policy experiment: every caseworker as effective as the top quartile's mean.
  actual <- mean(y)
  top <- mean(effect[q == 4])
  current <- sum(effect * n_g) / sum(n_g)
  increase <- top - current
  # Delta-method SE of the increase c'alpha (alpha_g = ybar_g - xbar_g'beta), CR1 by citizen
  # with K = slopes + caseworkers; quartile membership taken as given.
  cvec <- ifelse(q == 4, 1 / sum(q == 4), 0) - n_g / n
  xbar <- apply(X, 2, function(v) tapply(v, g, mean))
  a <- solve(crossprod(Xt), t(xbar) %*% cvec)
  w <- cvec[as.integer(g)] / n_g[as.integer(g)] - as.numeric(Xt %*% a)
  G <- length(unique(s6$citizen_id))
  k_par <- ncol(X) + n_cw
  sc <- tapply(w * e, s6$citizen_id, sum)
  increase_se <- sqrt(G / (G - 1) * (n - 1) / (n - k_par) * sum(sc^2))
  p_inc <- 2 * pt(abs(increase / increase_se), G - 1, lower.tail = FALSE)
  pol <- c(actual = actual, counterfactual = actual + increase, increase = increase,
           increase_se = increase_se, p_value = p_inc)
  for (st in names(pol)) add("a6_fe", "policy", "", st, pol[[st]])
  cat(sprintf("\nA6  Caseworker fixed effects (N = %d, caseworkers = %d; R2 %.4f without, %.4f with FE)\n",
              n, n_cw, 1 - sum(residuals(f0)^2) / tss, 1 - sum(e^2) / tss))
  print(a6q, digits = 4, row.names = FALSE)
  cat("\nA6  Policy experiment\n")
  print(round(pol, 6))
}

# ---- write and compare ---------------------------------------------------------------
out <- do.call(rbind, lapply(est$rows, function(r) {
  data.frame(model = r[[1]], item = r[[2]], term = r[[3]], stat = r[[4]], value = r[[5]])
}))
write.csv(out, out_csv, row.names = FALSE)
cat(sprintf("\nwrote %s (%d numbers)\n", out_csv, nrow(out)))
if (file.exists("bip_estimates.csv")) {
  bip <- read.csv("bip_estimates.csv", na.strings = "", colClasses = "character")
  bip$value <- as.numeric(bip$value)
  bip$term[is.na(bip$term)] <- ""
  out$term[is.na(out$term)] <- ""
  m <- merge(bip, out, by = c("model", "item", "term", "stat"), all = TRUE,
             suffixes = c("_bip", "_r"))
  d <- abs(m$value_r - m$value_bip)
  cat(sprintf("compared with BIP's bip_estimates.csv: %d numbers, %d on one side only, largest difference %.3g\n",
              nrow(m), sum(is.na(d)), max(d, na.rm = TRUE)))
}
