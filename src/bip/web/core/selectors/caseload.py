"""Caseloads: each citizen's newest measurement, cadence status and activity combination."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OrderBy,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from bip.web.core.access import caseload_citizens_for, own_caseworker
from bip.web.core.audit import audit
from bip.web.core.fieldcrypt import decrypt, word_index
from bip.web.core.models import CADENCE_WEEKS, Citizen

# The caseload marks a citizen "due" this long before the cadence makes them overdue.
DUE_SOON = dt.timedelta(weeks=2)


def status_of(last: dt.date | None, today: dt.date) -> str:
    """Cadence status: overdue after 13 weeks, due within the last 2 weeks before that."""
    if last is None:
        return "never"
    due = last + dt.timedelta(weeks=CADENCE_WEEKS)
    if today > due:
        return "overdue"
    if today >= due - DUE_SOON:
        return "due"
    return "ok"


@dataclass
class CaseloadRow:
    citizen_id: str
    caseworker: str
    last: dt.date | None
    weeks: int | None
    status: str  # "overdue" | "due" | "ok" | "never"
    combination: str | None
    name: str = ""  # decrypted for this page only; never leaves the user's jobcentre

    @property
    def short_id(self) -> str:
        return self.citizen_id[:10]


# Page size of the caseload; sort keys and filters the page offers (the view checks them).
PAGE_SIZE = 50
SORTS = ("due", "name", "last", "caseworker")
FILTERS = ("overdue", "due", "never", "quiet")


def _annotated(citizens: QuerySet[Citizen], today: dt.date) -> QuerySet[Citizen]:
    """Citizens with ``last_on`` (newest measurement, kept on the row by core/newest.py),
    ``rank`` (cadence status as a number in the page's order: overdue 0, never 1, due 2, ok 3)
    and ``cw_name`` – all in the database, so that sorting, filtering and paging never load
    the whole jobcentre into Python."""
    overdue_before = today - dt.timedelta(weeks=CADENCE_WEEKS)
    due_until = overdue_before + DUE_SOON
    # "first last", or the login name, or the dataset's caseworker id (no login): as
    # Caseworker.__str__ names them everywhere else
    name = NullIf(
        Trim(
            Concat(
                Coalesce("caseworker__user__first_name", Value("")),
                Value(" "),
                Coalesce("caseworker__user__last_name", Value("")),
            )
        ),
        Value(""),
    )
    # the stored date, not an aggregate over the jobcentre's measurements: counts, sorting and
    # paging read the citizen rows only (docs/web.md, "The caseload")
    return citizens.annotate(
        last_on=F("last_measured_on"),
        cw_name=Coalesce(name, "caseworker__user__username", "caseworker__caseworker_id"),
    ).annotate(
        rank=Case(
            When(last_on__isnull=True, then=Value(1)),
            When(last_on__lt=overdue_before, then=Value(0)),
            When(last_on__lte=due_until, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )


STATUS_OF_RANK = {0: "overdue", 1: "never", 2: "due", 3: "ok"}
RANK_OF_STATUS = {status: rank for rank, status in STATUS_OF_RANK.items()}
# the page's status filters (its fourth, "quiet", reads the activity code)
RANK_OF_FILTER = {s: RANK_OF_STATUS[s] for s in ("overdue", "never", "due")}


def _ordered(qs: QuerySet[Citizen], sort: str, descending: bool) -> QuerySet[Citizen]:
    """``qs`` in the order of ``sort``; the citizen id breaks ties so pages never overlap."""
    last = F("last_on")
    keys = {
        # due: overdue (longest first), never measured, due soon, ok – or the reverse
        "due": [F("rank").asc(), last.asc(nulls_first=True)],
        "last": [last.desc(nulls_last=True)],  # newest measurement first
        "caseworker": [F("cw_name").asc(nulls_last=True)],
        "name": [],  # the citizen id (pseudonym), the tie-breaker below
    }[sort]
    tie = F("citizen_id").asc()
    if descending:
        keys = [_flip(k) for k in keys]
        tie = F("citizen_id").desc()
    return qs.order_by(*keys, tie)


def _flip(key: OrderBy) -> OrderBy:
    """The reverse ordering (a NULL placed first goes last and the other way round)."""
    return OrderBy(
        key.expression,
        descending=not key.descending,
        nulls_first=True if key.nulls_last else None,
        nulls_last=True if key.nulls_first else None,
    )


@dataclass
class CaseloadPage:
    """One page of a caseload: its rows, the counts over the whole selection, paging."""

    rows: list[CaseloadRow]
    counts: dict[str, int]
    total: int  # citizens matching search and filter
    page: int
    pages: int
    sort: str
    descending: bool


def caseload_rows(
    qs: QuerySet[Citizen], today: dt.date, *, names: bool = True
) -> list[CaseloadRow]:
    """Rows of an annotated, ordered (and usually sliced) queryset, in one query (with the
    names decrypted unless ``names`` is false)."""
    rows = qs.values_list("citizen_id", "cw_name", "last_on", "rank", "last_josh", "name_enc")
    return [
        CaseloadRow(
            cid,
            cw_name or "",
            day,
            (today - day).days // 7 if day else None,
            STATUS_OF_RANK[rank],
            josh,
            decrypt(name_enc) if names else "",
        )
        for cid, cw_name, day, rank, josh, name_enc in rows
    ]


def caseload(
    citizens, today: dt.date | None = None, *, status: str | None = None, names: bool = True
) -> list[CaseloadRow]:
    """Every caseload row of ``citizens`` in the page's default order (overdue first); only
    those of cadence ``status`` if given (filtered in the database). ``names=False`` leaves
    the names empty, not decrypted: the API never sends them (1,000 decryptions cost ~8 ms
    of CPU)."""
    today = today or dt.date.today()
    qs = _ordered(_annotated(citizens, today), "due", False)
    if status is not None:
        qs = qs.filter(rank=RANK_OF_STATUS.get(status, -1))  # an unknown status: no row
    return caseload_rows(qs, today, names=names)


def caseload_select(
    citizens: QuerySet[Citizen],
    *,
    today: dt.date,
    search: str = "",
    status: str = "",
    sort: str = "due",
    descending: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> CaseloadPage:
    """Search, filter, count, sort and page ``citizens`` in the database.

    ``search`` matches the start of the citizen id or whole words of the name; ``status`` is one of :data:`FILTERS`
    (``quiet``: the newest measurement is from the last quarter and records no activity).
    Two queries whatever the jobcentre's size: the counts and the page's rows.
    """
    qs = _annotated(citizens, today)
    if search.strip():
        qs = qs.filter(_search(search))
    overdue_before = today - dt.timedelta(weeks=CADENCE_WEEKS)
    counts = qs.aggregate(
        all=Count("pk"),
        overdue=Count("pk", filter=Q(rank=0)),
        never=Count("pk", filter=Q(rank=1)),
        due=Count("pk", filter=Q(rank=2)),
    )
    if status in RANK_OF_FILTER:
        qs = qs.filter(rank=RANK_OF_FILTER[status])
        total = counts[status]
    elif status == "quiet":
        qs = qs.filter(last_on__gte=overdue_before, last_josh="0000")
        total = qs.count()
    else:
        total = counts["all"]
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    start = (page - 1) * page_size
    ordered = _ordered(qs, sort if sort in SORTS else "due", descending)
    rows = caseload_rows(ordered[start : start + page_size], today)
    return CaseloadPage(rows, counts, total, page, pages, sort, descending)


def overdue_per_caseworker(citizens: QuerySet[Citizen], today: dt.date) -> list[dict]:
    """Overdue ``citizens`` counted per current caseworker, named as the caseload names them;
    most overdue first. Rows ``{caseworker_id, name, overdue}`` (id None: no caseworker)."""
    from bip.web.core.models import Caseworker

    overdue = _annotated(citizens, today).filter(rank=RANK_OF_FILTER["overdue"]).values("pk")
    # counted on plain citizen rows, so that GROUP BY holds the caseworker alone
    counts = dict(
        Citizen.objects.filter(pk__in=overdue)
        .values_list("caseworker")
        .annotate(n=Count("pk"))
        .values_list("caseworker", "n")
    )
    names = {
        c.pk: (c.caseworker_id, str(c))
        for c in Caseworker.objects.filter(pk__in=[k for k in counts if k]).select_related("user")
    }
    rows = [
        {
            "caseworker_id": names[k][0] if k else None,
            "name": names[k][1] if k else "",
            "overdue": n,
        }
        for k, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r["overdue"], r["name"]))


def _search(text: str) -> Q:
    """Citizens whose id starts with ``text`` or whose name holds every word of it (through the
    blind index: the database compares keyed hashes, never names)."""
    by_name = Q()
    for word in text.split():
        by_name &= Q(name_index__contains=f" {word_index(word)} ")
    return Q(citizen_id__startswith=text.strip()) | by_name


def caseload_page(
    *,
    user,
    role: str,
    scope: str,
    caseworker_id: str | None,
    search: str = "",
    status: str = "",
    sort: str = "due",
    descending: bool = False,
    page: int = 1,
    today: dt.date | None = None,
) -> CaseloadPage:
    """The caseload page a caseworker or manager asked for, the read audited."""
    citizens = caseload_citizens_for(user)
    me = own_caseworker(user)
    if scope == "mine" and me:
        citizens = citizens.filter(caseworker=me)
    elif caseworker_id:
        citizens = citizens.filter(caseworker__caseworker_id=caseworker_id)
    result = caseload_select(
        citizens,
        today=today or dt.date.today(),
        search=search,
        status=status,
        sort=sort,
        descending=descending,
        page=page,
    )
    audit(
        user,
        role,
        "caseload.view",
        "caseload",
        caseworker_id or scope,
        f"{result.total} citizens, page {result.page}",
    )
    return result
