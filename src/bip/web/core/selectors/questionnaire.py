"""The questionnaire in force and its published versions."""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet

from bip.instrument import Instrument, instrument_from_yaml, load_instrument
from bip.web.core.models import QuestionnaireVersion


@lru_cache(maxsize=16)
def _parsed(pk: int, version: int, published_at) -> Instrument:
    # keyed by the row's identity: published versions are never edited
    return instrument_from_yaml(
        QuestionnaireVersion.objects.values_list("yaml", flat=True).get(pk=pk)
    )


def instrument(version: int | None = None) -> Instrument:
    """Questionnaire ``version`` (default: the newest published), falling back to the shipped v1.

    The per-request query reads the row's identity only; its YAML is fetched and parsed once
    (this runs on every measurement save).
    """
    qs = QuestionnaireVersion.objects.all()
    if version:
        qs = qs.filter(version=version)
    key = qs.values_list("pk", "version", "published_at").first()
    return load_instrument(version or 1) if key is None else _parsed(*key)


def versions() -> QuerySet[QuestionnaireVersion]:
    """Every published questionnaire version (the model's order: newest first)."""
    return QuestionnaireVersion.objects.all()
