"""Lists for administrators and analysts: jobcentres, logins, the pseudonymous dataset."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet

from bip.web.core.audit import audit
from bip.web.core.models import Jobcenter


def jobcenters() -> QuerySet[Jobcenter]:
    """Every jobcentre, by id."""
    return Jobcenter.objects.order_by("jobcenter_id")


def jobcenter_counts() -> QuerySet[Jobcenter]:
    """Every jobcentre with ``n_citizens``, the number of its citizens."""
    return jobcenters().annotate(n_citizens=Count("citizens", distinct=True))


def users():
    """Every login with its profile, jobcentre and creator, by user name."""
    return (
        get_user_model()
        .objects.select_related("profile__jobcenter", "profile__created_by")
        .order_by("username")
    )


def dataset_zip(*, fetched_by) -> io.BytesIO:
    """The tool's data as a zipped format-v1 dataset (pseudonyms only), the read audited."""
    import shutil
    import tempfile
    import zipfile
    from pathlib import Path

    from bip.web.exchange import export_db

    tmp = Path(tempfile.mkdtemp(prefix="bip-export-"))
    try:
        out = export_db(tmp / "dataset", fmt="csv")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(out.iterdir()):
                z.write(f, f"bip-dataset/{f.name}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    audit(fetched_by, None, "dataset.export", "dataset", "", "all jobcentres, pseudonymous")
    buf.seek(0)
    return buf
