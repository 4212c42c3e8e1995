"""Fixtures for the panel tests."""

from __future__ import annotations

import pytest
from panel_builders import make_dataset


@pytest.fixture
def dataset_factory(tmp_path):
    counter = iter(range(1000))

    def factory(*args, **kwargs):
        sub = tmp_path / f"d{next(counter)}"
        sub.mkdir()
        return make_dataset(sub, *args, **kwargs)

    return factory
