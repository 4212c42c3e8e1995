"""The report's sections, in order: one module each, listed once here.

A new section is one new module defining ``SECTION = Spec(key, N_("Title"), build)`` (see
:mod:`bip.report.sections.base`) and one line in :data:`SECTIONS`.
"""

from __future__ import annotations

from bip.report.sections import (
    activities,
    background,
    calibration,
    caseworker_profiles,
    caseworkers,
    change_belief,
    combinations,
    data,
    hazard,
    job_chance,
    progression,
    quality,
)
from bip.report.sections.base import AUDIENCES, Ctx, Spec

SECTIONS: tuple[Spec, ...] = (
    data.SECTION,
    progression.SECTION,
    activities.SECTION,
    background.SECTION,
    combinations.SECTION,
    job_chance.SECTION,
    hazard.SECTION,
    caseworkers.SECTION,
    caseworker_profiles.SECTION,
    change_belief.SECTION,
    quality.SECTION,
    calibration.SECTION,
)

__all__ = ["AUDIENCES", "SECTIONS", "Ctx", "Spec"]
