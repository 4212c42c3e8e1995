"""Property tests: random malformed input never escapes validate_dataset as an exception.

Whatever is in the files, the result is a Report; a table that is not clean has errors.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bip.dataset import TABLES, Report, validate_dataset
from bip.dataset.example import example_tables
from bip.dataset.write import write_dataset

_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_MASTER: dict[str, Path] = {}


def _fresh(fmt: str) -> Path:
    """A new copy of the example dataset (the master is written once per session)."""
    if fmt not in _MASTER:
        root = tempfile.mkdtemp()
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _MASTER[fmt] = write_dataset(example_tables(), Path(root) / "m", fmt)
    return Path(shutil.copytree(_MASTER[fmt], Path(tempfile.mkdtemp()) / "d"))


cells = st.one_of(
    st.just(""),
    st.integers(-10, 10).map(str),
    st.sampled_from(["1", "5", "2014-01-06", "2014-W01", "C1", "JC1"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.text(alphabet=',"\n\r \t;\\x', max_size=6),
)
tables = st.sampled_from(["jobcenters", "citizens", "measurements", "benefit_weeks", "gp_contacts"])


@_SETTINGS
@given(table=tables, data=st.binary(max_size=400))
def test_random_bytes_as_csv(table, data):
    ds = _fresh("csv")
    (ds / f"{table}.csv").write_bytes(data)
    report = validate_dataset(ds)
    assert isinstance(report, Report)
    shutil.rmtree(ds.parent)


@_SETTINGS
@given(
    table=tables,
    rows=st.lists(st.lists(cells, max_size=8), max_size=8),
    keep_header=st.booleans(),
    extra=st.lists(st.text(max_size=5), max_size=2),
)
def test_random_rows_under_a_real_header(table, rows, keep_header, extra):
    ds = _fresh("csv")
    head = list(TABLES[table].column_names)
    if not keep_header:
        head = head[: max(1, len(head) // 2)]
    head += extra
    text = "\n".join([",".join(head)] + [",".join(r) for r in rows]) + "\n"
    (ds / f"{table}.csv").write_text(text, encoding="utf-8")
    report = validate_dataset(ds)
    assert isinstance(report, Report)
    if not keep_header:
        assert not report.ok
    shutil.rmtree(ds.parent)


parquet_arrays = st.one_of(
    st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), min_size=3, max_size=3).map(
        lambda v: pa.array(v, pa.int64())
    ),
    st.lists(
        st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)), min_size=3, max_size=3
    ).map(lambda v: pa.array(v, pa.float64())),
    st.lists(st.one_of(st.none(), st.text(max_size=8)), min_size=3, max_size=3).map(
        lambda v: pa.array(v, pa.string())
    ),
    st.lists(st.one_of(st.none(), st.booleans()), min_size=3, max_size=3).map(
        lambda v: pa.array(v, pa.bool_())
    ),
    st.lists(
        st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
        min_size=3,
        max_size=3,
    ).map(lambda v: pa.array(v, pa.date32())),
    st.just(pa.nulls(3)),
)


@_SETTINGS
@given(
    table=st.sampled_from(["persons", "gp_contacts", "citizens", "crime", "benefit_weeks"]),
    data=st.data(),
)
def test_random_parquet_columns(table, data):
    ds = _fresh("parquet")
    names = TABLES[table].column_names
    arrays = {n: data.draw(parquet_arrays, label=n) for n in names}
    pq.write_table(pa.table(arrays), ds / f"{table}.parquet")
    report = validate_dataset(ds)
    assert isinstance(report, Report)
    shutil.rmtree(ds.parent)


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_random_bytes_as_parquet(data):
    ds = _fresh("parquet")
    (ds / "persons.parquet").write_bytes(b"PAR1" + data + b"PAR1")
    report = validate_dataset(ds)
    assert not report.ok
    shutil.rmtree(ds.parent)
