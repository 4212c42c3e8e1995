"""One estimation engine for A1 and A4-A7: least squares with absorbed fixed effects, Poisson,
binary (cloglog / logit) regression,
cell-means fast paths, and iid / HC1 / CR1 (one- and two-way) / CR2 (Bell–McCaffrey) covariance.

design → solve → covariance, put together in ``models``; the answer is one frozen :class:`Fit`.
Analyses import from this package, never from its modules. docs/estimation.md has the formulas.
"""

from bip.analysis.estimation.blocks import GroupBlocks
from bip.analysis.estimation.cells import CellDesign, cell_means
from bip.analysis.estimation.covariance import (
    CR2,
    Clustered,
    CovarianceSpec,
    CR2Parts,
    Iid,
    Robust,
    cluster_codes,
    cluster_sums,
    cr1_factor,
    cr2,
)
from bip.analysis.estimation.design import Factor
from bip.analysis.estimation.errors import (
    CollinearityError,
    ConvergenceError,
    EmptyDesignError,
    EstimationError,
    TooFewClustersError,
)
from bip.analysis.estimation.models import binomial, cross_fitted, logit, ols, poisson
from bip.analysis.estimation.results import Absorbed, Fit, nested_fe_fit
from bip.analysis.estimation.solve import binomial_mean, normal_equations

__all__ = [
    "CR2",
    "Absorbed",
    "CR2Parts",
    "CellDesign",
    "Clustered",
    "CollinearityError",
    "ConvergenceError",
    "CovarianceSpec",
    "EmptyDesignError",
    "EstimationError",
    "Factor",
    "Fit",
    "GroupBlocks",
    "Iid",
    "Robust",
    "TooFewClustersError",
    "binomial",
    "binomial_mean",
    "cell_means",
    "cluster_codes",
    "cluster_sums",
    "cr1_factor",
    "cr2",
    "cross_fitted",
    "logit",
    "nested_fe_fit",
    "normal_equations",
    "ols",
    "poisson",
]
