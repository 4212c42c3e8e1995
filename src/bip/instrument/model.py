"""Questionnaire model: items, scales, S1 options, and the rules that tie them to data."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

B_ITEMS: tuple[str, ...] = tuple(f"B{i}" for i in range(1, 10))
S_ITEMS: tuple[str, ...] = tuple(f"S{i}" for i in range(2, 13))
INDICATORS: tuple[str, ...] = B_ITEMS + S_ITEMS
B10_STATUSES: tuple[str, ...] = ("searching", "not_searching", "no_answer")
B10_CHANNELS: tuple[str, ...] = (
    "newspapers",
    "internet",
    "unsolicited",
    "network",
    "internship",
    "temp_agency",
)
GROUPS: tuple[str, ...] = ("J", "O", "S", "H")
S1_OPTIONS: tuple[int, ...] = tuple(range(1, 24))
NO_ACTIVITY_OPTION = 22
# A measurement is due this many weeks after the citizen's previous one (the BIP protocol).
CADENCE_WEEKS = 13
DONT_KNOW_OPTION = 23
# Option number -> group letter for the 21 activities (003 Tabel 2). Kept in code as well as in
# the YAML because the dataset format and every analysis depend on it; load_instrument checks
# that a version's YAML agrees.
S1_GROUP: dict[int, str] = {
    1: "O",
    2: "O",
    3: "J",
    4: "S",
    5: "J",
    6: "S",
    7: "J",
    8: "S",
    9: "H",
    10: "H",
    11: "H",
    12: "J",
    13: "J",
    14: "J",
    15: "S",
    16: "H",
    17: "J",
    18: "O",
    19: "J",
    20: "J",
    21: "O",
}
PAIRS: tuple[tuple[str, str], ...] = (
    ("B3", "S6"),
    ("B4", "S9"),
    ("B5", "S10"),
    ("B6", "S11"),
    ("B8", "S12"),
)


class InstrumentError(ValueError):
    """A questionnaire version that does not fit the fixed structure."""


@dataclass(frozen=True)
class Item:
    """One question: id, part (citizen/caseworker), kind and its texts."""

    id: str
    part: str
    kind: str
    label: Mapping[str, str]
    wording: Mapping[str, str]
    wording_is_placeholder: bool
    scale: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "da") -> str:
        """The item's short label in ``lang`` (``da`` or ``en``)."""
        return self.label.get(lang) or self.label["da"]


@dataclass(frozen=True)
class Instrument:
    """One version of the questionnaires."""

    version: int
    raw: Mapping[str, Any]
    items: Mapping[str, Item]

    @property
    def citizen_items(self) -> list[Item]:
        return [i for i in self.items.values() if i.part == "citizen"]

    @property
    def caseworker_items(self) -> list[Item]:
        return [i for i in self.items.values() if i.part == "caseworker"]

    def anchors(self, item_id: str, lang: str = "da") -> dict[int, str]:
        """Answer labels 1-5 of a scale item."""
        scale = self.items[item_id].scale
        if scale is None:
            raise KeyError(f"{item_id} is not a scale item")
        anchors = self.raw["scales"][scale]["anchors"]
        return {int(k): v.get(lang) or v["da"] for k, v in anchors.items()}

    def s1_options(self, lang: str = "da") -> list[tuple[int, str, str]]:
        """(number, group, text) of the 23 S1 options."""
        opts = self.items["S1"].extra["options"]
        return [(o["n"], o["group"], o.get(lang) or o["da"]) for o in opts]

    def group_label(self, group: str, lang: str = "da") -> str:
        g = self.items["S1"].extra["groups"][group]
        return g.get(lang) or g["da"]

    def placeholders(self) -> list[str]:
        """Ids of items whose wording is still a placeholder."""
        return [i.id for i in self.items.values() if i.wording_is_placeholder]

    def to_yaml(self) -> str:
        return yaml.safe_dump(dict(self.raw), allow_unicode=True, sort_keys=False)


def _parse(raw: Mapping[str, Any]) -> Instrument:
    try:
        version = int(raw["version"])
        items: dict[str, Item] = {}
        for part in ("citizen", "caseworker"):
            for d in raw[part]:
                if d["id"] in items:
                    raise InstrumentError(
                        f"item {d['id']} appears twice; items must be exactly one each"
                    )
                wording = d.get("wording") or {}
                items[d["id"]] = Item(
                    id=d["id"],
                    part=part,
                    kind=d["kind"],
                    label=d["label"],
                    wording={k: v for k, v in wording.items() if k in ("da", "en")},
                    wording_is_placeholder=bool(wording.get("placeholder", True)),
                    scale=d.get("scale"),
                    extra={
                        k: v
                        for k, v in d.items()
                        if k not in ("id", "kind", "label", "wording", "scale")
                    },
                )
    except InstrumentError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise InstrumentError(f"questionnaire definition is malformed: {exc!r}") from exc
    inst = Instrument(version=version, raw=raw, items=items)
    try:
        _check_structure(inst)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, InstrumentError):
            raise
        raise InstrumentError(
            f"version {version}: questionnaire definition is malformed: {exc!r}"
        ) from exc
    return inst


def _check_structure(inst: Instrument) -> None:
    """The structure is part of dataset format v1; only texts may vary between versions."""
    expected = [*B_ITEMS, "B10", "B11", "S1", *S_ITEMS]
    if sorted(inst.items) != sorted(expected):
        raise InstrumentError(f"version {inst.version}: items must be exactly {expected}")
    for item_id in (*B_ITEMS, *S_ITEMS):
        item = inst.items[item_id]
        if item.kind != "scale" or item.scale not in inst.raw.get("scales", {}):
            raise InstrumentError(f"version {inst.version}: {item_id} must be a 1-5 scale item")
        if sorted(int(k) for k in inst.raw["scales"][item.scale]["anchors"]) != [1, 2, 3, 4, 5]:
            raise InstrumentError(f"version {inst.version}: scale {item.scale} needs anchors 1-5")
        for lang in ("da", "en"):
            if not item.label.get(lang):
                raise InstrumentError(f"version {inst.version}: {item_id} lacks a {lang} label")
    groups = {o["n"]: o["group"] for o in inst.items["S1"].extra["options"]}
    want = {**S1_GROUP, NO_ACTIVITY_OPTION: "none", DONT_KNOW_OPTION: "dont_know"}
    if groups != want:
        raise InstrumentError(f"version {inst.version}: S1 options/groups differ from 003 Tabel 2")
    pairs = tuple(tuple(p) for p in inst.raw.get("pairs", []))
    if pairs != PAIRS:
        raise InstrumentError(f"version {inst.version}: pairs must be {PAIRS}")


@cache
def load_instrument(version: int = 1) -> Instrument:
    """Load a shipped questionnaire version (default 1)."""
    path = resources.files("bip.instrument") / "versions" / f"{version}.yaml"
    if not path.is_file():
        raise InstrumentError(f"no shipped questionnaire version {version}")
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def instrument_from_yaml(text: str) -> Instrument:
    """Parse and check a questionnaire version stored as YAML text (e.g. in the web tool)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError(f"questionnaire YAML does not parse: {exc}") from exc
    return _parse(raw)


def derive_version(
    base: Instrument, new_version: int, wordings: Mapping[str, Mapping[str, str]]
) -> Instrument:
    """A new version with replaced wordings (``{item_id: {"da": ..., "en": ...}}``).

    Replaced wordings are no longer placeholders. Structure stays as in ``base``.
    """
    if new_version <= base.version:
        raise InstrumentError("a new version number must be higher than the base version")
    raw = copy.deepcopy(dict(base.raw))
    raw["version"] = new_version
    unknown = set(wordings) - {d["id"] for part in ("citizen", "caseworker") for d in raw[part]}
    if unknown:
        raise InstrumentError(f"unknown item ids: {sorted(unknown)}")
    for part in ("citizen", "caseworker"):
        for d in raw[part]:
            if d["id"] in wordings:
                new = {k: v.strip() for k, v in wordings[d["id"]].items() if k in ("da", "en")}
                if not new.get("da"):
                    raise InstrumentError(f"{d['id']}: the Danish wording is required")
                d["wording"] = {"placeholder": False, **{**d.get("wording", {}), **new}}
                d["wording"]["placeholder"] = False
    return _parse(raw)


def combination_code(ticked: Iterable[int]) -> str | None:
    """The ``JOSH`` code of a set of ticked S1 options (docs/panel.md), or None when unknown.

    Any of activities 1-21 ticked gives their code (a contradictory 22/23 is ignored);
    only 22 gives ``"0000"``; only 23, or nothing, is unknown.
    """
    ticked = set(ticked)
    groups = {S1_GROUP[n] for n in ticked if n in S1_GROUP}
    if groups:
        return "".join("1" if g in groups else "0" for g in GROUPS)
    if NO_ACTIVITY_OPTION in ticked:
        return "0000"
    return None


ALL_COMBINATIONS: tuple[str, ...] = tuple(f"{i:04b}" for i in range(16))
