"""The parent-table id set against Arrow's own membership test, on both of its paths."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from bip.dataset.parse import IdSet


@pytest.mark.parametrize("n_values", [5, 400, 3_000])
def test_unknown_matches_is_in(n_values):
    rng = np.random.default_rng(n_values)
    ids = pa.array([f"c{i:06d}" for i in rng.permutation(2_000)])
    pool = [f"c{i:06d}" for i in range(2_500)]  # the last 500 are not ids
    values = pa.array(list(dict.fromkeys(rng.choice(pool, n_values).tolist())))
    want = pc.invert(pc.is_in(values, value_set=ids))
    id_set = IdSet(ids)
    for _ in range(2):  # the second call reuses the hash table
        got = id_set.unknown(values)
        assert got.type == pa.bool_()
        assert got.to_pylist() == want.to_pylist()
    assert 0 < sum(want.to_pylist()) < len(values)
