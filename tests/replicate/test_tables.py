"""Regression tables in Markdown, LaTeX and Word: the numbers of results.json, and a .docx
that python-docx opens again."""

from __future__ import annotations

import re

import docx

from bip.replicate.tables import (
    a4_table,
    all_tables,
    decimals,
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
    assert not re.search(r"\d\*", text)  # no significance stars
    latex = tex.read_text("utf-8")
    assert latex.count("\\begin{table}") == latex.count("\\end{table}") == len(all_tables(res))
    assert latex.count("{") == latex.count("}")
    opened = docx.Document(str(word))
    assert len(opened.tables) == len(all_tables(res))
    a6 = opened.tables[-1]
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
    assert cell == (est.estimate, est.se) or (est.estimate is None and cell is None)
    md = to_markdown([t])
    assert md.count("\n| JOSH ") == 16
    assert "\\_" not in md and "JOSH 1001" in to_latex([t])
