"""The R script and the Stata do-file of the replication package.

Both are fixed templates (``templates/replicate.R``, ``templates/replicate.do``) whose first
block, the *specification*, is written here from the analyses' own definitions: the items,
the combination codes, the control variables of A4, the background variables and categories
of A5/A6, the outcome and the caseworker threshold. Everything else (samples, imputation,
standardisation, fixed effects, quartiles) the scripts derive from the panel themselves, so
they are an independent re-implementation, not a replay of BIP's numbers.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd

from bip.analysis import _design, a4_combination_effects, a5_job_chance, a6_caseworkers
from bip.analysis.common import codes
from bip.instrument import B10_CHANNELS, B_ITEMS
from bip.panel import ALL_ITEMS, JOB_OUTCOME


def spec(panel: pd.DataFrame) -> dict[str, Any]:
    """The model definitions the scripts need, read from the analysis modules."""
    return {
        "items_all": list(ALL_ITEMS),
        "indicators": list(_design.INDICATOR_ITEMS),
        "b_items": list(B_ITEMS),
        "codes": list(codes()),
        "a4_numeric": list(a4_combination_effects.NUMERIC_CONTROLS),
        "a4_categories": {k: list(v) for k, v in a4_combination_effects.CATEGORY_CONTROLS.items()},
        # private names of the design module: the scripts must use exactly the same lists
        "background_scalars": list(_design._BACKGROUND_SCALARS),
        "background_prefixes": list(_design._BACKGROUND_PREFIXES),
        "background": _design.background_columns(panel),
        "categories": {k: list(v) for k, v in _design.CATEGORIES.items()},
        "b10_channels": list(B10_CHANNELS),
        "wage_bounds": list(a5_job_chance.WAGE_BOUNDS),
        "outcome": JOB_OUTCOME,
        "min_citizens": a6_caseworkers.MIN_CITIZENS_PER_CASEWORKER,
        "level": 0.95,
    }


def _template(name: str) -> str:
    return resources.files("bip.replicate").joinpath("templates", name).read_text("utf-8")


def _r_vec(values) -> str:
    return "c(" + ", ".join(f'"{v}"' for v in values) + ")"


def _r_list(d: dict) -> str:
    return "list(" + ", ".join(f"{k} = {_r_vec(v)}" for k, v in d.items()) + ")"


def r_script(panel: pd.DataFrame) -> str:
    """``replicate.R`` for ``panel``."""
    s = spec(panel)
    lines = [
        "# ---- specification (written by `bip replicate` from BIP's analysis definitions) ----",
        f"ITEMS_ALL <- {_r_vec(s['items_all'])}",
        f"INDICATORS <- {_r_vec(s['indicators'])}",
        f"B_ITEMS <- {_r_vec(s['b_items'])}",
        f"CODES <- {_r_vec(s['codes'])}",
        "# A4 adjusted model: numeric controls, categories (dummies against the first level)",
        f"A4_NUMERIC <- {_r_vec(s['a4_numeric'])}",
        f"A4_CATEGORIES <- {_r_list(s['a4_categories'])}",
        "# A5/A6 background: these columns, then every column starting with a prefix",
        f"BACKGROUND_SCALARS <- {_r_vec(s['background_scalars'])}",
        f"BACKGROUND_PREFIXES <- {_r_vec(s['background_prefixes'])}",
        f"CATEGORIES <- {_r_list(s['categories'])}",
        "# A5 job search (B10) channels and the bounds of the reservation wage (B11)",
        f"B10_CHANNELS <- {_r_vec(s['b10_channels'])}",
        f"WAGE_BOUNDS <- c({', '.join(str(v) for v in s['wage_bounds'])})",
        f'OUTCOME <- "{s["outcome"]}"',
        f"MIN_CITIZENS <- {s['min_citizens']}",
        f"LEVEL <- {s['level']}",
    ]
    return _template("replicate.R").replace("#@SPEC@", "\n".join(lines))


def do_file(panel: pd.DataFrame) -> str:
    """``replicate.do`` for ``panel`` (variable lists written out, so they can be checked)."""
    s = spec(panel)

    def local(name: str, values) -> str:
        return f"local {name} {' '.join(str(v) for v in values)}"

    cats = s["categories"]
    a4c = s["a4_categories"]
    lines = [
        "* ---- specification (written by `bip replicate` from BIP's analysis definitions) ----",
        local("items_all", s["items_all"]),
        local("indicators", s["indicators"]),
        local("b_items", s["b_items"]),
        local("codes", s["codes"]),
        local("a4_numeric", s["a4_numeric"]),
        local("a4_origin", a4c["origin"][1:]),
        local("a4_education", a4c["education"][1:]),
        local("background", s["background"]),
        local("cat_origin", cats["origin"][1:]),
        local("cat_education", cats["education"][1:]),
        local("b10_channels", s["b10_channels"]),
        f"local wage_lo {s['wage_bounds'][0]}",
        f"local wage_hi {s['wage_bounds'][1]}",
        f"local outcome {s['outcome']}",
        f"local min_citizens {s['min_citizens']}",
    ]
    return _template("replicate.do").replace("*@SPEC@", "\n".join(lines))
