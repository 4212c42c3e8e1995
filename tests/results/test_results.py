"""Typed results: validation, the v1 upgrade, the generated JSON Schema, round trips."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S_ITEMS
from bip.panel import ALL_ITEMS
from bip.results import (
    SCHEMA_ID,
    Meta,
    Results,
    ResultsError,
    json_schema,
    load_results,
    results_from_dict,
    write_results,
)
from bip.results.upgrade import DROPPED

DOCS_SCHEMA = Path(__file__).parents[2] / "docs" / "results.schema.json"


def test_v1_document_upgrades_without_changing_a_number(v1_doc, compare_results):
    res = results_from_dict(v1_doc)
    assert res.meta.schema_ == SCHEMA_ID
    after = json.loads(res.model_dump_json())
    expect = {q: "dropped in bip-results/2" for p in DROPPED for q in (p, p + "/*")}
    # A6's citizen-bootstrap intervals are withdrawn on reading (bip.results.upgrade)
    boot = "a6_caseworkers/beyond/bootstrap"
    expect |= {boot: "withdrawn", boot + "/*": "withdrawn"}
    diffs, accepted, additions = compare_results.compare(v1_doc, after, tol=0.0, expect=expect)
    assert diffs == []
    # only the dropped prose and published copies went, and the status of a model is explicit
    assert accepted, "the fixture has the v1-only keys"
    # new keys: explicit nulls where v1 left a key out, and these
    assert {p for p, v in additions if v is not None} <= {
        "a6_caseworkers/beyond/median_citizens_per_caseworker",
        "a6_caseworkers/reason",
        "a5_job_chance/job_model/reason",
        "a7_change_belief/change_effect/reason",
        "a7_change_belief/change_effect/with_caseworker_fe/status",
        "a7_change_belief/change_effect/with_caseworker_fe/reason",
        "a7_change_belief/belief_effect/reason",
    }
    assert res.a6_caseworkers.beyond is not None
    n = sorted(e.n_citizens for e in res.a6_caseworkers.effects)
    assert res.a6_caseworkers.beyond.median_citizens_per_caseworker == pytest.approx(
        (n[(len(n) - 1) // 2] + n[len(n) // 2]) / 2
    )


def test_summaries_are_the_sections_numbers(v1_doc):
    res = results_from_dict(v1_doc)
    a4 = res.a4_combination_effects.naive["B_avg"].codes["1000"]
    assert res.combination_effects["B_avg"]["1000"].d == a4.estimate
    assert res.progression["S12"].mean == res.a1_progression.items["S12"].mean
    pol = res.a6_caseworkers.policy_experiment
    assert res.caseworker_effectiveness.policy_experiment == pol
    s12 = {str(r.level): r.job_13w for r in res.a5_job_chance.rates_by_level["S12"]}
    assert res.belief.job13_rate_by_S12 == s12


def test_write_and_load_round_trip(v1_doc, tmp_path):
    res = results_from_dict(v1_doc)
    write_results(res, tmp_path / "results.json")
    again = load_results(tmp_path)
    assert again == res
    assert json.loads((tmp_path / "results.json").read_text())["meta"]["schema"] == SCHEMA_ID


def test_generated_schema_is_committed_and_validates_documents(v1_doc):
    schema = json_schema()
    assert DOCS_SCHEMA.is_file(), "run `bip results-schema` to write docs/results.schema.json"
    assert json.loads(DOCS_SCHEMA.read_text(encoding="utf-8")) == schema, (
        "docs/results.schema.json is stale: run `bip results-schema`"
    )
    doc = json.loads(results_from_dict(v1_doc).model_dump_json())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)  # an independent validator agrees
    broken = copy.deepcopy(doc)
    broken["a1_progression"]["items"]["B1"]["share_up"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("a1_progression", "items", "B1", "mean"), float("nan"), "finite"),
        (("a1_progression", "items", "B1", "n"), -1, "greater than or equal to 0"),
        (("a1_progression", "items", "B1", "surprise"), 1, "Extra inputs are not permitted"),
        (("a2_activities", "codes", "0000", "share"), "a lot", "valid number"),
    ],
)
def test_bad_documents_name_the_path(v1_doc, path, value, message):
    doc = json.loads(results_from_dict(v1_doc).model_dump_json())
    d = doc
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value
    with pytest.raises(ResultsError) as err:
        results_from_dict(doc, where="x/results.json")
    text = str(err.value)
    assert text.startswith("x/results.json: " + "/".join(path))
    assert message in text


def test_unknown_schema_says_what_to_do(v1_doc):
    doc = {**v1_doc, "meta": {**v1_doc["meta"], "schema": "bip-results/9"}}
    with pytest.raises(ResultsError, match="Re-run `bip analyze`"):
        results_from_dict(doc)


def test_load_results_errors_are_one_line(tmp_path):
    with pytest.raises(ResultsError, match="no such file"):
        load_results(tmp_path)
    (tmp_path / "results.json").write_text("{\n  oops", encoding="utf-8")
    with pytest.raises(ResultsError, match="line 2: not JSON"):
        load_results(tmp_path)


def test_results_are_frozen(v1_doc):
    res = results_from_dict(v1_doc)
    with pytest.raises(ValidationError):
        res.a1_progression.items["B1"].mean = 0.0  # type: ignore[misc]


def test_item_and_code_types_follow_the_instrument():
    schema = json_schema()
    defs = schema["$defs"]
    series = defs["A1Progression"]["properties"]["items"]["propertyNames"]["enum"]
    assert series == list(ALL_ITEMS)
    indicators = defs["JobTerm"]["properties"]["item"]["enum"]
    assert indicators == [*B_ITEMS, *S_ITEMS, "B10", "B11"]  # B10/B11 are job-model terms
    (code,) = defs["A2Activities"]["properties"]["codes"]["patternProperties"]
    import re

    assert all(re.fullmatch(code, c) for c in ALL_COMBINATIONS)
    assert Meta.model_fields["schema_"].default == SCHEMA_ID


def test_failed_model_status_keeps_its_reason(v1_doc):
    doc = copy.deepcopy(v1_doc)
    doc["a5_job_chance"]["job_model"] = {
        "n_measurements": 10,
        "n_citizens": 4,
        "status": "not_estimable: singular design",
    }
    res = results_from_dict(doc)
    jm = res.a5_job_chance.job_model
    assert (jm.status, jm.reason, jm.terms) == ("not_estimable", "singular design", ())
    assert isinstance(res, Results)
