"""Determinism, formats, atomic writing and argument checks of the generator and `bip synth`."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset import TABLES, open_dataset
from bip.synth import generate as gen
from bip.synth import generate_cohort


def _digest(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_deterministic_for_a_seed_and_different_for_another(tmp_path):
    a = generate_cohort(tmp_path / "a", scale=0.05, seed=3)
    b = generate_cohort(tmp_path / "b", scale=0.05, seed=3)
    c = generate_cohort(tmp_path / "c", scale=0.05, seed=4)
    assert _digest(a) == _digest(b)
    da, dc = _digest(a), _digest(c)
    assert da["measurements.csv"] != dc["measurements.csv"]
    assert da["truth.json"] != dc["truth.json"]


def test_blocks_stream_into_one_table_per_name(tmp_path):
    """Several blocks of 1,000 citizens (each its own random stream) end up as one table."""
    a = generate_cohort(tmp_path / "a", scale=0.6, seed=5)  # 3 blocks of 1000 citizens
    assert (a / "citizens.csv").read_text().count("\n") == 1 + round(3707 * 0.6)
    ids = open_dataset(a).frame("citizens").citizen_id
    assert ids.is_unique and ids.is_monotonic_increasing


def test_parquet_format(tmp_path):
    out = generate_cohort(tmp_path / "p", scale=0.05, seed=1, fmt="parquet")
    for name in TABLES:
        assert (out / f"{name}.parquet").is_file()
    ds = open_dataset(out)
    assert ds.format == "parquet" and len(ds.frame("measurements")) > 100


def test_refuses_to_overwrite_and_rejects_bad_arguments(tmp_path):
    out = generate_cohort(tmp_path / "x", scale=0.02, seed=0)
    with pytest.raises(FileExistsError):
        generate_cohort(out, scale=0.02, seed=0)
    generate_cohort(out, scale=0.02, seed=1, overwrite=True)
    with pytest.raises(ValueError, match="scale"):
        generate_cohort(tmp_path / "y", scale=0)
    with pytest.raises(ValueError, match="format"):
        generate_cohort(tmp_path / "y", fmt="xlsx")
    assert not (tmp_path / "y").exists()


def test_nothing_half_written_on_failure(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = gen._block

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(gen, "_block", failing)
    with pytest.raises(RuntimeError):
        generate_cohort(tmp_path / "z", scale=0.5, seed=0)
    assert list(tmp_path.iterdir()) == []


def test_cli(tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli"
    r = runner.invoke(
        main, ["synth", str(out), "--scale", "0.03", "--seed", "2", "--format", "parquet"]
    )
    assert r.exit_code == 0, r.output
    assert (out / "truth.json").is_file() and (out / "measurements.parquet").is_file()
    r = runner.invoke(main, ["synth", str(out), "--scale", "0.03"])
    assert r.exit_code != 0 and "--overwrite" in r.output
    r = runner.invoke(main, ["synth", str(tmp_path / "neg"), "--scale", "-1"])
    assert r.exit_code != 0 and "--scale" in r.output
