"""Small planted-truth panels for the engine tests (citizens within caseworkers, unbalanced)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_panel(seed: int = 0, n: int = 1500) -> pd.DataFrame:
    """Rows with two regressors, two crossed factors (caseworker, month) and citizen clusters;
    outcome = 0.5·x1 − 1·x2 + caseworker effect + month effect + citizen shock + noise."""
    rng = np.random.default_rng(seed)
    n_cit, n_cw, n_month = 300, 25, 12
    cit = rng.integers(0, n_cit, n)
    cw = (cit * 7 + rng.integers(0, 3, n)) % n_cw  # citizens mostly see the same caseworkers
    month = rng.integers(0, n_month, n)
    x1 = rng.normal(size=n) + 0.3 * cw / n_cw
    x2 = rng.integers(0, 2, n).astype(float)
    y = (
        0.5 * x1
        - 1.0 * x2
        + rng.normal(size=n_cw)[cw]
        + 0.5 * rng.normal(size=n_month)[month]
        + 0.7 * rng.normal(size=n_cit)[cit]
        + rng.normal(size=n)
    )
    mu = np.exp(-1 + 0.3 * x1 - 0.4 * x2 + 0.3 * rng.normal(size=n_cw)[cw])
    return pd.DataFrame(
        {
            "y": y,
            "count": rng.poisson(mu).astype(float),
            "x1": x1,
            "x2": x2,
            "cit": [f"c{i:03d}" for i in cit],
            "cw": [f"w{i:02d}" for i in cw],
            "month": month,
        }
    )


@pytest.fixture(scope="module", params=[0, 1])
def panel(request) -> pd.DataFrame:
    return make_panel(request.param)
