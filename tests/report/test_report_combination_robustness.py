"""Section 5's selection-robustness tables: for each average, δ and the bias-adjusted d beside
the unadjusted and adjusted d, and the within-citizen d with its interval, in both languages;
older results without the checks show nothing."""

from __future__ import annotations

import pytest

from bip.report.blocks import Para, Table
from bip.report.sections import combination_robustness, combinations
from bip.report.sections.base import Ctx


@pytest.mark.parametrize("lang", ["en", "da"])
def test_robustness_tables_carry_the_results(small_results, lang):
    a4 = small_results.a4_combination_effects
    blocks = combinations.build(small_results, Ctx(lang, "analyst"))
    tables = {b.id: b for b in blocks if isinstance(b, Table) and b.id.startswith("tab-a4-robust")}
    assert set(tables) == {"tab-a4-robust-B_avg", "tab-a4-robust-S_avg"}
    for it, t in ((it, tables[f"tab-a4-robust-{it}"]) for it in ("B_avg", "S_avg")):
        o, fe = a4.oster[it], a4.citizen_fe[it]
        for row in t.rows:
            code = row.values["code"]
            assert row.values["d"] == a4.naive[it].codes[code].estimate
            assert row.values["cd"] == a4.adjusted[it].codes[code].estimate
            assert row.values["delta"] == o.codes[code].delta
            assert row.values["bstar"] == o.codes[code].beta_star
            assert row.values["fe"] == fe.codes[code].estimate
            if row.values["fe"] is not None:
                assert row.values["lo"] <= row.values["fe"] <= row.values["hi"]
        assert len(t.notes) == 2
    explain = blocks[blocks.index(tables["tab-a4-robust-B_avg"]) - 1]
    assert isinstance(explain, Para) and "δ = 1" in explain.text and "Oster 2019" in explain.text


def test_no_robustness_results_no_tables(small_results):
    a4 = small_results.a4_combination_effects.model_copy(update={"oster": None, "citizen_fe": None})
    assert combination_robustness.blocks(a4, Ctx("en", "analyst")) == []
