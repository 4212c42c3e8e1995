"""The spreadsheet rule: formula-like text gets an apostrophe, everything else is unchanged."""

from __future__ import annotations

import pytest

from bip.dataset.spreadsheet import is_formula_like, neutralise


@pytest.mark.parametrize(
    "text", ["=1+1", "+1+1", "-2+3", "-1,5", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(x)"]
)
def test_formula_like_text_is_neutralised(text):
    assert is_formula_like(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["F32", "a=b", " =1", "", "1-2", "jobcentre 2-3"])
def test_plain_text_unchanged(value):
    assert not is_formula_like(value)
    assert neutralise(value) == value


@pytest.mark.parametrize("value", ["-1.5", "+1", "-3", "-2e3", ".5"])
def test_plain_numbers_as_text_stay_numbers(value):
    """A negative amount kept as CSV text must read back as a number (BIP reads its own CSV)."""
    assert not is_formula_like(value)
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-1, -1.5, 0, None, True])
def test_non_text_unchanged(value):
    assert neutralise(value) is value
