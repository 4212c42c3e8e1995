"""The last section, for a synthetic cohort: how its figures compare with the published ones.

It shows the calibration summary of the run (:class:`bip.calibration.Summary`, the same
comparison and counts ``bip calibrate DATASET --results RESULTS`` and ``bip demo`` print) and
lists the figures outside their tolerance and those whose source contradicts itself. Without
a calibration (real data) the section is left out.
"""

from __future__ import annotations

from bip.calibration.compare import FAIL, INCONSISTENT, INFO, MISSING, OK
from bip.report.blocks import Block, Para
from bip.report.i18n import N_
from bip.report.published import source_ref
from bip.report.sections.base import Ctx, Spec
from bip.report.tables import Col, Row, Table
from bip.results import Results


def build(r: Results, c: Ctx) -> list[Block]:
    """The blocks of the comparison section (none without a calibration)."""
    s = c.calibration
    if s is None:
        return []
    text = c._(
        "This synthetic cohort and its results were compared with every figure of the BIP "
        "reports they can reproduce: {ok} of {n} figures lie within their tolerance and {fail} "
        "outside it; for {inconsistent} the source contradicts itself, so they are neither "
        "passed nor failed, and {info} are shown for information only or cannot be computed "
        "from these data."
    ).format(
        ok=c.num(s.count(OK), "int"),
        n=c.num(len(s.rows), "int"),
        fail=c.num(s.count(FAIL), "int"),
        inconsistent=c.num(s.count(INCONSISTENT), "int"),
        info=c.num(s.count(INFO) + s.count(MISSING), "int"),
    )
    blocks: list[Block] = [Para(text)]
    listed = [x for x in s.rows if x.status in (FAIL, INCONSISTENT)]
    if listed:
        words = {FAIL: c._("outside the tolerance"), INCONSISTENT: c._("source inconsistent")}
        blocks.append(
            Table(
                "tab-calibration",
                c._(
                    "Published figures this cohort does not reproduce, or whose source is inconsistent"
                ),
                c._(
                    "Each figure's published value beside ours and the allowed deviation; the "
                    "source names the report and table."
                ),
                (
                    Col("src", c._("Source"), "ref", False),
                    Col("pub", c._("Published"), "d2", False, published=True),
                    Col("ours", c._("Ours"), "d2", False),
                    Col("tol", c._("Tolerance"), "text", False),
                    Col("status", c._("Status"), "text", False),
                ),
                tuple(
                    Row(
                        {
                            "src": source_ref(x.source),
                            "pub": x.published,
                            "ours": x.value,
                            "tol": _tolerance(x.tolerance, c),
                            "status": words[x.status],
                        }
                    )
                    for x in listed
                ),
            )
        )
    return blocks


def _tolerance(text: str, c: Ctx) -> str:
    """``±0.05`` / ``±10%`` with the report's decimal sign; ``-`` where there is none."""
    if not text.startswith("±"):
        return "–"
    return text.replace(".", "," if c.lang == "da" else ".")


SECTION = Spec("calibration", N_("Comparison with the published figures"), build, optional=True)
