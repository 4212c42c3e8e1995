"""Import limits: field lengths checked by the dataset schema (identically on SQLite and
PostgreSQL, with file/line/column), and dataset zips unpacked safely and streamed."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from bip.dataset import DatasetError, validate_dataset
from bip.dataset.schema import TABLES

# The database's CharField limits (src/bip/web/core/models.py)
ID_MAX_LENGTH, NAME_MAX_LENGTH = 64, 200
# (model, field) of the tool's database <-> (table, column) of the dataset format
FIELDS = [
    ("Jobcenter", "jobcenter_id", "jobcenters", "jobcenter_id"),
    ("Jobcenter", "name", "jobcenters", "name"),
    ("Caseworker", "caseworker_id", "caseworkers", "caseworker_id"),
    ("Citizen", "citizen_id", "citizens", "citizen_id"),
    ("Measurement", "measurement_id", "measurements", "measurement_id"),
]


@pytest.mark.parametrize(("model", "field", "table", "column"), FIELDS)
def test_schema_and_database_agree_on_lengths(model, field, table, column):
    from bip.dataset import schema
    from bip.web.core import models

    limit = getattr(models, model)._meta.get_field(field).max_length
    assert TABLES[table].column(column).max_chars == limit
    assert (schema.ID_MAX_LENGTH, schema.NAME_MAX_LENGTH) == (ID_MAX_LENGTH, NAME_MAX_LENGTH)


def test_every_id_column_has_the_id_limit():
    for t in TABLES.values():
        for c in t.columns:
            if c.kind == "id":
                assert c.max_chars == ID_MAX_LENGTH, (t.name, c.name)


def _set(path, line, column, value):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    df.to_csv(path, index=False)


def test_validator_names_file_line_and_column_of_a_long_value(example):
    _set(example / "measurements.csv", 3, "measurement_id", "M" * 100)
    _set(example / "jobcenters.csv", 2, "name", "N" * 300)
    errors = {(p.file, p.line, p.column): p.reason for p in validate_dataset(example).errors}
    assert errors[("measurements.csv", 3, "measurement_id")] == (
        f"too long: 100 characters (at most {ID_MAX_LENGTH})"
    )
    assert errors[("jobcenters.csv", 2, "name")] == (
        f"too long: 300 characters (at most {NAME_MAX_LENGTH})"
    )


def test_values_at_the_limit_are_fine(example):
    _set(example / "jobcenters.csv", 2, "name", "N" * NAME_MAX_LENGTH)
    assert validate_dataset(example).ok


@pytest.mark.django_db
def test_import_db_refuses_long_ids_and_names_on_this_backend(example):
    """On PostgreSQL this was a DataError traceback; on SQLite the values went in silently."""
    from bip.web.core.models import Jobcenter, Measurement
    from bip.web.exchange import import_db

    _set(example / "measurements.csv", 2, "measurement_id", "M" * 100)
    _set(example / "jobcenters.csv", 3, "name", "N" * 300)
    with pytest.raises(DatasetError) as exc:
        import_db(example)
    where = {(p.file, p.line, p.column) for p in exc.value.report.errors}
    assert where == {("measurements.csv", 2, "measurement_id"), ("jobcenters.csv", 3, "name")}
    assert Jobcenter.objects.count() == 0 and Measurement.objects.count() == 0


@pytest.mark.django_db
def test_longest_allowed_values_import_on_this_backend(example):
    from bip.web.core.models import Jobcenter, Measurement
    from bip.web.exchange import import_db

    long_id = "M" * ID_MAX_LENGTH
    _set(example / "measurements.csv", 2, "measurement_id", long_id)
    _set(example / "jobcenters.csv", 3, "name", "N" * NAME_MAX_LENGTH)
    import_db(example)
    assert Measurement.objects.filter(measurement_id=long_id).exists()
    assert Jobcenter.objects.get(jobcenter_id="JC2").name == "N" * NAME_MAX_LENGTH


# --- dataset zips ----------------------------------------------------------------------------


def _zip_of(folder, prefix="bip-dataset/") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.iterdir()):
            z.write(f, prefix + f.name)
    return buf.getvalue()


def _corrupt_crc(data: bytes, member: str) -> bytes:
    """The zip with one byte of ``member``'s compressed data flipped (its CRC no longer fits)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    # local header: 30 bytes + name + extra, then the data
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    pos = start + info.compress_size // 2
    out = bytearray(data)
    out[pos] ^= 0x01
    return bytes(out)


def _stored_zip(folder) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for f in sorted(folder.iterdir()):
            z.write(f, "bip-dataset/" + f.name)
    return buf.getvalue()


def test_zip_is_unpacked_flat(example, tmp_path):
    from bip.dataset.archive import extract_dataset_zip

    src = tmp_path / "ds.zip"
    src.write_bytes(_zip_of(example))
    out = extract_dataset_zip(src, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in example.iterdir())
    assert validate_dataset(out).ok


def test_bad_crc_is_one_clear_error(example, tmp_path):
    from bip.dataset.archive import ZipRejected, extract_dataset_zip

    src = tmp_path / "ds.zip"
    src.write_bytes(_corrupt_crc(_stored_zip(example), "bip-dataset/measurements.csv"))
    with pytest.raises(ZipRejected, match=r"ds\.zip: damaged or not a zip file \(Bad CRC-32"):
        extract_dataset_zip(src, tmp_path / "out", label="ds.zip")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("names", "why"),
    [
        (["../evil.csv"], "unsafe path"),
        (["/abs/jobcenters.csv"], "unsafe path"),
        (["a/jobcenters.csv", "b/jobcenters.csv"], "two files named jobcenters.csv"),
    ],
)
def test_unsafe_zips_are_refused(tmp_path, names, why):
    from bip.dataset.archive import ZipRejected, extract_dataset_zip

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "jobcenter_id,name\n")
    with pytest.raises(ZipRejected, match=why):
        extract_dataset_zip(io.BytesIO(buf.getvalue()), tmp_path / "out")
    assert not (tmp_path / "evil.csv").exists()


def test_unpacked_size_is_counted_not_trusted(tmp_path):
    """A member whose header understates its size is stopped at the limit while streaming."""
    from bip.dataset.archive import ZipRejected, extract_dataset_zip

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("benefit_weeks.csv", b"0" * 5_000_000)
    with pytest.raises(ZipRejected, match="too large"):
        extract_dataset_zip(io.BytesIO(buf.getvalue()), tmp_path / "out", max_bytes=1_000_000)


def test_cli_import_of_a_damaged_zip_is_one_line(example, tmp_path, monkeypatch):
    from bip.cli import main

    monkeypatch.setenv("BIP_DATA_DIR", str(tmp_path / "data"))
    src = tmp_path / "ds.zip"
    src.write_bytes(_corrupt_crc(_stored_zip(example), "bip-dataset/measurements.csv"))
    r = CliRunner().invoke(main, ["import-db", str(src)])
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "Bad CRC-32" in lines[0] and "nothing was imported" in lines[0]
    assert "Traceback" not in r.output


@pytest.mark.django_db
def test_web_import_of_a_damaged_zip_is_a_clear_400(client, world, example):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from bip.web.core.models import Citizen

    before = Citizen.objects.count()
    data = _corrupt_crc(_stored_zip(example), "bip-dataset/measurements.csv")
    client.force_login(world.users[("admin", "A")])
    r = client.post(
        reverse("admin_import"),
        {"dataset": SimpleUploadedFile("ds.zip", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400
    assert "ds.zip: damaged or not a zip file" in r.content.decode()
    assert Citizen.objects.count() == before
