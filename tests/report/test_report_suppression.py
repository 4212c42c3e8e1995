"""Small-cell suppression: a manager report never shows a cell built on fewer than 5 citizens.

The property: the manager HTML does not depend on the values of small cells at all. Two
results that differ only in what small cells hold (their values, and their counts within
0–4) must render to the same document; and every small cell is shown as "<5".
"""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bip.instrument import ALL_COMBINATIONS
from bip.report.render import report_html
from bip.report.tables import Col, Row, Table, suppress

VALUE_KEYS = (
    "share",
    "mean",
    "d",
    "ci_low",
    "ci_high",
    "share_unchanged",
    "outcome_rate",
    "mean_effect",
    "citizens_per_caseworker",
    "rate",
    "value",
    "share_within_13_weeks",
    "effect",
    "effect_shrunk",
)


@st.composite
def cells(draw):
    """A results cell: citizen count (often under 5) and distinctive values."""
    n_cit = draw(st.one_of(st.integers(0, 4), st.integers(5, 400)))
    return {
        "n_citizens": n_cit,
        "n": n_cit + draw(st.integers(0, 30)),
        **{
            k: draw(st.floats(0.0001, 0.9999, allow_nan=False))
            for k in ("share", "mean", "d", "rate", "value")
        },
    }


@st.composite
def results(draw):
    cs = {code: draw(cells()) for code in ALL_COMBINATIONS}
    eff = {}
    for code, cell in cs.items():
        d = cell["d"] - 0.5
        eff[code] = {
            "d": d,
            "ci_low": d - 0.1,
            "ci_high": d + 0.1,
            "n": cell["n"],
            "n_citizens": cell["n_citizens"],
        }
    prog = {}
    for it in ("B1", "B_avg", "S12"):
        c = draw(cells())
        prog[it] = {
            "mean": c["mean"] - 0.5,
            "n": c["n"],
            "n_citizens": c["n_citizens"],
            "share_unchanged": c["share"],
        }
    quart = []
    for q in (1, 2, 3, 4):
        c = draw(cells())
        quart.append(
            {
                "quartile": q,
                "n_caseworkers": 7,
                "n_citizens": c["n_citizens"],
                "outcome_rate": c["rate"],
                "mean_effect": c["d"] - 0.5,
                "citizens_per_caseworker": 1 + 30 * c["value"],
            }
        )
    effects = []
    for i in range(12):
        c = draw(cells())
        effects.append(
            {
                "caseworker_id": f"cw{i}",
                "effect": c["d"] - 0.5,
                "effect_shrunk": (c["d"] - 0.5) / 2,
                "n_measurements": c["n"],
                "n_citizens": c["n_citizens"],
            }
        )
    s12 = {}
    for lvl in "12345":
        c = draw(cells())
        s12[lvl] = {"rate": c["rate"], "n": c["n"], "n_citizens": c["n_citizens"]}
    jc = []
    for j in range(4):
        c = draw(cells())
        jc.append(
            {
                "jobcenter": f"JC{j}",
                "n_citizens": c["n_citizens"],
                "share_within_13_weeks": c["share"],
                "mean_weeks_between": 10 + 20 * c["value"],
            }
        )
    a3 = []
    for g in ("J", "O", "S", "H", "none"):
        for var in ("age", "married"):
            c = draw(cells())
            a3.append(
                {
                    "table": "tabel4",
                    "variable": var,
                    "stat": "mean" if var == "age" else "share",
                    "group": g,
                    "value": 20 + 40 * c["value"] if var == "age" else c["share"],
                    "n": c["n"],
                    "n_citizens": c["n_citizens"]
                    + 5 * (var == "married"),  # married: the numerator is small
                    "n_citizens_with": c["n_citizens"] if var == "married" else None,
                }
            )
    der = {k: draw(cells()) for k in ("no_activity", "any_job_focused", "combined")}
    return {
        "meta": {"generated_at": "2026-01-01T00:00:00Z"},
        "dataset": {
            "jobcenters": 4,
            "caseworkers": 40,
            "citizens": 900,
            "measurements": 3000,
            "citizen_parts": 2900,
            "caseworker_parts": 2800,
        },
        "progression": prog,
        "combinations": {
            k: {"n": v["n"], "share": v["share"], "n_citizens": v["n_citizens"]}
            for k, v in cs.items()
        },
        "a2_activities": {
            "derived": {
                k: {"n": v["n"], "share": v["share"], "n_citizens": v["n_citizens"]}
                for k, v in der.items()
            }
        },
        "a3_background": {"rows": a3},
        "combination_effects": {"B_avg": eff},
        "caseworker_effectiveness": {
            "n_measurements": 3000,
            "n_caseworkers": 28,
            "n_citizens": 900,
            "quartiles": quart,
            "effects": effects,
            "policy_experiment": {"actual": 0.15, "counterfactual": 0.2, "increase": 0.05},
        },
        "belief": {
            "job13_rate_by_S12": s12,
            "relative_effect_high_vs_low": 0.3,
            "ci_low": 0.1,
            "ci_high": 0.5,
            "n_citizens": 800,
        },
        "a9_data_quality": {"rows": jc},
    }


def _small(o: dict) -> bool:
    return any(
        isinstance(o.get(k), int | float) and not isinstance(o.get(k), bool) and 0 < o[k] < 5
        for k in ("n_citizens", "n", "n_citizens_with")
    )


def perturb(r: dict, rnd) -> dict:
    """Change everything a small cell holds (values, and counts within 1-4)."""
    r = copy.deepcopy(r)

    def walk(o):
        if isinstance(o, dict):
            if _small(o):
                for k in list(o):
                    if k in VALUE_KEYS and isinstance(o[k], float):
                        o[k] = o[k] + rnd.uniform(0.01, 0.3)
                    elif (
                        k in ("n_citizens", "n", "n_citizens_with")
                        and isinstance(o[k], int)
                        and 0 < o[k] < 5
                    ):
                        o[k] = rnd.randint(1, 4)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(r)
    return r


def _check(r: dict, lang: str) -> None:
    import random

    a = report_html(r, lang=lang, audience="manager")
    b = report_html(perturb(r, random.Random(1)), lang=lang, audience="manager")
    if a != b:  # show the first difference, which is a leaked small cell
        i = next(k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y)
        raise AssertionError(
            f"manager report depends on a small cell near: {a[max(0, i - 300) : i + 80]!r}"
        )
    n_small = sum(_small(v) for v in r["combinations"].values())
    tab = a[a.index('id="tab-combinations"') :]
    tab = tab[: tab.index("</table>")]
    assert tab.count(">&lt;5<") == 2 * n_small  # count and share of each small combination


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(results())
def test_manager_report_does_not_depend_on_small_cells(r):
    _check(r, "da")


@pytest.mark.slow
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(results(), st.sampled_from(["da", "en"]))
def test_manager_report_does_not_depend_on_small_cells_many(r, lang):
    _check(r, lang)


def test_analyst_sees_small_cells_and_manager_does_not(fixture_results, rendered):
    # fixture: combination 0111 has n = 3
    for (_lang, aud), doc in rendered.items():
        tab = doc[doc.index('id="tab-combinations"') :]
        row = tab[tab.index("0111") :]
        row = row[: row.index("</tr>")]
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        if aud == "manager":
            assert cells[0:2] == ["&lt;5", "&lt;5"]
        else:
            assert cells[0] == "3"


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
            Row({"label": "e", "x": 0.9, "y": 1}, cell_n={"x": (3,)}),
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


def test_manager_report_withholds_a_second_combination(rendered):
    """The fixture's only small combination (0111, n = 3) takes one other row with it."""
    for (_lang, aud), doc in rendered.items():
        tab = doc[doc.index('id="tab-combinations"') :]
        tab = tab[: tab.index("</table>")]
        assert tab.count(">x<") == (2 if aud == "manager" else 0)  # its count and share
