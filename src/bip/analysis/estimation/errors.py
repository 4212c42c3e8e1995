"""The engine's one failure rule: a model that cannot be estimated raises :class:`EstimationError`.

The message names what is wrong and how to fix it. Collinear regressors are not a failure: they
are dropped (earliest columns kept) and listed in ``Fit.dropped``; a design with nothing left to
estimate is. Analyses catch the error and write ``status`` and ``reason`` into their results.
"""

from __future__ import annotations


class EstimationError(ValueError):
    """A model that cannot be estimated on the data given; the message says how to fix it."""


class EmptyDesignError(EstimationError):
    """No observations, or no regressor left after dropping constant and collinear columns."""


class CollinearityError(EstimationError):
    """Regressors are linearly dependent and ``collinear="raise"`` was asked for."""


class TooFewClustersError(EstimationError):
    """Cluster-robust covariance needs at least two clusters in every clustering."""


class ConvergenceError(EstimationError):
    """The Poisson iterations did not converge."""
