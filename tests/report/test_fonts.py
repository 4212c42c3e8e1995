"""The report never floods the terminal with matplotlib's findfont warnings."""

from __future__ import annotations

import subprocess
import sys

DRAW = """
import matplotlib.pyplot as plt
from bip.report.style import RC, new_figure, to_svg
RC["font.family"] = ["No Such Font BIP", "Another Missing Font"]
for _ in range(20):
    fig, ax = new_figure(2.0)
    ax.plot([1, 2, 3], [1, 3, 2], label="a")
    ax.set_title("title"); ax.legend()
    to_svg(fig, "t")
"""


def test_missing_font_family_prints_no_findfont_lines():
    from bip.report import style

    assert hasattr(style, "to_svg")
    r = subprocess.run([sys.executable, "-c", DRAW], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "findfont" not in r.stderr, r.stderr[:2000]
    # the same drawing without the guard does warn: the test can fail
    unguarded = DRAW.replace(
        "from bip.report.style import RC, new_figure, to_svg",
        "from bip.report.style import RC, new_figure, to_svg\n"
        "import logging; logging.getLogger('matplotlib.font_manager').setLevel(logging.WARNING)",
    )
    r = subprocess.run(
        [sys.executable, "-c", unguarded], capture_output=True, text=True, timeout=120
    )
    assert "findfont" in r.stderr, r.stderr[:2000]
