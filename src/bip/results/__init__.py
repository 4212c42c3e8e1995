"""Typed results: what the analyses produce and the report, dashboards and exports read.

Every section is a frozen pydantic model (:mod:`bip.results.base`); :class:`Results` is the
whole ``results.json`` document (schema ``bip-results/2``, docs/results-schema.md), whose JSON
Schema is generated from the models (:func:`json_schema`). Readers use attributes
(``results.a6_caseworkers.policy_experiment.increase``), never key guesses.
"""

from bip.results.activities import A2Activities, A3Background
from bip.results.base import SCHEMA_ID, Record
from bip.results.caseworkers import A6Caseworkers
from bip.results.change_belief import A7ChangeBelief
from bip.results.cohort import A8Cohort, A9DataQuality
from bip.results.combination_effects import A4CombinationEffects
from bip.results.document import (
    SECTION_KEYS,
    SUMMARY_KEYS,
    DatasetCounts,
    Meta,
    OutcomeCoverage,
    Results,
    Sections,
)
from bip.results.io import (
    ResultsError,
    json_schema,
    load_results,
    results_from_dict,
    write_json_schema,
    write_results,
)
from bip.results.job_chance import A5JobChance
from bip.results.progression import A1Progression
from bip.results.upgrade import sections_from_v1

__all__ = [
    "SCHEMA_ID",
    "SECTION_KEYS",
    "SUMMARY_KEYS",
    "A1Progression",
    "A2Activities",
    "A3Background",
    "A4CombinationEffects",
    "A5JobChance",
    "A6Caseworkers",
    "A7ChangeBelief",
    "A8Cohort",
    "A9DataQuality",
    "DatasetCounts",
    "Meta",
    "OutcomeCoverage",
    "Record",
    "Results",
    "ResultsError",
    "Sections",
    "json_schema",
    "load_results",
    "results_from_dict",
    "sections_from_v1",
    "write_json_schema",
    "write_results",
]
