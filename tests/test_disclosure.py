"""The one small-cell rule (bip.disclosure): small counts, numerators, partitions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bip.disclosure import (
    MIN_CELL_CITIZENS,
    SUPPRESSED,
    WITHHELD,
    Counts,
    complementary,
    is_small,
    marks,
)


@pytest.mark.parametrize(
    ("counts", "small"),
    [
        (Counts(citizens=4), True),
        (Counts(citizens=5), False),
        (Counts(citizens=0), False),  # nobody: nothing to hide (the value is undefined)
        (Counts(citizens=None, observations=3), True),
        (Counts(citizens=None, observations=7), False),
        (Counts(citizens=60, with_=2), True),  # two people with the characteristic
        (Counts(citizens=60, with_=58), True),  # two people without it
        (Counts(citizens=60, with_=0), False),
        (Counts(citizens=60, with_=60), False),
        (Counts(citizens=60, with_=30), False),
        (Counts(citizens=0, observations=2), True),  # rows decide when citizens say nothing
    ],
)
def test_small_cells(counts, small):
    assert counts.is_small() is small
    assert is_small(counts.citizens, observations=counts.observations, with_=counts.with_) is small


def test_threshold_is_five():
    assert MIN_CELL_CITIZENS == 5


@given(st.dictionaries(st.sampled_from("abcdefghijklmnop"), st.integers(0, 60), min_size=1))
def test_no_small_number_can_be_worked_out_of_a_partition(sizes):
    hidden = marks({k: Counts(citizens=n) for k, n in sizes.items()}, partition=True)
    # what a reader can work out: the hidden cells' sum (total minus the shown cells)
    hidden_sum = sum(sizes[k] for k in hidden)
    shown_small = [k for k in sizes if k not in hidden and 0 < sizes[k] < MIN_CELL_CITIZENS]
    assert shown_small == []
    assert (
        hidden_sum == 0
        or hidden_sum >= MIN_CELL_CITIZENS
        or len(hidden) == sum(1 for n in sizes.values() if n > 0)
    )
    assert all(v == SUPPRESSED for k, v in hidden.items() if 0 < sizes[k] < MIN_CELL_CITIZENS)
    assert [k for k, v in hidden.items() if v == WITHHELD] == [] or any(
        0 < sizes[k] < MIN_CELL_CITIZENS for k in hidden
    )


@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 40), min_size=2),
    st.data(),
)
def test_what_is_hidden_does_not_depend_on_the_small_cells(sizes, data):
    """Two partitions that differ only in their small cells' counts (1-4) hide the same cells."""
    other = {
        k: data.draw(st.integers(1, MIN_CELL_CITIZENS - 1)) if 0 < n < MIN_CELL_CITIZENS else n
        for k, n in sizes.items()
    }
    a = marks({k: Counts(citizens=n) for k, n in sizes.items()}, partition=True)
    b = marks({k: Counts(citizens=n) for k, n in other.items()}, partition=True)
    assert a == b


def test_complementary_takes_the_smallest_other_cell_with_citizens():
    assert complementary({"a": 3, "b": 0, "c": 9, "d": 7}, {"a"}) == {"a", "d"}
    assert complementary({"c": 9}, set()) == set()
    assert complementary({"a": 3, "b": 0}, {"a"}) == {"a"}  # nothing can cover it
