"""The administrator's content writes: questionnaire versions and dataset imports."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from bip.instrument import Instrument, derive_version
from bip.web.core.audit import audit
from bip.web.core.models import QuestionnaireVersion


@transaction.atomic
def questionnaire_publish(
    *, user, current: Instrument, changed: dict[str, dict[str, str]]
) -> Instrument:
    """Publish the next version of ``current`` with the ``changed`` wordings (item -> lang ->
    text). The shipped version is stored first if nothing was published yet. Raises
    ``InstrumentError`` for wordings the questionnaire rules refuse; then nothing is written."""
    new = derive_version(current, current.version + 1, changed)
    if not QuestionnaireVersion.objects.exists():
        QuestionnaireVersion.objects.create(version=current.version, yaml=current.to_yaml())
    QuestionnaireVersion.objects.create(version=new.version, yaml=new.to_yaml(), published_by=user)
    items = ",".join(sorted(changed))
    audit(user, None, "questionnaire.publish", "questionnaire", str(new.version), items)
    return new


@transaction.atomic
def dataset_import(*, user, folder: Path, source_name: str) -> dict[str, int]:
    """Load the dataset in ``folder`` into the database, all or nothing, audited.

    Raises ``bip.dataset.DatasetError`` (invalid data) or ``bip.web.exchange.ImportConflict``
    (ids already present); then nothing is written.
    """
    from bip.web.exchange import import_db

    counts = import_db(folder)
    detail = ", ".join(f"{v} {k}" for k, v in counts.items())
    audit(user, None, "dataset.import", "dataset", source_name[:64], detail)
    return counts
