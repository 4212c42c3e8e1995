"""A small synthetic cohort shared by the synth tests (generated once per session)."""

from __future__ import annotations

import pytest

from bip.synth import generate_cohort


@pytest.fixture(scope="session")
def small_cohort(tmp_path_factory):
    """Scale 0.3 (~1,100 citizens), seed 7, CSV."""
    out = tmp_path_factory.mktemp("synth") / "cohort"
    return generate_cohort(out, scale=0.3, seed=7)
