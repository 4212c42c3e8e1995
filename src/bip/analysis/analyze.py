"""Every analysis on one panel: A1-A9 in order, as typed section results."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from threadpoolctl import threadpool_limits

from bip.analysis import (
    a1_progression,
    a2_activities,
    a3_background,
    a4_combination_effects,
    a5_job_chance,
    a6_caseworkers,
    a7_change_belief,
    a8_cohort,
    a9_data_quality,
)
from bip.results import Sections, sections_from_v1


def analyze_panel(
    panel: pd.DataFrame,
    *,
    anonymise_jobcenters: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Sections:
    """A1-A9 on an analysis panel (docs/panel.md): pure, reads nothing but the panel."""
    step = progress or (lambda s: None)
    # The regressions' BLAS work is small K x K products and N x K passes; BLAS threads only
    # add contention (A4 measured 3x slower with 2 threads on a shared 2-core machine).
    with threadpool_limits(limits=1, user_api="blas"):
        raw: dict = {}
        step("A1 progression")
        raw["a1_progression"] = a1_progression.run(panel)
        step("A2 activities")
        raw["a2_activities"] = a2_activities.run(panel)
        step("A3 background by activity group")
        raw["a3_background"] = a3_background.run(panel, anonymise_jobcenters=anonymise_jobcenters)
        step("A4 combination effects")
        raw["a4_combination_effects"] = a4_combination_effects.run(panel)
        step("A5 job chance")
        raw["a5_job_chance"] = a5_job_chance.run(panel)
        step("A6 caseworkers")
        raw["a6_caseworkers"] = a6_caseworkers.run(panel)
        step("A7 change and belief")
        raw["a7_change_belief"] = a7_change_belief.run(panel)
        step("A8 cohort profile")
        raw["a8_cohort"] = a8_cohort.run(panel)
        step("A9 data quality")
        raw["a9_data_quality"] = a9_data_quality.run(
            panel, anonymise_jobcenters=anonymise_jobcenters
        )
    step("checking the results")
    typed = {k: v for k, v in raw.items() if not isinstance(v, dict)}
    rest = sections_from_v1(_json_ready({k: v for k, v in raw.items() if isinstance(v, dict)}))
    return Sections.model_validate({**rest, **typed})


def _json_ready(obj):
    """numpy scalars to Python numbers (the analyses' dicts may hold them)."""
    import math

    import numpy as np

    if isinstance(obj, dict):
        return {str(k): _json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_ready(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        v = float(obj)
        return v if math.isfinite(v) else None
    return obj
