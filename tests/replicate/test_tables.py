"""Regression tables in Markdown, LaTeX and Word: the numbers of results.json, and a .docx
that python-docx opens again."""

from __future__ import annotations

import docx

from bip.replicate.tables import (
    a4_table,
    a7_table,
    all_tables,
    decimals,
    stars,
    to_latex,
    to_markdown,
    write_tables,
)
from bip.results import load_results


def test_tables_render_in_three_formats(results_dir, tmp_path):
    res = load_results(results_dir)
    md, tex, word = write_tables(res, tmp_path)
    slope = res.a1_progression.weeks_regression["B_avg"]
    text = md.read_text("utf-8")
    k = decimals(slope.se)
    assert k > 3  # a per-week slope needs more than three decimals
    assert f"{slope.slope_per_week:.{k}f}" in text and f"({slope.se:.{k}f})" in text
    assert "Romano-Wolf" in text and "Holm" in text  # each table names its rule
    latex = tex.read_text("utf-8")
    assert latex.count("\\begin{table}") == latex.count("\\end{table}") == len(all_tables(res))
    assert latex.count("{") == latex.count("}")
    opened = docx.Document(str(word))
    assert len(opened.tables) == len(all_tables(res))
    titles = [t.title for t in all_tables(res)]
    a6 = opened.tables[titles.index("A6 Caseworker fixed effects")]
    cells = [[c.text for c in row.cells] for row in a6.rows]
    r2 = next(r for r in cells if r[0] == "R²")
    assert r2[1:] == [
        f"{res.a6_caseworkers.r2_without_fe:.3f}",
        f"{res.a6_caseworkers.r2_with_fe:.3f}",
    ]
    fe = next(r for r in cells if r[0] == "Caseworker fixed effects")
    assert fe[1:] == ["No", "Yes"]


def test_a4_table_has_every_code_and_both_models(results_dir):
    res = load_results(results_dir)
    t = a4_table(res, items=("B1",))
    assert t.columns == ["B1 (naive)", "B1 (adjusted)"]
    assert len(t.coefs) == 16
    est = res.a4_combination_effects.adjusted["B1"].codes["1001"]
    cell = t.coefs["JOSH 1001"][1]
    assert cell == (est.estimate, est.se, est.p_familywise) or (
        est.estimate is None and cell is None
    )
    md = to_markdown([t])
    assert md.count("\n| JOSH ") == 16
    assert "\\_" not in md and "JOSH 1001" in to_latex([t])


def test_stars_follow_the_multiplicity_rule(results_dir):
    """A star only where the familywise-adjusted p is below 0.05: a coefficient significant
    alone but not after the rule gets none."""
    res = load_results(results_dir)
    assert [stars(p) for p in (None, 0.2, 0.04, 0.009, 0.0009)] == ["", "", "*", "**", "***"]
    t = a4_table(res, items=("B_avg", "S_avg"))
    md = to_markdown([t])
    for cells, row in zip(t.coefs.values(), _md_rows(md, "JOSH "), strict=True):
        for cell, text in zip(cells, row, strict=True):
            if cell is None:
                continue
            want = stars(cell[2])
            assert text.endswith(want.replace("*", "\\*")) if want else not text.endswith("*")
    # The rule matters on this cohort: some unadjusted p < 0.05 carry no star.
    a4 = res.a4_combination_effects
    alone = [
        c
        for m in (*a4.naive.values(), *a4.adjusted.values())
        for c in m.codes.values()
        if c.p_value is not None and c.p_value < 0.05
    ]
    assert any(stars(c.p_familywise) == "" for c in alone)
    latex = to_latex(all_tables(res))
    assert "\\*" not in latex and latex.count("{") == latex.count("}")


def _md_rows(md: str, prefix: str) -> list[list[str]]:
    rows = [ln for ln in md.splitlines() if ln.startswith("| " + prefix)]
    return [[c.strip() for c in ln.strip("|").split("|")[1:]] for ln in rows]


def test_a7_table_holds_the_change_and_belief_estimates(results_dir):
    res = load_results(results_dir)
    t = a7_table(res)
    ch, be = res.a7_change_belief.change_effect, res.a7_change_belief.belief_effect
    assert t.coefs["Caseworker changes so far"][1][:2] == (ch.coef, ch.se)
    assert t.coefs["High-belief caseworker"][4][:2] == (be.coef, be.se)
    # Holm over the five: an adjusted p is never below the p of its own test
    assert t.coefs["High-belief caseworker"][4][2] >= be.p_value
    assert "Holm" in to_markdown([t]) and "Jobcentre fixed effects" in to_markdown([t])
