"""Fixtures of the insight tests: a small synthetic cohort loaded into the tool, one login per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(scope="session")
def cohort_dir(tmp_path_factory) -> Path:
    """A synthetic cohort (scale 0.2: 2 jobcentres, ~740 citizens, ~2,800 measurements) with truth."""
    from bip.synth import generate_cohort

    return generate_cohort(
        tmp_path_factory.mktemp("cohort") / "ds", scale=0.2, seed=1, fmt="parquet"
    )


@pytest.fixture
def insight_dir(settings, tmp_path, monkeypatch):
    """Runs and register uploads go to a fresh folder; no cached panel from another test."""
    from bip.web.insight import current

    monkeypatch.setattr(current, "VERSION_TTL_SECONDS", 0.0)  # see every change at once
    monkeypatch.setattr(current, "SERVE_STALE", False)
    settings.BIP_INSIGHT_DIR = str(tmp_path / "data")
    settings.BIP_RUN_PDF = False
    current.clear()
    yield tmp_path / "data"
    current.clear()


@dataclass
class Loaded:
    dataset: Path
    jc: list[str] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    password: str = PASSWORD


def load_cohort(cohort_dir: Path) -> Loaded:
    """Import the cohort's operational tables and create manager (per jobcentre), analyst, admin."""
    from django.contrib.auth import get_user_model

    from bip.web.core.models import Jobcenter, Profile
    from bip.web.exchange import import_db

    import_db(cohort_dir)
    out = Loaded(cohort_dir)
    User = get_user_model()
    out.jc = list(Jobcenter.objects.order_by("jobcenter_id").values_list("jobcenter_id", flat=True))
    for i, jc in enumerate(out.jc):
        u = User.objects.create_user(f"manager{i}", password=PASSWORD)
        Profile.objects.create(
            user=u, role="manager", jobcenter=Jobcenter.objects.get(jobcenter_id=jc)
        )
        out.users[f"manager{i}"] = u
    for role in ("analyst", "admin"):
        u = User.objects.create_user(role, password=PASSWORD)
        Profile.objects.create(user=u, role=role)
        out.users[role] = u
    return out


def register_copy(cohort_dir: Path, dest: Path, table: str = "employment_months") -> Path:
    """One register table of the cohort as a CSV file (as an administrator would upload it)."""
    import pandas as pd

    dest.mkdir(parents=True, exist_ok=True)
    df = pd.read_parquet(cohort_dir / f"{table}.parquet")
    out = dest / f"{table}.csv"
    df.to_csv(out, index=False)
    return out
