"""docs/dataset-format.md is generated from the schema and must be current."""

from __future__ import annotations

from pathlib import Path

from bip.dataset.docs import render
from bip.dataset.schema import TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "dataset-format.md"


def test_committed_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/dataset-format.md is stale: run `python -m bip.dataset.docs` and commit the result"
    )


def test_every_table_and_column_is_documented_with_its_type():
    text = render()
    for name, table in TABLES.items():
        assert f"### `{name}`" in text
        for c in table.columns:
            assert f"| `{c.name}` | `{c.kind}` |" in text


def test_prose_rules_are_there():
    text = render()
    for phrase in (
        "Empty = missing",
        "header is line 1",
        "ignored with a warning",
        "All or nothing",
        "never stored",
        "dream_mapping_example.csv",
        "DREAM documentation in force",
        "no\n  modulus-11 check",
        "y_1501",
    ):
        assert phrase in text, phrase
