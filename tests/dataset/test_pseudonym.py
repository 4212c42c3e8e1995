"""CPR validation, HMAC pseudonyms, key handling and `bip pseudonymise`."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset.pseudonym import PseudonymKeyError, century, load_key, pseudonym, validate_cpr
from bip.dataset.pseudonymise import pseudonymise_file

KEY = b"k" * 32
OTHER = b"o" * 32


@pytest.mark.parametrize(
    "cpr",
    [
        "0101801234",  # 1 Jan 1980
        "010180-1234",  # with the separator
        "  290200-4321 ",  # 29 Feb 2000 (7th digit 4, year 00 -> 2000, a leap year)
        "2902004321",
        "3112994999",  # 7th digit 4, year 99 -> 1999
        "0101585000",  # 7th digit 5, year 58 -> 1858
        "0101575000",  # 7th digit 5, year 57 -> 2057
        "1506659123",  # 7th digit 9, year 65 -> 1965
        "0101011239",  # fails modulus 11 and is still valid (no mod-11 check since 2007)
    ],
)
def test_valid_cpr(cpr):
    assert validate_cpr(cpr) is None


@pytest.mark.parametrize(
    "cpr, why",
    [
        ("", "empty"),
        (None, "empty"),
        ("123456789", "not a CPR number"),  # 9 digits
        ("12345678901", "not a CPR number"),  # 11 digits
        ("010180 1234", "not a CPR number"),  # space is not a separator
        ("010180/1234", "not a CPR number"),
        ("01-01-80-1234", "not a CPR number"),
        ("0101801-234", "not a CPR number"),
        ("01018O1234", "not a CPR number"),  # letter O
        ("3102801234", "not a real date"),  # 31 Feb
        ("2902011234", "not a real date"),  # 29 Feb 1901 (7th digit 1 -> 1900s)
        ("2902004234", "year 2000"),  # valid: see below (guard for the reason text)
        ("2902003234", "not a real date"),  # 29 Feb 1900: 7th digit 3 -> 1900, not a leap year
        ("2902585234", "not a real date"),  # 29 Feb 1858 (7th digit 5, year 58)
        ("0013801234", "not a real date"),  # month 13... day 00
        ("3204801234", "not a real date"),
    ],
)
def test_invalid_cpr(cpr, why):
    reason = validate_cpr(cpr)
    if why == "year 2000":
        assert reason is None  # 29 Feb 2000 exists
        return
    assert reason is not None and why in reason
    if cpr:
        assert cpr.replace("-", "") not in reason  # reasons never repeat the number


@pytest.mark.parametrize(
    "yy, seventh, year",
    [
        (99, 0, 1999),
        (0, 3, 1900),
        (36, 4, 2036),
        (37, 4, 1937),
        (57, 5, 2057),
        (58, 8, 1858),
        (36, 9, 2036),
        (37, 9, 1937),
    ],
)
def test_century_rule(yy, seventh, year):
    assert century(yy, seventh) + yy == year


def test_pseudonym_is_hmac_sha256_of_the_ten_digits():
    expected = hmac.new(KEY, b"0101801234", hashlib.sha256).hexdigest()
    assert pseudonym("0101801234", KEY) == expected
    assert pseudonym("010180-1234", KEY) == expected  # separator does not change the pseudonym
    assert len(expected) == 64


def test_pseudonym_stable_for_a_key_and_different_across_keys():
    cprs = ["0101801234", "1506659123", "2902004321"]
    first = [pseudonym(c, KEY) for c in cprs]
    assert first == [pseudonym(c, KEY) for c in cprs]
    assert len(set(first)) == 3
    assert not set(first) & {pseudonym(c, OTHER) for c in cprs}


def test_pseudonym_rejects_invalid_cpr():
    with pytest.raises(ValueError, match="not a real date"):
        pseudonym("3102801234", KEY)


def test_load_key(tmp_path, monkeypatch):
    monkeypatch.delenv("BIP_HMAC_KEY", raising=False)
    with pytest.raises(PseudonymKeyError, match="BIP_HMAC_KEY"):
        load_key()
    monkeypatch.setenv("BIP_HMAC_KEY", "short")
    with pytest.raises(PseudonymKeyError, match="too short") as exc:
        load_key()
    assert "short'" not in str(exc.value) and "= short" not in str(exc.value)
    monkeypatch.setenv("BIP_HMAC_KEY", "an-environment-key-of-some-length")
    assert load_key() == b"an-environment-key-of-some-length"
    f = tmp_path / "key"
    f.write_bytes(b"a-file-key-0123456789\n")
    assert load_key(f) == b"a-file-key-0123456789"  # the file wins; trailing newline stripped
    with pytest.raises(PseudonymKeyError, match="cannot read"):
        load_key(tmp_path / "nope")


REGISTER = """cpr,diagnosed_on,icd10
0101801234,2014-01-01,F32
010180-1234,2014-02-01,F33
3102801234,2014-01-01,F32
12345,2014-01-01,F32
1506659123,2015-01-01,M54.5
"""


@pytest.fixture
def register(tmp_path):
    p = tmp_path / "diagnoses_cpr.csv"
    p.write_text(REGISTER, encoding="utf-8")
    return p


def test_invalid_cprs_reported_by_line_and_nothing_written(register, tmp_path):
    out = tmp_path / "out.csv"
    result = pseudonymise_file(register, out, KEY)
    assert result.rows_written is None and not out.exists()
    assert [(p.file, p.line, p.column) for p in result.report.errors] == [
        ("diagnoses_cpr.csv", 4, "cpr"),
        ("diagnoses_cpr.csv", 5, "cpr"),
    ]
    assert list(tmp_path.iterdir()) == [register]  # no temporary file left behind


def test_drop_invalid_writes_valid_rows(register, tmp_path):
    out = tmp_path / "out.parquet"
    result = pseudonymise_file(register, out, KEY, drop_invalid=True)
    assert result.rows_written == 3 and result.invalid_cpr == 2
    t = pq.read_table(out)
    assert t.column_names == ["citizen_id", "diagnosed_on", "icd10"]
    ids = t.column("citizen_id").to_pylist()
    assert ids == [pseudonym("0101801234", KEY)] * 2 + [pseudonym("1506659123", KEY)]
    assert t.column("icd10").to_pylist() == ["F32", "F33", "M54.5"]
    assert "0101801234" not in out.read_bytes().decode("latin-1")


def test_parquet_in_keeps_types_and_pads_integer_cprs(tmp_path):
    src = tmp_path / "in.parquet"
    pq.write_table(
        pa.table(
            {
                "n": pa.array([1, 2], pa.int32()),
                "pnr": pa.array(
                    [101801234, 1506659123], pa.int64()
                ),  # leading zero lost in storage
            }
        ),
        src,
    )
    out = tmp_path / "out.csv"
    result = pseudonymise_file(src, out, KEY, cpr_column="pnr")
    assert result.report.ok, [str(p) for p in result.report.problems]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '"n","citizen_id"'
    assert lines[1] == f'1,"{pseudonym("0101801234", KEY)}"'


def test_structural_problems(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("id,x\n1,2\n", encoding="utf-8")
    r = pseudonymise_file(p, tmp_path / "o.csv", KEY).report
    assert [(e.line, e.column) for e in r.errors] == [(1, "cpr")]
    p.write_text("cpr,citizen_id\n0101801234,x\n", encoding="utf-8")
    r = pseudonymise_file(p, tmp_path / "o.csv", KEY).report
    assert "already has a citizen_id" in r.errors[0].reason
    p.write_text("cpr,x\n0101801234,1\n0101801234,1,3\n1506659123,2\n", encoding="utf-8")
    res = pseudonymise_file(p, tmp_path / "o.csv", KEY, drop_invalid=True)
    assert res.rows_written is None  # a malformed row is not an invalid CPR: nothing written
    assert [(e.line, e.reason.split(":")[0]) for e in res.report.errors] == [(3, "malformed row")]


def test_cli(register, tmp_path, monkeypatch):
    monkeypatch.setenv("BIP_HMAC_KEY", KEY.decode())
    runner = CliRunner()
    out = tmp_path / "o.csv"
    r = runner.invoke(main, ["pseudonymise", str(register), str(out)])
    assert r.exit_code == 1 and not out.exists()
    assert "diagnoses_cpr.csv, line 4, column cpr" in r.output
    assert "nothing written" in r.output
    r = runner.invoke(main, ["pseudonymise", str(register), str(out), "--drop-invalid"])
    assert r.exit_code == 0, r.output
    assert "3 row(s), leaving out 2" in r.output
    assert KEY.decode() not in r.output
    keyfile = tmp_path / "key"
    keyfile.write_bytes(OTHER)
    monkeypatch.delenv("BIP_HMAC_KEY")
    r = runner.invoke(
        main,
        [
            "pseudonymise",
            str(register),
            str(tmp_path / "o2.csv"),
            "--drop-invalid",
            "--key-file",
            str(keyfile),
        ],
    )
    assert r.exit_code == 0
    assert pseudonym("0101801234", OTHER) in (tmp_path / "o2.csv").read_text()
    r = runner.invoke(main, ["pseudonymise", str(register), str(tmp_path / "o3.csv")])
    assert r.exit_code == 1 and "BIP_HMAC_KEY" in r.output
