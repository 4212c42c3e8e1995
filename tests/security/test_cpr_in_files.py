"""Raw CPR numbers in any column of any file BIP takes in are refused, nothing stored.

One rule (:mod:`bip.dataset.cprscan`) behind every entry point: ``bip dataset validate``,
``bip import-db``, ``bip pseudonymise`` and the web register upload. The number itself never
appears in a message.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bip.cli import main
from bip.dataset import DatasetError, validate_dataset
from tests.security.conftest import CPRS
from tests.web.conftest import CPR_A, CPR_B

KEY = "test-hmac-key-0123456789abcdef"


def _digits(cpr: str) -> str:
    return cpr.replace("-", "")


def _leaks(text: str) -> list[str]:
    return [c for c in CPRS if c in text or _digits(c) in text or _digits(c).lstrip("0") in text]


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "010170-1018",
        "0101701018",
        " 0101701018 ",
        "cpr: 010170-1018.",
        "borger 150485-1008 ringede",
        "cw-0101701018",
        "101701018",  # an integer that lost its leading zero, as text
        "101701018.0",
        "290200-4000",  # 29 February 2000 (7th digit 4: 2000s)
    ],
)
def test_cpr_looking_text_is_found(cell):
    from bip.dataset.cprscan import cpr_mask, mask_cpr

    assert cpr_mask(pa.array([cell])).tolist() == [True]
    assert "<CPR number>" in mask_cpr(cell) and not _leaks(mask_cpr(cell))


@pytest.mark.parametrize(
    "cell",
    [
        "320170-1018",  # no 32nd
        "011370-1018",  # no 13th month
        "290201-4000",  # 2001 is no leap year
        "a0101701018f",  # inside a hex pseudonym: touches letters
        "01017010189",  # 11 digits
        "c0000001-01",
        "cw00001",
        "2015-W01",
        "2015-01-05",
        "DF321",
        "N06AB04",
        "12345678",
        "",
    ],
)
def test_other_text_is_not_a_cpr(cell):
    from bip.dataset.cprscan import cpr_mask

    assert cpr_mask(pa.array([cell])).tolist() == [False]


def test_numbers_lost_leading_zero_and_dictionaries():
    from bip.dataset.cprscan import cpr_mask

    assert cpr_mask(pa.array([101701018, 3201701018, 5, None], pa.int64())).tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert cpr_mask(pa.array([1504851008.0, 1.5e9 + 0.5, float("nan")])).tolist() == [
        True,
        False,
        False,
    ]
    enc = pa.array(["x", "010170-1018", None, "x"]).dictionary_encode()
    assert cpr_mask(enc).tolist() == [False, True, False, False]
    assert cpr_mask(pa.array([True, False])).tolist() == [False, False]


# --- bip dataset validate / the validator ----------------------------------------------------


def _add_column(path, name, values):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df[name] = values[: len(df)] + [""] * (len(df) - len(values))
    df.to_csv(path, index=False)


def test_extra_column_of_any_name_is_refused_with_line_and_column(example):
    _add_column(example / "persons.csv", "CPR", ["", CPRS[0]])
    r = CliRunner().invoke(main, ["dataset", "validate", "--quiet", str(example)])
    assert r.exit_code == 1
    assert "persons.csv, line 3, column CPR: looks like a CPR number" in r.output
    assert not _leaks(r.output)


def test_cpr_as_a_column_name_is_refused_and_not_repeated(example, tmp_path, monkeypatch):
    """A header cell is a cell: a transposed file must not put CPR numbers in column names."""
    _add_column(example / "persons.csv", CPRS[1], ["x"])
    report = validate_dataset(example)
    assert [(e.file, e.line, e.column) for e in report.errors] == [
        ("persons.csv", 1, "<CPR number>")
    ]
    assert not _leaks("\n".join(str(p) for p in report.problems))
    monkeypatch.setenv("BIP_HMAC_KEY", KEY)
    src = tmp_path / "in.csv"
    src.write_text(f"cpr,{_digits(CPRS[0])}\n{CPRS[2]},1\n")
    r = CliRunner().invoke(main, ["pseudonymise", str(src), str(tmp_path / "out.csv")])
    assert r.exit_code == 1 and "in.csv, line 1, column <CPR number>" in r.output
    assert not (tmp_path / "out.csv").exists() and not _leaks(r.output)


def test_cpr_inside_free_text_and_ids_is_refused(example):
    jc = pd.read_csv(example / "jobcenters.csv", dtype=str)
    jc.loc[1, "name"] = f"Horsens (kontakt {CPRS[1]})"
    jc.to_csv(example / "jobcenters.csv", index=False)
    m = pd.read_csv(example / "measurements.csv", dtype=str, keep_default_na=False)
    m.loc[0, "measurement_id"] = _digits(CPRS[2])
    m.to_csv(example / "measurements.csv", index=False)
    report = validate_dataset(example)
    hits = {(p.file, p.line, p.column) for p in report.errors if "CPR" in p.reason}
    assert hits == {("jobcenters.csv", 3, "name"), ("measurements.csv", 2, "measurement_id")}
    assert not _leaks("\n".join(str(p) for p in report.problems))


def test_cpr_in_a_checked_column_is_named_and_not_repeated(example):
    p = pd.read_csv(example / "persons.csv", dtype=str, keep_default_na=False)
    p.loc[0, "sex"] = CPRS[0]
    p.loc[1, "n_children"] = _digits(CPRS[0]).lstrip("0")
    p.to_csv(example / "persons.csv", index=False)
    report = validate_dataset(example)
    assert not report.ok
    assert {(e.line, e.column) for e in report.errors} >= {(2, "sex"), (3, "n_children")}
    assert not _leaks("\n".join(str(e) for e in report.problems))


def test_parquet_integer_column_that_lost_its_leading_zero(example_master, tmp_path):
    from bip.dataset import convert_dataset

    ds = convert_dataset(example_master, tmp_path / "pq", "parquet")
    t = pq.read_table(ds / "persons.parquet")
    t = t.append_column("pnr", pa.array([0, int(_digits(CPRS[0])), 0, 0], pa.int64()))
    pq.write_table(t, ds / "persons.parquet")
    report = validate_dataset(ds)
    assert [(e.file, e.line, e.column) for e in report.errors] == [("persons.parquet", 3, "pnr")]


@pytest.mark.parametrize(
    ("scale", "fmt"), [(1, "csv"), pytest.param(4, "parquet", marks=pytest.mark.slow)]
)
def test_no_false_positive_on_the_synthetic_cohort(tmp_path, scale, fmt):
    """Pseudonyms, ids, dates, weeks and codes of a synthetic cohort never look like CPR numbers."""
    from bip.synth import generate_cohort

    ds = generate_cohort(tmp_path / "cohort", scale=scale, seed=3, fmt=fmt)
    report = validate_dataset(ds)
    assert report.ok, [str(p) for p in report.errors[:5]]


# --- bip pseudonymise ------------------------------------------------------------------------


def test_pseudonymise_refuses_cpr_left_in_another_column(tmp_path, monkeypatch):
    monkeypatch.setenv("BIP_HMAC_KEY", KEY)
    src = tmp_path / "in.csv"
    src.write_text(f"cpr,note,sex\n{CPRS[0]},ok,f\n{CPRS[1]},barn af {CPRS[2]},m\n")
    out = tmp_path / "out.csv"
    for extra in ([], ["--drop-invalid"]):
        r = CliRunner().invoke(main, ["pseudonymise", str(src), str(out), *extra])
        assert r.exit_code == 1
        assert "in.csv, line 3, column note: looks like a CPR number" in r.output
        assert not out.exists() and not _leaks(r.output)


def test_pseudonymise_of_a_clean_file_still_works(tmp_path, monkeypatch):
    monkeypatch.setenv("BIP_HMAC_KEY", KEY)
    src = tmp_path / "in.csv"
    src.write_text(f"cpr,sex\n{CPRS[0]},f\n")
    r = CliRunner().invoke(main, ["pseudonymise", str(src), str(tmp_path / "out.csv")])
    assert r.exit_code == 0, r.output
    assert not _leaks((tmp_path / "out.csv").read_text())


# --- the web register upload -----------------------------------------------------------------


def _stored(root):
    d = root / "registers"
    return sorted(p for p in d.rglob("*") if p.is_file()) if d.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("id_column", ["citizen_id", "cpr"])
def test_web_upload_with_a_cpr_column_of_another_name_stores_nothing(
    client, world, insight_dir, id_column
):
    from bip.web.insight.models import RegisterUpload

    ids = (
        [world.citizens["A"].citizen_id, world.citizens["B"].citizen_id]
        if id_column == "citizen_id"
        else [CPR_A, CPR_B]
    )
    body = (
        f"{id_column},birth_year,sex,married,n_children,single_parent,origin,education,CPR\n"
        f"{ids[0]},1970,f,0,0,0,danish,skilled,\n"
        f"{ids[1]},1985,m,1,2,0,danish,higher,{CPRS[1]}\n"
    )
    client.force_login(world.users[("admin", "A")])
    r = client.post(
        reverse("insight_registers"),
        {"table": "persons", "file": SimpleUploadedFile("persons.csv", body.encode())},
    )
    assert r.status_code == 400
    assert [(p.file, p.line, p.column) for p in r.context["problems"]] == [
        ("persons.csv", 3, "CPR")
    ]
    assert not _leaks(r.content.decode())
    assert RegisterUpload.objects.count() == 0 and _stored(insight_dir) == []


# --- bip import-db (and the web import, which calls the same function) ------------------------


@pytest.mark.django_db
def test_import_db_refuses_a_cpr_and_imports_nothing(example):
    from bip.web.core.models import Jobcenter
    from bip.web.exchange import import_db

    _add_column(example / "citizens.csv", "personnummer", [CPRS[0]])
    with pytest.raises(DatasetError) as exc:
        import_db(example)
    assert [(p.file, p.line, p.column) for p in exc.value.report.errors] == [
        ("citizens.csv", 2, "personnummer")
    ]
    assert not _leaks(str(exc.value))
    assert Jobcenter.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_web_upload_stores_only_the_format_columns(client, world, insight_dir, tmp_path, fmt):
    """Columns the format does not know (here: names) are not stored and not handed on."""
    from bip.web.insight.models import RegisterUpload

    df = pd.DataFrame(
        {
            "citizen_id": [world.citizens["A"].citizen_id, world.citizens["B"].citizen_id],
            "navn": ["Jens Hansen", "Mette Jensen"],
            "month": ["2016-01", "2016-02"],
            "employed": [1, 0],
        }
    )
    path = tmp_path / f"employment_months.{fmt}"
    df.to_csv(path, index=False) if fmt == "csv" else df.to_parquet(path, index=False)
    client.force_login(world.users[("admin", "A")])
    r = client.post(
        reverse("insight_registers"),
        {
            "table": "employment_months",
            "file": SimpleUploadedFile(path.name, path.read_bytes()),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    up = RegisterUpload.objects.get()
    stored = pd.read_csv(up.path) if fmt == "csv" else pd.read_parquet(up.path)
    assert list(stored.columns) == ["citizen_id", "month", "employed"]
    assert b"Hansen" not in up.path.read_bytes() and up.rows == 2
