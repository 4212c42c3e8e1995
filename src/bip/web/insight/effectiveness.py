"""Caseworker effectiveness from the latest analysis run (A6, empirical-Bayes shrunken effects).

Effects are shown *shrunken* (``effect_shrunk``: the raw fixed effect pulled towards zero by its
reliability) with a 95 % interval from the empirical-Bayes posterior, SD = se·√reliability
(the posterior variance of the normal-normal model that A6's shrinkage uses). They are listed
by caseworker id, never ranked. Managers see only team means: the mean of the members'
shrunken effects, its interval treating members' posteriors as independent, and only for
teams of at least :data:`MIN_TEAM_CASEWORKERS` caseworkers with an estimate (one person's
effect must not be readable off a team), each resting on at least 5 citizens (:mod:`bip.disclosure`).
"""

from __future__ import annotations

import math

from bip.disclosure import MIN_CELL_CITIZENS, is_small
from bip.results import A6Caseworkers

Z95 = 1.959963984540054
MIN_TEAM_CASEWORKERS = 3


def caseworker_rows(a6: A6Caseworkers, caseworker_ids=None) -> list[dict]:
    """Per-caseworker shrunken effects with intervals, by caseworker id (not by rank)."""
    rows = []
    for e in a6.effects:
        if caseworker_ids is not None and e.caseworker_id not in caseworker_ids:
            continue
        shr, se, lam = e.effect_shrunk, e.se, e.reliability
        if shr is None or se is None or lam is None:
            continue
        post = se * math.sqrt(max(lam, 0.0))
        small = is_small(e.n_citizens)
        rows.append(
            {
                "caseworker_id": e.caseworker_id,
                "n_citizens": e.n_citizens,
                "suppressed": small,
                "value": None if small else shr,
                "lo": None if small else shr - Z95 * post,
                "hi": None if small else shr + Z95 * post,
                "reliability": None if small else lam,
            }
        )
    return sorted(rows, key=lambda r: r["caseworker_id"])


def team_rows(a6: A6Caseworkers, teams: dict[str, list[str]]) -> list[dict]:
    """Team means of the shrunken effects: ``teams`` maps a team name to its caseworker ids."""
    by_id = {e.caseworker_id: e for e in a6.effects}
    out = []
    for name, members in teams.items():
        es = [
            e
            for e in (by_id.get(c) for c in members)
            if e is not None
            and e.effect_shrunk is not None
            and e.se is not None
            and e.reliability is not None
        ]
        n_cit = sum(e.n_citizens for e in es)
        row = {
            "team": name,
            "n_caseworkers": len(es),
            "n_citizens": n_cit,
            "value": None,
            "lo": None,
            "hi": None,
            "suppressed": len(es) < MIN_TEAM_CASEWORKERS or n_cit < MIN_CELL_CITIZENS,
        }
        if not row["suppressed"]:
            k = len(es)
            mean = sum(float(e.effect_shrunk or 0.0) for e in es) / k
            sd = (
                math.sqrt(sum(float(e.se or 0.0) ** 2 * max(e.reliability or 0.0, 0.0) for e in es))
                / k
            )
            row.update(value=mean, lo=mean - Z95 * sd, hi=mean + Z95 * sd)
        out.append(row)
    return out
