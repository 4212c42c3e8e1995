"""axe-core in the browser tests: every page checked for WCAG 2.1 AA (and best-practice) issues.

axe-core comes from npm (``package.json``, installed by ``scripts/setup.sh`` into
``node_modules/``) and is injected into the page under test; nothing is fetched at run time.
"""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Every rule axe ships runs, of any impact: WCAG 2.0/2.1 A and AA, and best practices.
RUN_ONLY = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (id, impact, help, the first targets)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RUN_ONLY
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
    ]


def describe(found: list[dict]) -> str:
    """One line per violation, for an assertion message."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in found)
