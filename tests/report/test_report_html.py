"""The HTML report from typed results: self-contained, complete, both languages, a missing
result said in words, a bug raised, and `bip report` writing each language beside the other."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from bip.cli import main
from bip.instrument import ALL_COMBINATIONS
from bip.report import sections
from bip.report.render import render_report, report_html, tables_html, write_tables
from bip.report.sections.base import A4_SERIES
from bip.results import A6Caseworkers, Results, write_results

FIGURES = [
    "fig-progression",
    "fig-combinations",
    *(f"fig-a4-{it}" for it in A4_SERIES),
    "fig-s12",
    "fig-a5-calibration",
    "fig-a5-belief",
    "fig-hazard-cumulative",
    "fig-cw-quartiles",
    "fig-cw-quartile-effects",
    "fig-cw-effects",
    "fig-cw-profile-activities",
    "fig-cw-profile-answers",
    "fig-change-belief",
]
TABLES = [
    "tab-dataset",
    "tab-cohort",
    "tab-sources",
    "tab-progression",
    "tab-weeks",
    "tab-weeks-regression",
    "tab-combinations",
    "tab-derived-shares",
    "tab-a3-groups",
    *(f"tab-a3-tabel{n}" for n in range(4, 12)),
    "tab-a4-models",
    "tab-a4-rule",
    "tab-a4-robust-B_avg",
    "tab-a4-robust-S_avg",
    "tab-percentile",
    "tab-s12",
    "tab-a5-job_or_education_52w",
    "tab-a5-job_13w",
    "tab-a5-model",
    "tab-a5-auc",
    "tab-a5-belief",
    "tab-a5-jobsearch",
    "tab-a5-channels",
    "tab-a5-mh-citizen",
    "tab-a5-mh-caseworker",
    "tab-hazard-ratios",
    "tab-hazard-bands",
    "tab-cw-summary",
    "tab-cw-quartiles",
    "tab-cw-noise",
    "tab-cw-leave-out",
    "tab-cw-split",
    "tab-cw-bootstrap",
    "tab-cw-chance",
    "tab-cw-within",
    "tab-cw-profile-activities-tests",
    "tab-cw-profile-answers-tests",
    "tab-change-belief",
    "tab-belief-minimum",
    "tab-change-event-study",
    "tab-quality",
    "tab-quality-parts",
    "tab-quality-missing",
    "tab-calibration",  # the fixture's report carries its cohort's calibration
]
SECTIONS = [s.key for s in sections.SECTIONS]


class _Refs(HTMLParser):
    """Every URL-bearing attribute and CSS url() of a document, and the element ids."""

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


def _block(doc: str, block_id: str) -> str:
    """The markup of one table or figure (up to the next block or the end of its section)."""
    part = doc[doc.index(f'id="{block_id}"') :]
    ends = [part.find(m, 1) for m in ('<div class="tbl"', "<figure", "</section>")]
    return part[: min(e for e in ends if e > 0)]


@pytest.mark.parametrize("edition", [("da", "analyst"), ("en", "manager")])
def test_html_makes_no_external_requests(rendered, edition):
    doc = rendered[edition]
    assert "http://" not in doc and "https://" not in doc  # not even namespaces or comments
    for ref in _parse(doc).refs:
        assert ref.strip("'\" ").startswith("#"), f"non-local reference {ref!r}"
    assert "@font-face" not in doc


@pytest.mark.parametrize("edition", [("da", "analyst"), ("en", "manager")])
def test_every_section_figure_and_table_is_there_numbered_with_a_reading(rendered, edition):
    doc = rendered[edition]
    ids = _parse(doc).ids
    assert [i.removeprefix("sec-") for i in ids if i.startswith("sec-")] == SECTIONS
    for block_id in FIGURES + TABLES:
        assert block_id in ids, block_id
    assert len(set(ids)) == len(ids), "an id is used twice"
    fig, tab = ("Figur", "Tabel") if edition[0] == "da" else ("Figure", "Table")
    figures = [int(n) for n in re.findall(rf"<figcaption>{fig} (\d+)\.", doc)]
    tables = [int(n) for n in re.findall(rf"<p class=\"caption\" id=\"[^\"]+\">{tab} (\d+)\.", doc)]
    assert figures == list(range(1, len(FIGURES) + 1))
    assert tables == list(range(1, len(TABLES) + 1))
    readings = re.findall(r'<span class="reading">([^<]+)</span>', doc)
    assert len(readings) == len(figures) + len(tables) and all(r.strip() for r in readings)


def test_a4_figures_label_all_16_codes_and_explain_them(rendered):
    fig = _block(rendered[("en", "manager")], "fig-a4-B1")
    for code in ALL_COMBINATIONS:
        assert f">{code}<" in fig
    assert "J = job-focused" in fig and "H = health" in fig


def test_published_values_stand_beside_ours_with_their_reference(rendered):
    doc = rendered[("en", "analyst")]
    tab = _block(doc, "tab-combinations")
    assert "1,598" in tab and "003, Tabel 3" in tab  # 0000 count of 003 Tabel 3
    tab = _block(doc, "tab-cw-summary")
    assert "14.8%" in tab and "28.4%" in tab and "004, Tabel 1" in tab
    assert "13.69" in tab  # the 14.69 inconsistency of 004 is noted
    da = _block(rendered[("da", "analyst")], "tab-cw-summary")
    assert "14,8\u00a0%" in da and "13,69" in da


def test_the_a6_explanation_uses_the_median_caseload(small_results, rendered):
    n = round(small_results.a6_caseworkers.beyond.median_citizens_per_caseworker)
    assert f"only about {n} citizens" in rendered[("en", "analyst")]
    assert f"kun omkring {n} borgere" in rendered[("da", "analyst")]


def test_languages_use_the_instrument_labels_and_their_numbers(rendered):
    da, en = rendered[("da", "analyst")], rendered[("en", "analyst")]
    assert "B1 Idé om arbejde" in da and "Tabel 1." in da and '<html lang="da">' in da
    assert "B1 Idea of work" in en and "Table 1." in en and '<html lang="en">' in en
    # measurements of the dataset (over 1,000) with the language's thousands separator
    assert re.search(r"Målinger</td><td class=\"num\">\d\.\d\d\d<", da)
    assert re.search(r"Measurements</td><td class=\"num\">\d,\d\d\d<", en)


def _without(results: Results, **sections_) -> Results:
    return results.model_copy(update=sections_)


def test_a_result_that_is_not_there_says_why(small_results):
    a6 = A6Caseworkers(
        status="insufficient_data",
        min_citizens_per_caseworker=10,
        n_measurements=12,
        n_caseworkers=2,
        n_citizens=11,
    )
    a5 = small_results.a5_job_chance
    jm = a5.job_model.model_copy(
        update={"status": "not_estimable", "reason": "singular design: x", "terms": ()}
    )
    r = _without(
        small_results, a6_caseworkers=a6, a5_job_chance=a5.model_copy(update={"job_model": jm})
    )
    da = tables_html(r, lang="da")  # the tables page shows these sentences too
    en = report_html(r, lang="en", audience="manager")
    assert "Sagsbehandlereffektivitet: der er for få data til at estimere det." in da
    assert "Caseworker effectiveness: the data are too few to estimate it." in en
    assert "could not be estimated: some background variables are constant" in en
    assert 'id="tab-cw-summary"' not in en and 'id="tab-a5-model"' not in en
    assert en.count('class="status"') == 2 and 'id="tab-cw-summary"' not in da


def test_a_bug_in_a_section_is_raised_not_hidden(small_results, monkeypatch):
    def broken(results, ctx):
        raise KeyError("no such thing")

    spec = sections.SECTIONS[2]
    monkeypatch.setattr(
        sections, "SECTIONS", (*sections.SECTIONS[:2], type(spec)(spec.key, spec.title, broken))
    )
    import bip.report.render as render

    monkeypatch.setattr(render, "SECTIONS", sections.SECTIONS)
    with pytest.raises(KeyError, match="no such thing"):
        report_html(small_results)


def test_bad_arguments_are_refused(small_results):
    with pytest.raises(ValueError, match="lang"):
        report_html(small_results, lang="sv")
    with pytest.raises(ValueError, match="audience"):
        report_html(small_results, audience="minister")


def test_tables_page_holds_every_table_and_every_figures_numbers(
    small_results, small_calibration, tmp_path
):
    path = write_tables(small_results, tmp_path, lang="en", calibration=small_calibration)
    assert path.name == "tables.en.html"
    doc = path.read_text(encoding="utf-8")
    ids = _parse(doc).ids
    for block_id in TABLES:
        assert block_id in ids, block_id
    assert "<svg" not in doc and "<figure" not in doc
    n = len(re.findall(r"<p class=\"caption\" id=\"[^\"]+\">Table \d+\.", doc))
    assert n == len(TABLES) + len(FIGURES)
    assert doc.count("The numbers of the figure") == len(FIGURES)
    assert write_tables(small_results, tmp_path).name == "tables.html"


def test_render_report_names_its_files_and_writes_them_whole(small_results, tmp_path):
    # report.html / report.en.html by language: test_cli_report_writes_both_languages_...
    named = render_report(small_results, tmp_path, lang="en", pdf=False, name="report")
    assert named == {"html": tmp_path / "report.html"}
    assert '<html lang="en">' in named["html"].read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_report_writes_both_languages_and_explains_a_bad_file(small_results, tmp_path):
    res = tmp_path / "res"
    res.mkdir()
    write_results(small_results, res / "results.json")
    runner = CliRunner()
    r = runner.invoke(main, ["report", str(res), "--no-pdf"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        main, ["report", str(res), "--no-pdf", "--lang", "en", "--audience", "manager"]
    )
    assert r.exit_code == 0, r.output
    da = (res / "report.html").read_text(encoding="utf-8")
    en = (res / "report.en.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in da and "Analytikerudgave" in da
    assert '<html lang="en">' in en and "Manager edition" in en
    assert (res / "tables.html").exists() and (res / "tables.en.html").exists()

    (res / "results.json").write_text('{"meta": {"schema": "bip-results/2",}}', encoding="utf-8")
    bad = runner.invoke(main, ["report", str(res), "--no-pdf"])
    assert bad.exit_code != 0 and "line 1" in bad.output and "not JSON" in bad.output
    assert len(bad.output.strip().splitlines()) == 1 and "Traceback" not in bad.output

    doc = json.loads(small_results.model_dump_json())
    doc["a2_activities"]["n_known"] = "many"
    (res / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    bad = runner.invoke(main, ["report", str(res), "--no-pdf"])
    assert bad.exit_code != 0 and "a2_activities/n_known" in bad.output
    assert len(bad.output.strip().splitlines()) == 1

    missing = runner.invoke(main, ["report", str(tmp_path / "nowhere"), "--no-pdf"])
    assert missing.exit_code != 0


def test_v1_results_of_bip_0_1_still_render(tmp_path):
    """A results.json of BIP 0.1 (schema bip-results/1) is upgraded on loading and renders."""
    import gzip
    from pathlib import Path

    from bip.results import load_results

    v1 = Path(__file__).parents[1] / "results" / "data" / "v1-scale0.25-seed3.json.gz"
    (tmp_path / "results.json").write_bytes(gzip.decompress(v1.read_bytes()))
    r = CliRunner().invoke(main, ["report", str(tmp_path), "--no-pdf", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert load_results(tmp_path).meta.schema_ == "bip-results/2"
    assert 'id="tab-cw-summary"' in (tmp_path / "report.en.html").read_text(encoding="utf-8")
