"""Planted truth accumulated over chunks and written as ``truth.json``."""

from __future__ import annotations

import numpy as np

from bip.synth.params import ALL_ITEMS, CODES, PARAMETERS

N_CTRL = len(PARAMETERS["progression"]["controls"])
K = 16 + N_CTRL + 1  # dummies, controls, previous level


class ProgressionTruth:
    """Population projection of the *expected* progression (no sampling noise) on the 16
    code dummies, the background controls and the previous level, per item.

    The dummy coefficients with demeaned controls are ``b_code + b_ctrl . mean(ctrl)``, so
    cross-products of the raw design suffice and chunks can be added up.
    """

    def __init__(self) -> None:
        self.xtx = np.zeros((len(ALL_ITEMS), K, K))
        self.xty = np.zeros((len(ALL_ITEMS), K))
        self.n = np.zeros(len(ALL_ITEMS))
        self.sx = np.zeros((len(ALL_ITEMS), K))
        self.s1 = np.zeros(len(ALL_ITEMS))
        self.s2 = np.zeros(len(ALL_ITEMS))
        self.code_n = np.zeros((len(ALL_ITEMS), 16))
        self.sel_prev = np.zeros((16, 2))  # previous S12 by code: sum, n

    def add(
        self,
        j: int,
        code: np.ndarray,
        ctrl: np.ndarray,
        prev: np.ndarray,
        expected: np.ndarray,
        observed: np.ndarray,
    ) -> None:
        """Add rows of item ``j``: code index, controls, previous answer, E[progression], progression."""
        x = np.zeros((len(code), K))
        x[np.arange(len(code)), code] = 1.0
        x[:, 16 : 16 + N_CTRL] = ctrl
        x[:, -1] = prev
        self.xtx[j] += x.T @ x
        self.xty[j] += x.T @ expected
        self.n[j] += len(code)
        self.sx[j] += x.sum(0)
        self.s1[j] += observed.sum()
        self.s2[j] += (observed**2).sum()
        self.code_n[j] += np.bincount(code, minlength=16)

    def result(self) -> dict:
        """``effects`` {item: {code: tau}} and ``sd`` {item: sd} (n - 1)."""
        effects, sd, n_obs = {}, {}, {}
        for j, item in enumerate(ALL_ITEMS):
            if self.n[j] < K:
                continue
            beta = np.linalg.lstsq(self.xtx[j], self.xty[j], rcond=None)[0]
            mean_x = self.sx[j] / self.n[j]
            adj = beta[16:] @ mean_x[16:]
            effects[item] = {c: round(float(beta[i] + adj), 5) for i, c in enumerate(CODES)}
            var = (self.s2[j] - self.s1[j] ** 2 / self.n[j]) / (self.n[j] - 1)
            sd[item] = round(float(np.sqrt(var)), 5)
            n_obs[item] = {c: int(v) for c, v in zip(CODES, self.code_n[j], strict=True)}
        return {"effects": effects, "sd": sd, "n": n_obs}
