"""Dataset format v1 (docs/dataset-format.md): every table, every column, its type and its rules.

This module is the single description of the format. Readers, writers, the validator, the
synthetic generator, the web export and ``docs/dataset-format.md`` all follow it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from bip.instrument import B10_CHANNELS, B10_STATUSES, B_ITEMS, S1_OPTIONS, S_ITEMS

FORMAT_VERSION = 1

BENEFIT_STATUSES: tuple[str, ...] = (
    "employed",
    "self_supporting",
    "education_su",
    "cash_benefit",
    "sickness_benefit",
    "unemployment_benefit",
    "other_benefit",
)
ORIGINS: tuple[str, ...] = (
    "danish",
    "western_immigrant",
    "western_descendant",
    "nonwestern_immigrant",
    "nonwestern_descendant",
)
EDUCATIONS: tuple[str, ...] = ("unskilled", "skilled", "higher")

# Longest id and name the tool's database holds (its CharField max_length): the validator
# enforces the same limits, so a dataset that validates imports on SQLite and PostgreSQL alike.
ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 200
# Codes, as the register analyses read them (upper-cased, blanks and dots ignored): an ICD-10
# code is a letter, two digits and an optional subdivision, after an optional Danish SKS "D";
# an ATC code is a letter and two digits, then optionally a letter, a letter and two digits.
ICD10_PATTERN = r"^\s*[A-Za-z]{1,2}[0-9]{2}[0-9A-Za-z. ]{0,8}\s*$"
ATC_PATTERN = r"^\s*[A-Za-z][0-9]{2}( ?[A-Za-z]( ?[A-Za-z]( ?[0-9]{2})?)?)?\s*$"

# kind -> canonical Arrow type. Small integer widths keep a 2.7-million-row measurements
# table (about 60 columns) near 200 MB in memory.
ARROW_TYPES: dict[str, pa.DataType] = {
    "id": pa.string(),
    "text": pa.string(),
    "category": pa.string(),
    "date": pa.date32(),
    "week": pa.string(),
    "month": pa.string(),
    "score": pa.int8(),
    "flag": pa.int8(),
    "count": pa.int32(),
    "year": pa.int16(),
    "amount": pa.float64(),
}


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` fixes parsing and type; ``required`` means no empty cells."""

    name: str
    kind: str
    required: bool = False
    values: tuple[str, ...] | None = None
    lo: float | None = None
    hi: float | None = None
    ref: str | None = None  # table whose key this column must name
    doc: str = ""
    max_length: int | None = None  # characters; ids default to ID_MAX_LENGTH
    pattern: str | None = None  # regular expression every value must match
    pattern_doc: str = ""  # what the pattern asks for, in words ("an ICD-10 code")

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.kind]

    @property
    def max_chars(self) -> int | None:
        """The longest value allowed, in characters (None: no limit)."""
        if self.max_length is not None:
            return self.max_length
        return ID_MAX_LENGTH if self.kind == "id" else None


@dataclass(frozen=True)
class Table:
    """One table of the dataset."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    register: bool
    doc: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.columns])


def _score(name: str, doc: str) -> Column:
    return Column(name, "score", lo=1, hi=5, doc=doc)


def _flag(name: str, doc: str) -> Column:
    return Column(name, "flag", lo=0, hi=1, doc=doc)


_CITIZEN = "citizen_id"

MEASUREMENT_COLUMNS: tuple[Column, ...] = (
    Column("measurement_id", "id", required=True, doc="unique id of the meeting"),
    Column(_CITIZEN, "id", required=True, ref="citizens", doc="the citizen measured"),
    Column(
        "caseworker_id",
        "id",
        required=True,
        ref="caseworkers",
        doc="the citizen's caseworker at this meeting",
    ),
    Column("measured_on", "date", required=True, doc="date of the meeting"),
    *(_score(b, f"citizen indicator {b}, 1-5") for b in B_ITEMS),
    Column("B10_status", "category", values=B10_STATUSES, doc="job search status"),
    *(_flag(f"B10_{c}", f"job search channel used: {c}") for c in B10_CHANNELS),
    Column("B11", "amount", lo=0, hi=10_000, doc="reservation wage, DKK per hour"),
    *(_flag(f"S1_{n}", f"S1 option {n} ticked") for n in S1_OPTIONS),
    *(_score(s, f"caseworker indicator {s}, 1-5") for s in S_ITEMS),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "jobcenters",
            (
                Column("jobcenter_id", "id", required=True, doc="jobcentre id"),
                Column("name", "text", doc="jobcentre name", max_length=NAME_MAX_LENGTH),
            ),
            key=("jobcenter_id",),
            register=False,
            doc="The participating jobcentres.",
        ),
        Table(
            "caseworkers",
            (
                Column("caseworker_id", "id", required=True, doc="pseudonymous caseworker id"),
                Column(
                    "jobcenter_id", "id", required=True, ref="jobcenters", doc="employing jobcentre"
                ),
            ),
            key=("caseworker_id",),
            register=False,
            doc="Caseworkers (sagsbehandlere), pseudonymous.",
        ),
        Table(
            "citizens",
            (
                Column(_CITIZEN, "id", required=True, doc="pseudonymous citizen id (HMAC of CPR)"),
                Column("jobcenter_id", "id", required=True, ref="jobcenters", doc="jobcentre"),
                Column(
                    "enrolled_on", "date", doc="date the citizen entered progression measurement"
                ),
            ),
            key=(_CITIZEN,),
            register=False,
            doc="Citizens in progression measurement.",
        ),
        Table(
            "measurements",
            MEASUREMENT_COLUMNS,
            key=("measurement_id",),
            register=False,
            doc="One row per meeting: the citizen part (B) and the caseworker part (S).",
        ),
        Table(
            "persons",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column("birth_year", "year", lo=1900, hi=2100, doc="year of birth"),
                Column("sex", "category", values=("f", "m"), doc="sex: female, male"),
                _flag("married", "married (1) or not (0)"),
                Column("n_children", "count", lo=0, hi=30, doc="number of children"),
                _flag("single_parent", "single parent"),
                Column(
                    "origin",
                    "category",
                    values=ORIGINS,
                    doc="origin (Danmarks Statistik's herkomst)",
                ),
                Column(
                    "education",
                    "category",
                    values=EDUCATIONS,
                    doc="highest completed education: unskilled, skilled (vocational), higher",
                ),
            ),
            key=(_CITIZEN,),
            register=True,
            doc="Person register (Danmarks Statistik).",
        ),
        Table(
            "benefit_weeks",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column("week", "week", required=True, doc="ISO week YYYY-Www"),
                Column(
                    "status",
                    "category",
                    required=True,
                    values=BENEFIT_STATUSES,
                    doc="the week's status (from the DREAM benefit code, see the DREAM import)",
                ),
            ),
            key=(_CITIZEN, "week"),
            register=True,
            doc="DREAM weekly status, long layout (one row per person and week).",
        ),
        Table(
            "employment_months",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column("month", "month", required=True, doc="YYYY-MM"),
                _flag(
                    "employed", "any eIndkomst earnings that month (incl. flex job, wage subsidy)"
                ),
            ),
            key=(_CITIZEN, "month"),
            register=True,
            doc="Monthly employment from DREAM/eIndkomst.",
        ),
        Table(
            "diagnoses",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column(
                    "diagnosed_on",
                    "date",
                    required=True,
                    doc="date of the diagnosis (contact start)",
                ),
                Column(
                    "icd10",
                    "text",
                    required=True,
                    doc="ICD-10 code, with or without leading D and dot",
                    pattern=ICD10_PATTERN,
                    pattern_doc="an ICD-10 code such as DF321, F32.1 or M54",
                ),
            ),
            key=(),
            register=True,
            doc="Hospital diagnoses (Landspatientregistret).",
        ),
        Table(
            "prescriptions",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column(
                    "dispensed_on", "date", required=True, doc="date the prescription was dispensed"
                ),
                Column(
                    "atc",
                    "text",
                    required=True,
                    doc="ATC code, e.g. N06AB04",
                    pattern=ATC_PATTERN,
                    pattern_doc="an ATC code such as N06AB04 or N06A",
                ),
            ),
            key=(),
            register=True,
            doc="Dispensed prescriptions (Lægemiddelstatistikregistret).",
        ),
        Table(
            "gp_contacts",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column("contact_on", "date", required=True, doc="date of the GP contact"),
                Column(
                    "n_services",
                    "count",
                    lo=0,
                    hi=10_000,
                    doc="number of services (ydelser) at the contact",
                ),
                Column(
                    "fee_dkk",
                    "amount",
                    lo=-1e7,
                    hi=1e7,
                    doc="fees, DKK (corrections may be negative)",
                ),
            ),
            key=(),
            register=True,
            doc="GP contacts (Sygesikringsregistret).",
        ),
        Table(
            "crime",
            (
                Column(
                    _CITIZEN,
                    "id",
                    required=True,
                    ref="citizens",
                    doc="the citizen (pseudonymous id)",
                ),
                Column("decided_on", "date", required=True, doc="date of the charge or decision"),
                Column(
                    "kind",
                    "category",
                    required=True,
                    values=("charge", "conviction"),
                    doc="charge (sigtelse) or conviction (afgørelse)",
                ),
                Column(
                    "law",
                    "category",
                    required=True,
                    values=("penal", "traffic", "other"),
                    doc="penal code (straffelov), traffic law (færdselslov) or other special law",
                ),
            ),
            key=(),
            register=True,
            doc="Charges and convictions (Kriminalstatistik).",
        ),
    )
}

OPERATIONAL_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if not t.register)
REGISTER_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.register)
# Order in which tables are read so that every reference points to a table already read.
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)
CITIZEN_PART_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in MEASUREMENT_COLUMNS if c.name.startswith("B")
)
CASEWORKER_PART_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in MEASUREMENT_COLUMNS if c.name.startswith("S")
)
