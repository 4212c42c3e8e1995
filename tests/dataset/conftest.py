"""Shared fixtures: the tiny example dataset as CSV and as Parquet, and CSV editing helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bip.dataset import write_dataset
from bip.dataset.example import example_tables


@pytest.fixture(scope="session")
def example_csv_master(tmp_path_factory) -> Path:
    return write_dataset(example_tables(), tmp_path_factory.mktemp("master") / "csv", "csv")


@pytest.fixture(scope="session")
def example_parquet_master(tmp_path_factory) -> Path:
    return write_dataset(example_tables(), tmp_path_factory.mktemp("master") / "pq", "parquet")


@pytest.fixture
def example_csv(example_csv_master, tmp_path) -> Path:
    """A fresh, writable copy of the example dataset in CSV."""
    return Path(shutil.copytree(example_csv_master, tmp_path / "ds"))


@pytest.fixture
def example_parquet(example_parquet_master, tmp_path) -> Path:
    return Path(shutil.copytree(example_parquet_master, tmp_path / "dsp"))


def csv_lines(path: Path) -> list[str]:
    """The file's lines without line ends (line n of the file is element n-1)."""
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Replace one cell of a CSV file (line numbers as in an editor: header = 1)."""
    lines = csv_lines(path)
    head = [c.strip('"') for c in lines[0].split(",")]
    cells = lines[line - 1].split(",")
    cells[head.index(column)] = value
    lines[line - 1] = ",".join(cells)
    write_lines(path, lines)
