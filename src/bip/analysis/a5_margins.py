"""A5: logit average marginal effects of the job model's ranked terms (docs/a5-a7.md).

The logit is fitted on the job model's own design (``bip.analysis.estimation.logit``, CR1 by
citizen). The average marginal effect of regressor j is β_j · mean(μ(1 − μ)), the mean over
the sample of the derivative of the predicted chance (statsmodels' ``get_margeff(at=
"overall")``); its covariance is J V J' by the delta method, with
∂AME_j/∂β_k = δ_jk · mean(μ(1 − μ)) + β_j · mean(μ(1 − μ)(1 − 2μ) x_k).
"""

from __future__ import annotations

import numpy as np

from bip.analysis.estimation import Clustered, EstimationError, logit


def average_marginal_effects(
    y: np.ndarray,
    X: np.ndarray,
    names: list[str],
    clusters,
    columns: list[str],
    *,
    level: float = 0.95,
) -> tuple[dict[str, dict], str | None]:
    """Per column of ``columns`` kept by the fit: ame, se, ci_low, ci_high (t with the fit's
    G − 1 df); and None, or the reason when the logit could not be fitted."""
    try:
        # 1e-8: the step that would confirm 1e-10 moves the AMEs by far less than 1e-6.
        fit = logit(y, X, names=names, covariance=Clustered(clusters), tol=1e-8)
    except EstimationError as exc:
        return {}, str(exc)
    mu = fit.fitted
    assert mu is not None  # logit always sets its fitted chances
    w = mu * (1 - mu)
    m = float(w.mean())
    # d_k = mean(w (1 - 2 mu) x_k) over the fit's columns, intercept first
    a = w * (1 - 2 * mu) / len(mu)
    pos = [names.index(c) for c in fit.names[1:]]
    d = np.r_[a.sum(), (a @ X)[pos]]  # a @ X: no column copy of X
    want = [c for c in columns if c in fit.names]
    idx = np.array([fit.names.index(c) for c in want], dtype=int)
    J = np.outer(fit.coef[idx], d)
    J[np.arange(len(idx)), idx] += m
    V = J @ fit.vcov @ J.T
    ame = fit.coef[idx] * m
    se = np.sqrt(np.diag(V))
    q = fit.t_crit(level)
    return (
        {
            c: {
                "ame": float(ame[i]),
                "ame_se": float(se[i]),
                "ame_ci_low": float(ame[i] - q * se[i]),
                "ame_ci_high": float(ame[i] + q * se[i]),
            }
            for i, c in enumerate(want)
        },
        None,
    )
