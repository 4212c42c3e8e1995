"""The administrator's audit search, its pages and its CSV export."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from bip.web.core.audit import audit
from bip.web.core.models import AuditLog

# columns of the audit CSV export
CSV_COLUMNS = (
    "seq",
    "at",
    "username",
    "role",
    "action",
    "object_type",
    "object_id",
    "detail",
    "flagged",
)


def audit_search(*, filters: dict | None) -> QuerySet[AuditLog]:
    """Audit entries matching the search form's cleaned ``filters`` (all entries if None)."""
    qs = AuditLog.objects.all()
    d = filters or {}
    if d.get("username"):
        qs = qs.filter(username__iexact=d["username"])
    if d.get("action"):
        qs = qs.filter(action__icontains=d["action"])
    if d.get("object_id"):
        qs = qs.filter(object_id__icontains=d["object_id"])
    if d.get("date_from"):
        qs = qs.filter(at__date__gte=d["date_from"])
    if d.get("date_to"):
        qs = qs.filter(at__date__lte=d["date_to"])
    if d.get("flagged"):
        qs = qs.filter(flagged=True)
    return qs


def audit_page(*, filters: dict | None, page: str | None, query: str, fetched_by):
    """One page of the audit search (100 entries), the administrator's own read audited."""
    from django.core.paginator import Paginator

    result = Paginator(audit_search(filters=filters), 100).get_page(page)
    audit(fetched_by, None, "audit.view", "audit", "", query[:300])
    return result


def audit_csv_rows(*, filters: dict | None, query: str, fetched_by) -> Iterator[list]:
    """The matching audit entries as CSV rows, each text cell made safe for spreadsheets.

    The export is audited at once; the rows are read as the response is streamed.
    """
    from bip.dataset.spreadsheet import neutralise

    audit(fetched_by, None, "audit.export", "audit", "", query[:300])
    entries = audit_search(filters=filters).order_by("seq")

    def rows():
        yield list(CSV_COLUMNS)
        for e in entries.iterator(chunk_size=2000):
            text = (e.username, e.role, e.action, e.object_type, e.object_id, e.detail)
            yield [e.seq, e.at.isoformat(), *map(neutralise, text), int(e.flagged)]

    return rows()
