"""The questionnaire as versioned data: shipped version, new versions, structure, combinations."""

from __future__ import annotations

import copy

import pytest
import yaml

from bip.instrument import (
    ALL_COMBINATIONS,
    B_ITEMS,
    PAIRS,
    S1_GROUP,
    S_ITEMS,
    InstrumentError,
    combination_code,
    derive_version,
    instrument_from_yaml,
    load_instrument,
)


@pytest.fixture(scope="module")
def v1():
    return load_instrument(1)


def test_shipped_version_has_every_item(v1):
    assert [i.id for i in v1.citizen_items] == [*B_ITEMS, "B10", "B11"]
    assert [i.id for i in v1.caseworker_items] == ["S1", *S_ITEMS]
    assert v1.items["B1"].text("da") == "Idé om arbejde"
    assert v1.items["S12"].text("en") == "Job chance"


def test_s12_anchors_and_generic_scale(v1):
    assert v1.anchors("S12") == {
        1: "Nej",
        2: "Tvivler",
        3: "Det svinger",
        4: "Gode chancer",
        5: "Ja",
    }
    assert set(v1.anchors("B3", "en")) == {1, 2, 3, 4, 5}
    with pytest.raises(KeyError):
        v1.anchors("S1")


def test_s1_options_and_groups(v1):
    opts = v1.s1_options()
    assert [n for n, _, _ in opts] == list(range(1, 24))
    assert {n: g for n, g, _ in opts if n <= 21} == S1_GROUP
    assert opts[21][1:] == ("none", "Ingen aktiviteter") and opts[22][1:] == (
        "dont_know",
        "Ved ikke",
    )
    assert v1.group_label("J") == "Jobrettet indsats"


def test_placeholders_are_marked(v1):
    ph = v1.placeholders()
    assert "B1" in ph and "S12" in ph and "S1" not in ph


def test_derive_version_replaces_wordings_and_clears_placeholder(v1):
    v2 = derive_version(
        v1, 2, {"B1": {"da": " Hvad vil du arbejde med? ", "en": "What work do you want?"}}
    )
    assert v2.version == 2
    assert v2.items["B1"].wording == {
        "da": "Hvad vil du arbejde med?",
        "en": "What work do you want?",
    }
    assert not v2.items["B1"].wording_is_placeholder
    assert "B1" not in v2.placeholders() and "B2" in v2.placeholders()
    # the base version is untouched: old answers keep the version they were given under
    assert v1.items["B1"].wording_is_placeholder and v1.version == 1
    # a version survives a YAML round trip (as stored by the web tool)
    again = instrument_from_yaml(v2.to_yaml())
    assert again.items["B1"].wording == v2.items["B1"].wording and again.version == 2


def test_derive_version_rejects_bad_requests(v1):
    with pytest.raises(InstrumentError, match="higher"):
        derive_version(v1, 1, {})
    with pytest.raises(InstrumentError, match="unknown item"):
        derive_version(v1, 2, {"B99": {"da": "x"}})
    with pytest.raises(InstrumentError, match="Danish"):
        derive_version(v1, 2, {"B1": {"en": "only English"}})


def _broken(v1, change) -> str:
    raw = copy.deepcopy(dict(v1.raw))
    change(raw)
    return yaml.safe_dump(raw, allow_unicode=True)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda r: r["citizen"].pop(0), "items must be exactly"),
        (lambda r: r["caseworker"][0]["options"][0].update(group="J"), "S1 options"),
        (lambda r: r["scales"]["generic"]["anchors"].pop(5), "anchors 1-5"),
        (lambda r: r.update(pairs=[["B3", "S6"]]), "pairs"),
        (lambda r: r["citizen"][0]["label"].pop("en"), "en label"),
        (lambda r: r["citizen"][0].update(kind="text"), "1-5 scale"),
        (lambda r: r.pop("version"), "malformed"),
        (lambda r: r["caseworker"][0].pop("options"), "malformed"),
        (lambda r: r["scales"].pop("jobchance"), "S12 must be a 1-5 scale"),
        (lambda r: r["citizen"].append(dict(r["citizen"][0])), "items must be exactly"),
    ],
)
def test_structure_checks_reject_a_broken_version(v1, change, match):
    with pytest.raises(InstrumentError, match=match):
        instrument_from_yaml(_broken(v1, change))


def test_unparsable_yaml():
    with pytest.raises(InstrumentError, match="does not parse"):
        instrument_from_yaml("version: [1\n")


def test_pairs():
    assert PAIRS == (("B3", "S6"), ("B4", "S9"), ("B5", "S10"), ("B6", "S11"), ("B8", "S12"))


@pytest.mark.parametrize(
    "ticked, code",
    [
        ({5}, "1000"),  # job search: J
        ({1}, "0100"),  # general up-skilling: O
        ({4}, "0010"),  # social competences: S
        ({9}, "0001"),  # diet and exercise: H
        ({5, 10}, "1001"),  # the SPEC's example: job-focused and health
        ({3, 5, 7, 12}, "1000"),  # several activities of one group
        ({1, 4, 9, 13}, "1111"),
        ({22}, "0000"),  # "no activities" alone
        ({23}, None),  # "don't know" alone: unknown, not 0000
        (set(), None),  # nothing ticked: unknown
        ({22, 23}, "0000"),  # no activities wins over don't know
        ({5, 22}, "1000"),  # a contradictory 22 beside an activity is ignored
        ({11, 23}, "0001"),  # ... and so is 23
    ],
)
def test_combination_code(ticked, code):
    assert combination_code(ticked) == code


def test_all_combinations():
    assert (
        len(ALL_COMBINATIONS) == 16
        and ALL_COMBINATIONS[0] == "0000"
        and ALL_COMBINATIONS[-1] == "1111"
    )
    every = {combination_code(s) for s in ({n} for n in range(1, 22))}
    assert every == {"1000", "0100", "0010", "0001"}
