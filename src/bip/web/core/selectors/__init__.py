"""Reads of the tool's data that views share: the questionnaire in force, caseloads, one
citizen's history, administration lists, the audit log.

Selectors never change data. Those that read a citizen's data take ``fetched_by`` and record
the read in the audit log as their last step, after the expensive work, so the audit chain's
lock (see ``audit.py``) is held only for the rest of the request.
"""

from bip.web.core.selectors.audit import CSV_COLUMNS, audit_csv_rows, audit_page, audit_search
from bip.web.core.selectors.caseload import (
    DUE_SOON,
    FILTERS,
    PAGE_SIZE,
    SORTS,
    CaseloadPage,
    CaseloadRow,
    caseload,
    caseload_page,
    caseload_select,
    status_of,
)
from bip.web.core.selectors.citizens import (
    citizen_overview,
    kiosk_citizen,
    kiosk_measurement,
    measurement_form_opened,
    transfer_since,
)
from bip.web.core.selectors.questionnaire import instrument, versions
from bip.web.core.selectors.staff import dataset_zip, jobcenter_counts, jobcenters, users

__all__ = [
    "CSV_COLUMNS",
    "DUE_SOON",
    "FILTERS",
    "PAGE_SIZE",
    "SORTS",
    "CaseloadRow",
    "audit_csv_rows",
    "audit_page",
    "audit_search",
    "caseload",
    "CaseloadPage",
    "caseload_page",
    "caseload_select",
    "citizen_overview",
    "dataset_zip",
    "instrument",
    "jobcenter_counts",
    "jobcenters",
    "kiosk_citizen",
    "kiosk_measurement",
    "measurement_form_opened",
    "status_of",
    "transfer_since",
    "users",
    "versions",
]
