"""Problems found in a dataset: each names the file, the line, the column and a plain reason."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bip.dataset.spreadsheet import neutralise


@dataclass(frozen=True, order=True)
class Problem:
    """One problem. ``line`` counts as in a text editor: the header is line 1.

    For Parquet files ``line`` is the data row number + 1, so that the same row has the same
    number in the CSV and the Parquet form of a dataset.
    """

    file: str
    line: int | None
    column: str | None
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{self.severity}: {where}: {self.reason}"


@dataclass
class Report:
    """All problems of one validation. Keeps the first ``limit`` in detail, counts the rest."""

    limit: int = 100_000
    problems: list[Problem] = field(default_factory=list)
    n_errors: int = 0
    n_warnings: int = 0
    kinds: Counter = field(default_factory=Counter)

    def add(self, problem: Problem) -> None:
        if problem.severity == "error":
            self.n_errors += 1
        else:
            self.n_warnings += 1
        self.kinds[(problem.file, problem.column, _kind(problem.reason))] += 1
        if len(self.problems) < self.limit:
            self.problems.append(problem)

    def error(self, file: str, line: int | None, column: str | None, reason: str) -> None:
        self.add(Problem(file, line, column, reason, "error"))

    def warning(self, file: str, line: int | None, column: str | None, reason: str) -> None:
        self.add(Problem(file, line, column, reason, "warning"))

    @property
    def ok(self) -> bool:
        return self.n_errors == 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def truncated(self) -> int:
        """How many problems were counted but not kept in detail."""
        return self.n_errors + self.n_warnings - len(self.problems)

    def write_csv(self, path: Path) -> None:
        """All kept problems as CSV (severity, file, line, column, reason).

        File and column names come from the files checked: like every CSV cell BIP writes for
        people, they pass through :func:`bip.dataset.spreadsheet.neutralise`.
        """
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["severity", "file", "line", "column", "reason"])
            for p in self.problems:
                w.writerow(
                    [
                        p.severity,
                        neutralise(p.file),
                        p.line if p.line is not None else "",
                        neutralise(p.column or ""),
                        neutralise(p.reason),
                    ]
                )

    def summary(self) -> str:
        return f"{self.n_errors} error(s), {self.n_warnings} warning(s)"


def _kind(reason: str) -> str:
    return reason.split(":")[0].split("'")[0].strip()


class DatasetError(Exception):
    """A dataset that failed validation; carries the full report."""

    def __init__(self, report: Report, path: Path | str | None = None):
        self.report = report
        self.path = path
        first = "; ".join(str(p) for p in report.errors[:3])
        more = f" (and {report.n_errors - 3} more)" if report.n_errors > 3 else ""
        super().__init__(f"dataset {path or ''} is not valid: {first}{more}".replace("  ", " "))
