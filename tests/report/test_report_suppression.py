"""Small-cell suppression: the manager edition never shows a cell built on fewer than 5 citizens.

The property: what a manager sees does not depend on what small cells hold. Start from real
typed results of a small synthetic cohort, make some cells small (1-4 citizens), then change
everything the small cells hold (their numbers, and their counts within 1-4): the manager
edition must not change at all. It is checked on every block the edition holds - paragraphs,
tables, and each figure as the suppressed data it is drawn from, with its reading and notes
(so a figure can show no more than that) - and on one full report with its figures.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bip.disclosure import Counts
from bip.report.render import build_sections, report_html, tables_html, views
from bip.report.sections import Ctx
from bip.report.tables import Col, Row, Table, suppress
from bip.results import Results

# Where the cells are: results objects a table row or cell is built from (regex on the path)
CELLS = re.compile(
    r"a1_progression/(items|weeks_regression)/\w+"
    r"|a2_activities/(codes|derived)/\w+"
    r"|a3_background/(rows/\d+|groups/\w+)"
    r"|a4_combination_effects/(naive|adjusted)/\w+/codes/\d{4}"
    r"|a5_job_chance/(rates_by_level/\w+/\d|belief_distributions/\w+/\d)"
    r"|a5_job_chance/job_search/(overall|by_\w+/\d)|a5_job_chance/answers_by_mental_health/\w+/\d"
    r"|a6_caseworkers/(effects|quartiles)/\d+"
    r"|a7_change_belief/(share_with_change|belief_effect/outcome_rate_by_group/\w+)"
    r"|a8_cohort/rows/\d+|a9_data_quality/rows/\d+"
)
COUNTS = ("n_citizens", "n", "n_measurements", "n_citizens_with", "n_citizens_with_change")
COUNTS += ("n_job_or_education_52w", "n_job_13w")


def _nodes(doc, path=""):
    """(path, object) of every object of the document."""
    if isinstance(doc, dict):
        yield path, doc
        for k, v in doc.items():
            yield from _nodes(v, f"{path}/{k}" if path else k)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _nodes(v, f"{path}/{i}")


def _counts(o: dict) -> Counts:
    n = lambda *keys: next((o[k] for k in keys if isinstance(o.get(k), int)), None)  # noqa: E731
    return Counts(
        n("n_citizens"), n("n", "n_measurements"), n("n_citizens_with", "n_citizens_with_change")
    )


def perturb(doc: dict, rnd: random.Random) -> dict:
    """Change what every small object holds: its numbers, and its counts within 1-4. An object
    without its own citizen count (the mean answers of a group) is as small as its parent."""
    doc = json.loads(json.dumps(doc))

    def walk(o, small: bool) -> None:
        if isinstance(o, dict):
            own = isinstance(o.get("n_citizens"), int)
            small = _counts(o).is_small() or (small and not own)
            for k, v in o.items():
                if small and isinstance(v, float):
                    o[k] = (v + rnd.random()) / 2  # a share stays a share
                elif small and k in COUNTS and isinstance(v, int) and 0 < v < 5:
                    o[k] = rnd.randint(1, 4)
                else:
                    walk(v, small)
        elif isinstance(o, list):
            for v in o:
                walk(v, small)

    walk(doc, False)
    return doc


class Quiet(dict):
    """A fixture value hypothesis reports in one line instead of printing it whole."""

    def __repr__(self) -> str:
        return f"<{len(self)} entries>"


@pytest.fixture(scope="module")
def base(small_results) -> dict:
    return Quiet(json.loads(small_results.model_dump_json()))


@pytest.fixture(scope="module")
def cells(base) -> dict[str, list[str]]:
    """The cells' paths by kind (their path without keys and positions)."""
    out: dict[str, list[str]] = Quiet()
    for p, o in _nodes(base):
        if CELLS.fullmatch(p) and isinstance(o.get("n_citizens"), int):
            out.setdefault(re.sub(r"/(\d+|[BS]\d+|[BS]_avg)(?=/|$)", "/#", p), []).append(p)
    return out


def _force(doc: dict, paths: list[str], sizes: list[int]) -> dict:
    """``doc`` with the objects at ``paths`` resting on ``sizes`` citizens."""
    doc = json.loads(json.dumps(doc))
    where = dict(_nodes(doc))
    for p, n in zip(paths, sizes, strict=True):
        where[p]["n_citizens"] = n
    return doc


def manager_view(doc: dict, lang: str) -> str:
    """Everything the manager edition says, figures as the data they are drawn from."""
    c = Ctx(lang, "manager")
    return repr(views(build_sections(Results.model_validate(doc), c), c, figures=False))


def _same_for_managers(a: dict, b: dict, lang: str, page=manager_view) -> str:
    if page is report_html:
        x, y = (
            report_html(Results.model_validate(d), lang=lang, audience="manager") for d in (a, b)
        )
    else:
        x, y = page(a, lang), page(b, lang)
    if x != y:  # show the first difference: a small cell that leaked
        i = next(k for k, (u, v) in enumerate(zip(x, y, strict=False)) if u != v)
        raise AssertionError(
            f"the manager edition depends on a small cell near: {x[max(0, i - 300) : i + 80]!r}"
        )
    return x


@st.composite
def forced(draw, cells: dict[str, list[str]]):
    """Cells of several kinds made small, their sizes, and a seed for the perturbation."""
    kinds = draw(st.lists(st.sampled_from(sorted(cells)), min_size=1, max_size=8, unique=True))
    paths = [draw(st.sampled_from(cells[k])) for k in kinds]
    return paths, [draw(st.integers(1, 4)) for _ in paths], draw(st.integers(0, 2**32 - 1))


def _check(base: dict, cells: dict[str, list[str]], data, lang: str) -> None:
    paths, sizes, seed = data.draw(forced(cells))
    doc = _force(base, paths, sizes)
    _same_for_managers(doc, perturb(doc, random.Random(seed)), lang)
    page = tables_html(Results.model_validate(doc), lang=lang, audience="manager")
    tab = page[page.index('id="tab-combinations"') :]
    tab = tab[: tab.index("</table>")]
    for p in paths:  # a combination made small shows "<5" for its count and share
        if p.startswith("a2_activities/codes/"):
            row = tab[tab.index(f">{p[-4:]} (") :]
            row = row[: row.index("</tr>")]
            assert row.count(">&lt;5<") == 2, row


SETTINGS = dict(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@settings(max_examples=15, **SETTINGS)
@given(data=st.data())
def test_manager_edition_does_not_depend_on_small_cells(base, cells, data):
    _check(base, cells, data, "da")


@pytest.mark.slow
@settings(max_examples=30, **SETTINGS)
@given(data=st.data(), lang=st.sampled_from(["da", "en"]))
def test_manager_edition_does_not_depend_on_small_cells_many(base, cells, data, lang):
    _check(base, cells, data, lang)


def test_the_whole_report_with_its_figures_does_not_depend_on_small_cells(base, cells):
    rnd = random.Random(7)
    paths = [rnd.choice(v) for v in cells.values()]  # a cell of each kind
    doc = _force(base, paths, [rnd.randint(1, 4) for _ in paths])
    _same_for_managers(doc, perturb(doc, random.Random(8)), "en", page=report_html)


def test_every_kind_of_cell_is_found(cells):
    assert len(cells) >= 18, sorted(cells)


def test_the_small_cohort_has_small_cells_of_its_own(base):
    """The real results already hold small cells (rare combinations, A3 cells), so the property
    is also tested on what the analyses produce, not only on cells made small."""
    small = [p for p, o in _nodes(base) if CELLS.fullmatch(p) and _counts(o).is_small()]
    assert len(small) >= 5, small


def test_analyst_sees_small_cells_and_manager_does_not(base):
    doc = _force(base, ["a2_activities/codes/0111"], [3])
    doc["a2_activities"]["codes"]["0111"]["n"] = 3
    r = Results.model_validate(doc)
    for aud in ("analyst", "manager"):
        page = tables_html(r, lang="en", audience=aud)
        tab = page[page.index('id="tab-combinations"') :]
        row = tab[tab.index(">0111 (") :]
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row[: row.index("</tr>")])
        assert cells[0:2] == (["&lt;5", "&lt;5"] if aud == "manager" else ["3", cells[1]])
        assert tab[: tab.index("</table>")].count(">x<") == (2 if aud == "manager" else 0)


def test_suppress_hides_only_citizen_based_cells_of_small_rows():
    t = Table(
        "t",
        "",
        "",
        (Col("label", "", "text", False), Col("x", ""), Col("pub", "", "d2", False)),
        (
            Row({"label": "a", "x": 0.5, "pub": 0.4}, n_citizens=4),
            Row({"label": "b", "x": 0.6, "pub": 0.4}, n_citizens=5),
            Row({"label": "c", "x": 0.7, "pub": 0.4}, n_obs=2),
            Row({"label": "d", "x": 0.8, "pub": 0.4}, n_citizens=50, n_with=1),
            Row({"label": "e", "x": 0.9, "y": 1}, cell_n={"x": Counts(3)}),
        ),
    )
    out = suppress(t, "manager")
    assert [r.values["x"] for r in out.rows] == ["<5", 0.6, "<5", "<5", "<5"]
    assert [r.values["label"] for r in out.rows] == ["a", "b", "c", "d", "e"]
    assert out.rows[0].values["pub"] == 0.4
    assert suppress(t, "analyst") is t


def test_complementary_hides_the_smallest_other_cell_with_citizens():
    from bip.disclosure import complementary

    assert complementary({"a": 3, "b": 0, "c": 9, "d": 7}, {"a"}) == {
        "a",
        "d",
    }  # b is no cover: 0 stays 0
    assert complementary({"a": 3, "f": 1, "c": 9, "d": 7}, {"a", "f"}) == {
        "a",
        "f",
        "d",
    }  # 3 + 1 is small
    assert complementary({"b": 0, "c": 9, "d": 7}, {"b"}) == {
        "b",
        "d",
    }  # a hidden "<5" may be 0 or not
    assert complementary({"c": 9}, set()) == set()
    assert complementary({"a": 3, "b": 0}, {"a"}) == {"a"}  # nothing can cover it


def _partition(sizes):
    return Table(
        "p",
        "",
        "",
        (Col("code", "", "text", False), Col("n", "", "int"), Col("share", "", "pct")),
        tuple(
            Row({"code": f"r{i}", "n": n, "share": n / max(sum(sizes), 1)}, n_citizens=n)
            for i, n in enumerate(sizes)
        ),
        partition=True,
    )


def test_partition_table_hides_a_second_row_marked_x():
    out = suppress(_partition([3, 12, 8, 40]), "manager")
    assert [r.values["n"] for r in out.rows] == ["<5", 12, "x", 40]
    assert out.rows[2].values["share"] == "x" and out.rows[2].values["code"] == "r2"
    # not a partition: only the small row
    t = _partition([3, 12, 8, 40])
    plain = suppress(Table(t.id, t.caption, t.reading, t.cols, t.rows), "manager")
    assert [r.values["n"] for r in plain.rows] == ["<5", 12, 8, 40]
    assert suppress(t, "analyst") is t


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 4), st.integers(5, 60)), min_size=2, max_size=16))
def test_no_small_number_can_be_worked_out_of_a_partition(sizes):
    """The hidden rows' sum (the total minus the shown rows) is at least 5 unless no row with
    citizens is left to hide; small rows say "<5", the one row hidden to protect them "x" and
    is the smallest; nothing else is hidden. A row of 0 citizens has nobody to protect."""
    out = suppress(_partition(sizes), "manager")
    shown = [r.values["n"] for r in out.rows]
    small = [i for i, n in enumerate(sizes) if 0 < n < 5]
    assert all(shown[i] == "<5" for i in small)
    withheld = [i for i, v in enumerate(shown) if v == "x"]
    hidden = small + withheld
    left = [sizes[i] for i in range(len(sizes)) if i not in hidden and sizes[i] > 0]
    if small:  # the sum that can be worked out is no small number, unless nothing could cover
        assert sum(sizes[i] for i in hidden) >= 5 or (not withheld and not left)
    assert len(withheld) == (1 if small and (left or withheld) else 0)
    if withheld:  # the smallest row with citizens was taken
        assert sizes[withheld[0]] <= min(left, default=10**9)
    assert all(shown[i] == sizes[i] for i in range(len(sizes)) if i not in hidden)
