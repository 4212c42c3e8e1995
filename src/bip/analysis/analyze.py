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
from bip.results import Sections


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
        step("A1 progression")
        a1 = a1_progression.run(panel)
        step("A2 activities")
        a2 = a2_activities.run(panel)
        step("A3 background by activity group")
        a3 = a3_background.run(panel, anonymise_jobcenters=anonymise_jobcenters)
        step("A4 combination effects")
        a4 = a4_combination_effects.run(panel)
        step("A5 job chance")
        a5 = a5_job_chance.run(panel)
        step("A6 caseworkers")
        a6 = a6_caseworkers.run(panel)
        step("A7 change and belief")
        a7 = a7_change_belief.run(panel)
        step("A8 cohort profile")
        a8 = a8_cohort.run(panel)
        step("A9 data quality")
        a9 = a9_data_quality.run(panel, anonymise_jobcenters=anonymise_jobcenters)
    return Sections(
        a1_progression=a1,
        a2_activities=a2,
        a3_background=a3,
        a4_combination_effects=a4,
        a5_job_chance=a5,
        a6_caseworkers=a6,
        a7_change_belief=a7,
        a8_cohort=a8,
        a9_data_quality=a9,
    )
