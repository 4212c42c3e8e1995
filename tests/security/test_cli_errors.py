"""Every `bip` error is one clear line, never a traceback; database commands need no web secret.

Bad input for every subcommand: a missing folder, a bad zip, an invalid dataset, an output
that cannot be written (a path under a regular file: refused even to root). The commands that
set Django up run as separate processes without ``BIP_SECRET_KEY``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.dataset import write_dataset
from bip.dataset.example import example_tables


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli")
    good = write_dataset(example_tables(), root / "good", "csv")
    bad = write_dataset(example_tables(), root / "bad", "csv")
    lines = (bad / "measurements.csv").read_text().splitlines()
    assert '"W1"' in lines[2]
    lines[2] = lines[2].replace('"W1"', '"NOBODY"', 1)  # line 3: an unknown caseworker
    (bad / "measurements.csv").write_text("\n".join(lines) + "\n")
    (root / "file.txt").write_text("not a folder, not a zip\n")
    (root / "broken").mkdir()
    (root / "broken" / "results.json").write_text("{not json")
    (root / "key.txt").write_text("0123456789abcdef0123456789abcdef")
    (root / "in.csv").write_text("cpr,x\n010170-1018,1\n")
    return {
        "good": good,
        "bad": bad,
        "file": root / "file.txt",
        "unwritable": root / "file.txt" / "out",  # under a regular file
        "missing": root / "missing",
        "broken": root / "broken",
        "key": root / "key.txt",
        "in": root / "in.csv",
        "results": root / "results",
    }


def _one_error_line(output: str) -> str:
    assert "Traceback" not in output, output
    errors = [ln for ln in output.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, output
    return errors[0]


# (arguments, a part of the error line); {name} is replaced by the path of that name
CASES = [
    (["dataset", "validate", "{good}", "--errors-csv", "{unwritable}"], "Not a directory"),
    (["dataset", "convert", "{missing}", "{unwritable}", "--to", "csv"], "does not exist"),
    (["dataset", "convert", "{bad}", "{missing}", "--to", "csv"], "not a valid dataset"),
    (["dataset", "convert", "{good}", "{unwritable}", "--to", "parquet"], "Not a directory"),
    (["dataset", "import-dream", "{file}", "{unwritable}", "--mapping", "{file}"], "nothing"),
    (["dataset", "import-dream", "{missing}", "{unwritable}"], "does not exist"),
    (["dataset", "dream-mapping-example", "{file}"], "unexpected extra argument"),
    (["pseudonymise", "{file}", "{unwritable}", "--key-file", "{file}"], "nothing written"),
    (["pseudonymise", "{in}", "{unwritable}.csv", "--key-file", "{key}"], "Not a directory"),
    (["pseudonymise", "{in}", "{missing}.xlsx", "--key-file", "{key}"], "nothing written"),
    (["export", "--dataset", "{good}", "{unwritable}", "--to", "csv"], "Not a directory"),
    (["export", "--panel", "{good}", "{unwritable}", "--to", "xlsx"], "Not a directory"),
    (["export", "--panel", "{bad}", "{missing}", "--to", "csv"], "not valid"),
    (["export", "--panel", "{file}", "{missing}", "--to", "csv"], "is a file"),
    (["synth", "{unwritable}", "--scale", "0.02"], "Not a directory"),
    (["synth", "{missing}", "--scale", "0"], "must be positive"),
    (["demo", "--out", "{unwritable}", "--scale", "0.02", "--no-serve"], "Not a directory"),
    (["demo", "--out", "{missing}", "--scale", "-1", "--no-serve"], "not in the range"),
    (["demo", "--out", "{missing}", "--port", "99999", "--no-serve"], "not in the range"),
    (["serve", "--port", "99999"], "not in the range"),
    (["analyze", "{bad}", "--out", "{missing}", "--no-report", "--quiet"], None),
    (["analyze", "{missing}", "--out", "{missing}"], "does not exist"),
    (["report", "{missing}"], "does not exist"),
    (["report", "{good}"], "no such file; run `bip analyze` first"),
    (["report", "{broken}"], "line 1: not JSON"),
    (["calibrate", "{missing}"], "does not exist"),
    (["replicate", "{missing}", "--out", "{missing}"], "does not exist"),
    (["replicate", "{good}", "--out", "{missing}"], "no such file; run `bip analyze` first"),
    (["replicate", "{broken}", "--out", "{missing}"], "line 1: not JSON"),
    (["results-schema", "--out", "{unwritable}"], "Not a directory"),
    (["results-schema", "--out", "{broken}"], "is a directory"),
]


@pytest.mark.parametrize(("args", "says"), CASES, ids=[" ".join(a[:2]) for a, _ in CASES])
def test_bad_input_is_one_line(paths, args, says):
    r = CliRunner().invoke(main, [a.format(**paths) for a in args])
    assert r.exit_code != 0
    assert not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit), (
        r.exception
    )
    line = _one_error_line(r.output)
    if says:
        assert says in line, line


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_subcommand_is_tried_with_bad_input():
    tried = {tuple(a[:2]) for a, _ in CASES} | {tuple(a[:1]) for a, _ in CASES}
    tried |= {(a[0],) for a, _ in DB_CASES} | {tuple(a[:2]) for a, _ in DB_CASES}
    missing = [" ".join(c) for c in _commands(main) if c not in tried]
    assert not missing, missing


def test_validate_of_a_missing_folder_names_it(paths):
    r = CliRunner().invoke(main, ["dataset", "validate", str(paths["missing"])])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert f"error: {paths['missing']}: not a folder" in r.output


def test_an_unexpected_error_is_one_line_unless_asked(monkeypatch, paths):
    import bip.dataset.cli as dcli

    def boom(*a, **k):
        raise KeyError("something internal")

    monkeypatch.setattr(dcli, "validate_dataset", boom)
    r = CliRunner().invoke(main, ["dataset", "validate", str(paths["good"])])
    assert r.exit_code == 1
    assert "BIP_TRACEBACK=1" in _one_error_line(r.output)
    monkeypatch.setenv("BIP_TRACEBACK", "1")
    r = CliRunner().invoke(main, ["dataset", "validate", str(paths["good"])])
    assert isinstance(r.exception, KeyError)


# --- commands that set Django up: separate processes, no BIP_SECRET_KEY ----------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BIP_", "DATABASE_URL"))
    }
    env.update({"BIP_DATA_DIR": str(tmp_path / "data")})
    return env


def _bip(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bip", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_database_commands_need_no_secret_key(tmp_path, paths):
    env = _env(tmp_path)
    r = _bip(env, "import-db", paths["good"])
    assert r.returncode == 0, r.stderr
    r = _bip(env, "export-db", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "measurements.csv").is_file()


DB_CASES = [
    (["import-db", "{bad}"], "not a valid dataset; nothing was imported"),
    (["import-db", "{file}"], "damaged or not a zip file"),
    (["import-db", "{missing}"], "does not exist"),
    (["export-db", "{unwritable}"], "Not a directory"),
    (["serve", "--port", "1"], "set BIP_SECRET_KEY"),
    (["audit", "verify"], "`bip import-db` or `bip serve` first"),
    (["db", "app-role", "bip_app"], "exists only on PostgreSQL"),
    (["db", "rotate-field-key"], "`bip import-db` or `bip serve` first"),
    (["create-admin", "bad name!"], "Enter a valid username"),
    (
        ["api-token", "create", "sys", "--jobcentre", "nowhere", "--scope", "exports:read"],
        "no jobcentre 'nowhere'",
    ),
    (["api-token", "list", "--jobcentre", "nowhere"], "no jobcentre 'nowhere'"),
    (["api-token", "revoke", "nothing"], "no token named 'nothing'"),
    (["retention", "apply"], "`bip import-db` or `bip serve` first"),
    (["two-factor", "reset", "nobody"], "`bip import-db` or `bip serve` first"),
]


@pytest.mark.parametrize(("args", "says"), DB_CASES)
def test_database_command_errors_are_one_line(tmp_path, paths, args, says):
    r = _bip(_env(tmp_path), *[a.format(**paths) for a in args])
    assert r.returncode != 0
    assert says in _one_error_line(r.stderr)
    if args[0] == "import-db" and "{bad}" in args:
        assert "measurements.csv, line 3, column caseworker_id" in r.stderr
