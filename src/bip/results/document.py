"""The whole ``results.json`` document: meta, dataset counts, summaries and the sections."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bip.results.activities import A2Activities, A3Background
from bip.results.base import Count, Record
from bip.results.caseworkers import A6Caseworkers
from bip.results.change_belief import A7ChangeBelief
from bip.results.cohort import A8Cohort, A9DataQuality
from bip.results.combination_effects import A4CombinationEffects
from bip.results.job_chance import A5JobChance
from bip.results.progression import A1Progression
from bip.results.summary import Summaries, summaries


class Meta(Record):
    """How the results were made: schema, BIP version, time, the data analysed, options."""

    schema_: Literal["bip-results/2"] = Field(default="bip-results/2", alias="schema")
    bip_version: str
    generated_at: str = Field(description="UTC, ISO 8601")
    dataset_path: str = Field(description="the dataset folder analysed (never shown in reports)")
    dataset_fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    lang: Literal["da", "en"] = Field(description="language asked for the report")
    jobcenters_anonymised: bool = False
    warnings: tuple[str, ...] = Field(default=(), description="validation warnings, first 50")


# The panel's two register outcomes (docs/panel.md).
Outcome = Literal["job_or_education_52w", "job_13w"]


class OutcomeCoverage(Record):
    """How far the registers that define the outcomes reach, and the outcomes that removes."""

    employment_months_last: str | None = Field(
        description="last month (YYYY-MM) in employment_months; null when absent or empty"
    )
    benefit_weeks_last: str | None = Field(
        description="last ISO week (YYYY-Www) in benefit_weeks; null when absent or empty"
    )
    censored: dict[Outcome, Count] = Field(
        description="per outcome, the measurements whose window reaches past the last period "
        "of a register that defines it: their outcome is missing (docs/panel.md)"
    )


class DatasetCounts(Record):
    """Rows of the operational tables and the measurement parts present."""

    jobcenters: Count
    caseworkers: Count
    citizens: Count
    measurements: Count
    citizen_parts: Count
    caseworker_parts: Count
    citizens_measured: Count
    outcome_coverage: OutcomeCoverage | None = Field(
        default=None, description="register coverage of the outcome windows; null in older results"
    )


class Sections(Record):
    """The nine analyses, each a typed result."""

    a1_progression: A1Progression
    a2_activities: A2Activities
    a3_background: A3Background
    a4_combination_effects: A4CombinationEffects
    a5_job_chance: A5JobChance
    a6_caseworkers: A6Caseworkers
    a7_change_belief: A7ChangeBelief
    a8_cohort: A8Cohort
    a9_data_quality: A9DataQuality


class Results(Sections, Summaries):
    """``results.json``, schema ``bip-results/2`` (docs/results-schema.md).

    In the document the summaries come first, then the sections, then meta and dataset.
    """

    meta: Meta
    dataset: DatasetCounts

    @classmethod
    def assemble(cls, *, meta: Meta, dataset: DatasetCounts, sections: Sections) -> Results:
        """The document from its parts: the summaries are derived from the sections."""
        s = sections
        head = summaries(
            s.a1_progression,
            s.a2_activities,
            s.a4_combination_effects,
            s.a5_job_chance,
            s.a6_caseworkers,
            s.a7_change_belief,
        )
        return cls.model_construct(
            meta=meta,
            dataset=dataset,
            **{k: getattr(head, k) for k in Summaries.model_fields},
            **{k: getattr(s, k) for k in Sections.model_fields},
        )

    def sections(self) -> Sections:
        """The nine section results alone."""
        return Sections.model_construct(**{k: getattr(self, k) for k in Sections.model_fields})


SECTION_KEYS = tuple(Sections.model_fields)
SUMMARY_KEYS = tuple(Summaries.model_fields)
