"""The HTML report: self-contained, complete structure, both languages, robust to gaps."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bip.instrument import ALL_COMBINATIONS, B_ITEMS, S_ITEMS
from bip.report.render import render_report, report_html

A4 = ("B_avg", *B_ITEMS, "S_avg", *S_ITEMS)
FIGURES = [
    "fig-progression",
    "fig-combinations",
    "fig-s12",
    "fig-a5-belief",
    "fig-cw-quartiles",
    "fig-cw-effects",
    "fig-change-belief",
    *(f"fig-a4-{it}" for it in A4),
]
TABLES = [
    "tab-dataset",
    "tab-progression",
    "tab-combinations",
    "tab-derived-shares",
    "tab-percentile",
    "tab-s12",
    "tab-a5-job_or_education_52w",
    "tab-a5-job_13w",
    "tab-a5-model",
    "tab-a5-belief",
    "tab-a5-jobsearch",
    "tab-a5-mh-citizen",
    "tab-cw-summary",
    "tab-cw-quartiles",
    "tab-change-belief",
]
SECTIONS = [
    "data",
    "progression",
    "activities",
    "who",
    "combinations",
    "jobchance",
    "caseworkers",
    "change",
    "quality",
]


class _Refs(HTMLParser):
    """Every URL-bearing attribute and CSS url() of a document."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in {"src", "href", "xlink:href", "action", "data", "poster", "srcset"} and v:
                self.refs.append(v)
            if k == "style" and v:
                self.refs += re.findall(r"url\(([^)]*)\)", v)
            if k == "id" and v:
                self.ids.append(v)

    def handle_data(self, data):
        self.refs += re.findall(r"url\(([^)]*)\)", data) + re.findall(r"@import\s+([^;]+)", data)


def _parse(doc: str) -> _Refs:
    p = _Refs()
    p.feed(doc)
    return p


@pytest.mark.parametrize("key", [("da", "analyst"), ("en", "manager")])
def test_html_makes_no_external_requests(rendered, key):
    doc = rendered[key]
    assert "http://" not in doc and "https://" not in doc  # not even namespaces or comments
    p = _parse(doc)
    for ref in p.refs:
        ref = ref.strip("'\" ")
        assert ref.startswith("#"), f"non-local reference {ref!r}"
    assert "@font-face" not in doc


@pytest.mark.parametrize("key", [("da", "analyst"), ("en", "manager")])
def test_every_figure_and_table_of_the_structure_is_present(rendered, key):
    doc = rendered[key]
    ids = set(_parse(doc).ids)
    for sec in SECTIONS:
        assert f"sec-{sec}" in ids
    for fid in FIGURES + TABLES:
        assert fid in ids, fid
    a3 = [i for i in ids if i.startswith("tab-a3")]
    assert a3, "A3 background tables missing"
    # numbered consecutively, each with a reading line
    word = "Figur" if key[0] == "da" else "Figure"
    nums = [int(n) for n in re.findall(rf"<figcaption>{word} (\d+)\.", doc)]
    assert nums == list(range(1, len(FIGURES) + 1))
    tword = "Tabel" if key[0] == "da" else "Table"
    tnums = [int(n) for n in re.findall(rf"<caption>{tword} (\d+)\.", doc)]
    assert tnums == list(range(1, len(tnums) + 1)) and len(tnums) >= len(TABLES)
    assert doc.count('class="reading"') == len(nums) + len(tnums)
    assert "not available" not in doc.lower() and "ikke tilgængelig" not in doc.lower()


def test_a4_figures_label_all_16_codes_and_explain_them(rendered):
    doc = rendered[("en", "manager")]
    fig = doc[doc.index('id="fig-a4-B1"') :]
    fig = fig[: fig.index("</figure>")]
    for code in ALL_COMBINATIONS:
        assert f">{code}<" in fig
    assert "J = job-focused" in fig and "H = health" in fig


def test_published_values_stand_beside_ours_with_the_seed_reference(rendered):
    doc = rendered[("en", "manager")]
    tab = doc[doc.index('id="tab-combinations"') :]
    tab = tab[: tab.index("</div>")]
    assert "1,598" in tab and "003, Tabel 3" in tab  # 0000 count from 003 Tabel 3
    tab = doc[doc.index('id="tab-cw-summary"') :]
    tab = tab[: tab.index("</div>")]
    assert "14.8%" in tab and "28.4%" in tab and "004, Tabel 1" in tab
    assert "13.69" in tab  # the 14.69 inconsistency is noted


def test_languages_use_instrument_labels():
    from fixture_results import minimal_results

    da = report_html(minimal_results(), lang="da")
    en = report_html(minimal_results(), lang="en")
    assert "B1 Idé om arbejde" in da and "Tabel 1." in da and "1.234" in da  # Danish thousands dot
    assert "B1 Idea of work" in en and "Table 1." in en and "1,234" in en
    assert '<html lang="da">' in da and '<html lang="en">' in en


def test_missing_sections_render_as_not_available():
    from fixture_results import minimal_results

    doc = report_html(minimal_results(), lang="en")
    # progression and dataset are present, A3-A9 absent: the report still has all nine sections
    assert doc.count("<h2>") == 9
    assert doc.count("Not available in these results") >= 6
    assert 'id="tab-progression"' in doc


def test_malformed_part_does_not_cost_the_report():
    from fixture_results import minimal_results

    r = minimal_results()
    r["combinations"] = {"0000": {"n": "many", "share": [1, 2]}}
    r["caseworker_effectiveness"] = {"quartiles": "oops", "policy_experiment": 3}
    doc = report_html(r, lang="en")
    assert doc.count("<h2>") == 9 and 'id="tab-progression"' in doc


def test_real_results_render_without_gaps_in_the_parts_they_have(real_results, tmp_path):
    out = render_report(real_results, tmp_path, lang="en", audience="analyst", pdf=False)
    doc = out["html"].read_text(encoding="utf-8")
    ids = set(_parse(doc).ids)
    for fid in [
        "tab-dataset",
        "tab-progression",
        "fig-progression",
        "tab-combinations",
        "tab-derived-shares",
        *(f"fig-a4-{it}" for it in A4),
        "tab-percentile",
    ]:
        assert fid in ids, fid
    assert any(i.startswith("tab-a3-tabel4") for i in ids)
    assert not re.search(r"\(\w+(Error|Exception): ", doc), "a section failed to build"


def test_bad_arguments_are_refused(fixture_results):
    with pytest.raises(ValueError, match="lang"):
        report_html(fixture_results, lang="sv")
    with pytest.raises(ValueError, match="audience"):
        report_html(fixture_results, audience="minister")


def test_cli_report_writes_html_and_explains_bad_json(tmp_path):
    import json

    from click.testing import CliRunner
    from fixture_results import minimal_results

    from bip.cli import main

    res = tmp_path / "res"
    res.mkdir()
    (res / "results.json").write_text(
        json.dumps({**minimal_results(), "meta": {"lang": "en"}}), encoding="utf-8"
    )
    r = CliRunner().invoke(main, ["report", str(res), "--no-pdf", "--audience", "manager"])
    assert r.exit_code == 0, r.output
    doc = (res / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in doc and "Manager edition" in doc
    (res / "results.json").write_text('{"dataset": {"citizens": 3,}}', encoding="utf-8")
    bad = CliRunner().invoke(main, ["report", str(res), "--no-pdf"])
    assert bad.exit_code != 0 and "line 1, column" in bad.output
    missing = CliRunner().invoke(main, ["report", str(tmp_path), "--no-pdf"])
    assert missing.exit_code != 0 and "no results.json" in missing.output
