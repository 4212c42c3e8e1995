"""Every write of the measurement tool, each in one transaction with its audit entry.

Keyword-only functions named ``<thing>_<verb>``; views call one of them and render. A write
and its audit entry are committed together or not at all (``@transaction.atomic``); a refusal
that writes nothing but its audit entry raises after that entry's transaction.
"""

from bip.web.core.services.citizens import (
    EnrolledElsewhere,
    Lookup,
    citizen_enrol,
    citizen_lookup,
    citizen_set_name,
    citizen_transfer,
    lookup_invalid,
    transfer_refused,
)
from bip.web.core.services.content import dataset_import, questionnaire_publish
from bip.web.core.services.drafts import clean_data as drafts_clean
from bip.web.core.services.drafts import draft_discard, draft_save
from bip.web.core.services.measurements import (
    Conflict,
    KeyInUse,
    measurement_create,
    measurement_refused,
    measurement_update,
)
from bip.web.core.services.staff import (
    StaffError,
    jobcenter_create,
    password_changed,
    user_approve,
    user_create,
    user_set_active,
)

__all__ = [
    "Conflict",
    "EnrolledElsewhere",
    "KeyInUse",
    "Lookup",
    "StaffError",
    "citizen_enrol",
    "citizen_set_name",
    "citizen_lookup",
    "citizen_transfer",
    "dataset_import",
    "draft_discard",
    "draft_save",
    "drafts_clean",
    "jobcenter_create",
    "lookup_invalid",
    "measurement_create",
    "measurement_refused",
    "measurement_update",
    "password_changed",
    "questionnaire_publish",
    "transfer_refused",
    "user_approve",
    "user_create",
    "user_set_active",
]
