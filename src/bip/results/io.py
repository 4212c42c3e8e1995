"""Reading, writing and describing ``results.json``.

A document is read into a :class:`~bip.results.document.Results` (validated: a wrong type, an
unknown key or a missing number is an error naming its path); a ``bip-results/1`` document of
BIP 0.1 is upgraded on the way in (:mod:`bip.results.upgrade`). The JSON Schema is generated
from the models, never written by hand: ``bip results-schema`` writes it to
``docs/results.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bip.results.base import SCHEMA_ID
from bip.results.document import DatasetCounts, Meta, Results, Sections
from bip.results.upgrade import document_from_v1, without_citizen_bootstrap

SCHEMA_URL = "https://bip.example/schemas/bip-results-2.json"


class ResultsError(ValueError):
    """A results document that does not match the schema, named by file and path."""


def describe(exc: ValidationError, where: str, limit: int = 5) -> str:
    """The first problems of a validation error as ``where: a/b/0/c: message; ...``."""
    shown = []
    for e in exc.errors()[:limit]:
        loc = "/".join(str(p) for p in e["loc"]) or "(top)"
        shown.append(f"{loc}: {e['msg']}")
    more = exc.error_count() - len(shown)
    return f"{where}: " + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def results_from_dict(doc: dict[str, Any], *, where: str = "results") -> Results:
    """A validated :class:`Results` from a parsed document of schema version 1 or 2."""
    schema = (doc.get("meta") or {}).get("schema") if isinstance(doc, dict) else None
    try:
        if schema == "bip-results/1":
            up = document_from_v1(doc)
            return Results.assemble(
                meta=Meta.model_validate(up["meta"]),
                dataset=DatasetCounts.model_validate(up["dataset"]),
                sections=Sections.model_validate({k: up[k] for k in Sections.model_fields}),
            )
        if schema != SCHEMA_ID:
            raise ResultsError(
                f"{where}: meta/schema is {schema!r}; this BIP reads {SCHEMA_ID!r} and "
                "'bip-results/1'. Re-run `bip analyze` to write current results."
            )
        return Results.model_validate(without_citizen_bootstrap(doc))
    except ValidationError as exc:
        raise ResultsError(describe(exc, where)) from None


def load_results(path: Path | str) -> Results:
    """Read ``results.json`` (a file, or a folder holding one) into :class:`Results`."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file; run `bip analyze` first") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: line {exc.lineno}: not JSON ({exc.msg})") from None
    return results_from_dict(doc, where=str(path))


def write_results(results: Results, path: Path | str) -> Path:
    """Write ``results`` as JSON (undefined numbers are ``null``, never NaN)."""
    path = Path(path)
    path.write_text(results.model_dump_json(indent=1), encoding="utf-8")
    return path


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``results.json``, generated from the models."""
    body = Results.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URL,
        "title": f"BIP results ({SCHEMA_ID})",
        **body,
    }


def write_json_schema(path: Path | str) -> Path:
    """Write :func:`json_schema` to ``path`` (``docs/results.schema.json`` in the project)."""
    path = Path(path)
    path.write_text(json.dumps(json_schema(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    return path
