* BIP replication in Stata: re-estimates A1 (progression on weeks), A4 (the 16 activity
* combinations, naive and adjusted), A5 (the job model) and A6 (caseworker fixed effects,
* quartiles, policy experiment) from panel.dta with built-in commands only (regress, areg),
* and writes stata_estimates.csv with the keys of bip_estimates.csv.
*
* Run in this folder:   do replicate.do
*
* Standard errors: vce(cluster) by citizen, Stata's CR1 (G/(G-1) * (N-1)/(N-K)) with t on
* G-1 degrees of freedom, the convention BIP uses for A1, A5 and A6. BIP's A4 intervals are
* CR2 with Bell-McCaffrey degrees of freedom, which Stata 15 does not have (Stata 17 and later:
* regress ..., vce(hc2 cit, dfadjust)); this file posts A4's CR1 numbers as se_cr1, ci_low_cr1,
* ci_high_cr1 and p_value_cr1, beside BIP's estimate. Collinear regressors (repeated missing
* indicators, constants) are omitted by regress itself.
version 15
clear all
set more off

*@SPEC@

use "panel.dta", clear
egen long cit = group(citizen_id)
egen long cw = group(caseworker_id)
* combination code 0000..1111 as 1..16 (J, O, S, H = 8, 4, 2, 1)
gen byte comb_no = 1 + 8*act_J + 4*act_O + 2*act_S + act_H if combination != ""
tempfile work
save `work'

tempname pf
postfile `pf' str16 model str64 item str16 term str24 stat double value ///
    using "stata_estimates.dta", replace

* ---- A1: progression on weeks since the previous measurement ----------------------------
foreach it of local items_all {
    quietly regress d_`it' weeks_since_prev, vce(cluster cit)
    post `pf' ("a1_weeks") ("`it'") ("intercept") ("estimate") (_b[_cons])
    post `pf' ("a1_weeks") ("`it'") ("weeks") ("estimate") (_b[weeks_since_prev])
    post `pf' ("a1_weeks") ("`it'") ("weeks") ("se") (_se[weeks_since_prev])
    post `pf' ("a1_weeks") ("`it'") ("weeks") ("ci_low") (_b[weeks_since_prev] - invttail(e(df_r), 0.025)*_se[weeks_since_prev])
    post `pf' ("a1_weeks") ("`it'") ("weeks") ("ci_high") (_b[weeks_since_prev] + invttail(e(df_r), 0.025)*_se[weeks_since_prev])
    post `pf' ("a1_weeks") ("`it'") ("weeks") ("p_value") (2*ttail(e(df_r), abs(_b[weeks_since_prev]/_se[weeks_since_prev])))
    post `pf' ("a1_weeks") ("`it'") ("") ("n") (e(N))
    post `pf' ("a1_weeks") ("`it'") ("") ("n_citizens") (e(N_clust))
    display as text "A1 `it': " as result %9.5f _b[weeks_since_prev] " per week (se " %8.5f _se[weeks_since_prev] ")"
}

* ---- A4: progression by activity combination ---------------------------------------------
use `work', clear
keep if is_repeat == 1 & combination != ""
local a4x ""
foreach v of local a4_numeric {
    quietly count if !missing(`v')
    if r(N) > 0 local a4x `a4x' `v'
}
foreach v in origin education {
    quietly count if `v' != ""
    if r(N) == 0 continue
    foreach lev of local a4_`v' {
        gen byte `v'_`lev' = (`v' == "`lev'") if `v' != ""
        local a4x `a4x' `v'_`lev'
    }
}
quietly tabulate jobcenter_id, generate(jc_)
drop jc_1
capture unab jcs : jc_*
local a4x `a4x' `jcs'
egen byte a4miss = rowmiss(`a4x')
foreach it of local items_all {
    foreach model in naive adjusted {
        capture drop y
        capture drop s
        capture drop c_*
        gen byte s = !missing(d_`it')
        gen double c_prev = `it' - d_`it'
        if "`model'" == "adjusted" replace s = s & a4miss == 0 & !missing(c_prev)
        quietly summarize d_`it' if s
        if r(N) < 3 | r(sd) == 0 continue
        local mu = r(mean)
        local sd = r(sd)
        * effect sizes: the outcome standardised over the model's own sample
        gen double y = (d_`it' - `mu') / `sd' if s
        local ctrl ""
        if "`model'" == "adjusted" {
            foreach v in prev `a4x' {
                local src = cond("`v'" == "prev", "c_prev", "`v'")
                quietly summarize `src' if s
                local mu = r(mean)
                capture confirm variable c_`v'
                if _rc gen double c_`v' = `src' - `mu' if s
                else replace c_`v' = `src' - `mu' if s
                local ctrl `ctrl' c_`v'
            }
        }
        quietly regress y ibn.comb_no `ctrl' if s, noconstant vce(cluster cit)
        post `pf' ("a4_`model'") ("`it'") ("") ("n") (e(N))
        post `pf' ("a4_`model'") ("`it'") ("") ("n_citizens") (e(N_clust))
        forvalues k = 1/16 {
            local code : word `k' of `codes'
            capture local b = _b[`k'.comb_no]
            if _rc continue
            if _se[`k'.comb_no] == 0 continue
            local se = _se[`k'.comb_no]
            local q = invttail(e(df_r), 0.025)
            post `pf' ("a4_`model'") ("`it'") ("`code'") ("estimate") (`b')
            post `pf' ("a4_`model'") ("`it'") ("`code'") ("se_cr1") (`se')
            post `pf' ("a4_`model'") ("`it'") ("`code'") ("ci_low_cr1") (`b' - `q'*`se')
            post `pf' ("a4_`model'") ("`it'") ("`code'") ("ci_high_cr1") (`b' + `q'*`se')
            post `pf' ("a4_`model'") ("`it'") ("`code'") ("p_value_cr1") (2*ttail(e(df_r), abs(`b'/`se')))
        }
    }
}

* ---- imputation used by A5 and A6: mean + missing indicator, in the current data ---------
capture program drop bip_impute
program define bip_impute, rclass
    syntax varlist
    local out ""
    foreach v of local varlist {
        quietly count if missing(`v')
        local nm = r(N)
        quietly summarize `v'
        if r(N) == 0 continue
        local mu = r(mean)
        if `nm' > 0 {
            gen byte m_`v' = missing(`v')
            local out `out' m_`v'
        }
        gen double i_`v' = cond(missing(`v'), `mu', `v')
        local out `out' i_`v'
    }
    return local vars `out'
end

capture program drop bip_background
program define bip_background, rclass
    gen double age_sq = (age - 40)^2 / 100
    local cats ""
    foreach v in origin education {
        foreach lev of global bip_cat_`v' {
            gen byte `v'_`lev' = (`v' == "`lev'") if `v' != ""
            local cats `cats' `v'_`lev'
        }
    }
    bip_impute $bip_background age_sq `cats'
    return local vars `r(vars)'
end
global bip_background `background'
global bip_cat_origin `cat_origin'
global bip_cat_education `cat_education'

* ---- A5: the job model ---------------------------------------------------------------
use `work', clear
keep if is_repeat == 1 & !missing(`outcome')
local d_ind ""
foreach it of local indicators {
    local d_ind `d_ind' d_`it'
}
bip_impute `indicators' `d_ind'
local ans `r(vars)'
* Job search (B10) and reservation wage (B11) as the job model codes them, missing where not
* answered: searching vs not searching or no answer (no answer its own control), each channel
* 1 for a searcher who used it, B11 as the log of the wage within `wage_lo'-`wage_hi'.
local sw ""
local sw_ranked ""
capture confirm variable B10_status
if !_rc {
    gen double B10_searching = (B10_status == "searching") if B10_status != ""
    gen double B10_no_answer = (B10_status == "no_answer") if B10_status != ""
    local sw B10_searching B10_no_answer
    local sw_ranked B10_searching
    foreach ch of local b10_channels {
        capture confirm variable B10_`ch'
        if _rc continue
        replace B10_`ch' = (B10_status == "searching" & B10_`ch' == 1 & !missing(B10_`ch'))
        replace B10_`ch' = . if B10_status == ""
        local sw `sw' B10_`ch'
        local sw_ranked `sw_ranked' B10_`ch'
    }
}
capture confirm variable B11
if !_rc {
    gen double B11_log = ln(min(max(B11, `wage_lo'), `wage_hi')) if !missing(B11)
    local sw `sw' B11_log
    local sw_ranked `sw_ranked' B11_log
}
if "`sw'" != "" {
    bip_impute `sw'
    local ans `ans' `r(vars)'
}
bip_background
local bg `r(vars)'
regress `outcome' `ans' `bg', vce(cluster cit)
post `pf' ("a5_job") ("all") ("") ("n") (e(N))
post `pf' ("a5_job") ("all") ("") ("n_citizens") (e(N_clust))
post `pf' ("a5_job") ("all") ("") ("r2") (e(r2))
foreach v in `indicators' `d_ind' `sw_ranked' {
    capture local b = _b[i_`v']
    if _rc continue
    if _se[i_`v'] == 0 continue
    local se = _se[i_`v']
    local q = invttail(e(df_r), 0.025)
    quietly summarize `v'
    post `pf' ("a5_job") ("all") ("`v'") ("coef") (`b')
    post `pf' ("a5_job") ("all") ("`v'") ("se") (`se')
    post `pf' ("a5_job") ("all") ("`v'") ("t") (`b'/`se')
    post `pf' ("a5_job") ("all") ("`v'") ("p_value") (2*ttail(e(df_r), abs(`b'/`se')))
    post `pf' ("a5_job") ("all") ("`v'") ("ci_low") (`b' - `q'*`se')
    post `pf' ("a5_job") ("all") ("`v'") ("ci_high") (`b' + `q'*`se')
    post `pf' ("a5_job") ("all") ("`v'") ("std_coef") (`b'*r(sd))
    post `pf' ("a5_job") ("all") ("`v'") ("n") (r(N))
}

* ---- A6: caseworker fixed effects, quartiles, policy experiment --------------------------
use `work', clear
egen byte pair = tag(caseworker_id citizen_id) if has_caseworker_part == 1
bysort caseworker_id: egen long cw_citizens = total(pair)
keep if is_repeat == 1 & cw_citizens >= `min_citizens' & !missing(`outcome')
local d_b ""
foreach it of local b_items {
    local d_b `d_b' d_`it'
}
bip_background
local bg `r(vars)'
bip_impute `b_items' `d_b'
local ans `r(vars)'
quietly regress `outcome' `bg' `ans', vce(cluster cit)
post `pf' ("a6_fe") ("model") ("") ("r2_without_fe") (e(r2))
areg `outcome' `bg' `ans', absorb(cw) vce(cluster cit)
post `pf' ("a6_fe") ("model") ("") ("r2_with_fe") (e(r2))
post `pf' ("a6_fe") ("model") ("") ("n_measurements") (e(N))
predict double fe_part, d
gen double fe = fe_part + _b[_cons]
quietly summarize `outcome'
local actual = r(mean)
* one row per caseworker: effect = fixed effect minus the mean over caseworkers
bysort cw: gen long n_g = _N
bysort cw: keep if _n == 1
quietly summarize fe
gen double effect = fe - r(mean)
post `pf' ("a6_fe") ("model") ("") ("n_caseworkers") (_N)
* quartiles by effect (ties in caseworker-id order); the extra caseworkers go to the lower ones
sort effect caseworker_id
local n_cw = _N
gen byte quartile = .
local start = 1
forvalues k = 1/4 {
    local size = floor(`n_cw'/4) + (`k' <= mod(`n_cw', 4))
    replace quartile = `k' in `start'/`=`start' + `size' - 1'
    local start = `start' + `size'
}
forvalues i = 1/`n_cw' {
    post `pf' ("a6_fe") (caseworker_id[`i']) ("") ("effect") (effect[`i'])
    post `pf' ("a6_fe") (caseworker_id[`i']) ("") ("quartile") (quartile[`i'])
    post `pf' ("a6_fe") (caseworker_id[`i']) ("") ("n_measurements") (n_g[`i'])
}
quietly summarize effect if quartile == 4
local top = r(mean)
quietly summarize effect [fweight = n_g]
local current = r(mean)
post `pf' ("a6_fe") ("policy") ("") ("actual") (`actual')
post `pf' ("a6_fe") ("policy") ("") ("counterfactual") (`actual' + `top' - `current')
post `pf' ("a6_fe") ("policy") ("") ("increase") (`top' - `current')
forvalues k = 1/4 {
    quietly summarize effect if quartile == `k'
    post `pf' ("a6_fe") ("quartile") ("`k'") ("n_caseworkers") (r(N))
    post `pf' ("a6_fe") ("quartile") ("`k'") ("mean_effect") (r(mean))
}
list quartile effect in 1/`n_cw', noobs clean

postclose `pf'
use "stata_estimates.dta", clear
export delimited using "stata_estimates.csv", replace
display as text "wrote stata_estimates.csv (" as result _N as text " numbers)"
