"""The analysis panel: one row per measurement with every derived variable (docs/panel.md)."""

from bip.panel.build import (
    ALL_ITEMS,
    AVERAGES,
    CENSORED,
    ITEMS,
    JOB_OUTCOME,
    OUTCOMES,
    QUARTER_JOB_OUTCOME,
    build_panel,
    censored_counts,
)

__all__ = [
    "ALL_ITEMS",
    "AVERAGES",
    "CENSORED",
    "ITEMS",
    "JOB_OUTCOME",
    "OUTCOMES",
    "QUARTER_JOB_OUTCOME",
    "build_panel",
    "censored_counts",
]
