"""A2 Activities (003 Tabel 3, 000 Figur 4) and A3 Background by activity group (003 Tabel
4-11): result models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bip.results.base import Code, Count, Group, Num, Record, Share


class CodeShare(Record):
    """Repeat measurements with one activity combination (or a derived group of them)."""

    n: Count
    share: Share
    n_citizens: Count


class A2Derived(Record):
    """Derived groups of combinations: none, any job-focused, exactly one type, combined."""

    no_activity: CodeShare
    any_job_focused: CodeShare
    only_job_focused: CodeShare
    only_upskilling: CodeShare
    only_social: CodeShare
    only_health: CodeShare
    combined: CodeShare
    combined_with_job_focused: CodeShare


class A2Activities(Record):
    """A2: activity combinations of repeat measurements whose combination is known."""

    n_repeat_measurements: Count
    n_known: Count
    n_unknown: Count
    n_citizens: Count
    codes: dict[Code, CodeShare]
    derived: A2Derived


class GroupSize(Record):
    """Measurements and citizens of one activity group."""

    n: Count
    n_citizens: Count


class BackgroundRow(Record):
    """One (variable, activity group) cell of 003 Tabel 4-11."""

    table: str = Field(description="the 003 table: tabel4 ... tabel11")
    variable: str = Field(description="panel column or derived variable (docs/results-schema.md)")
    stat: Literal["mean", "share"]
    group: Group
    value: Num
    n: Count
    n_citizens: Count
    n_citizens_with: Count | None = Field(
        default=None, description="shares: citizens with the characteristic (the numerator)"
    )


class A3Background(Record):
    """A3: background of the citizens by activity group; a measurement counts in each of its
    groups, ``none`` is 0000."""

    groups: dict[Group, GroupSize]
    rows: tuple[BackgroundRow, ...]
    jobcenters_anonymised: bool
    jobcenter_labels: tuple[str, ...]
