"""Regression tables as researchers publish them (fixest ``etable`` style): one column per
model, each coefficient over its clustered standard error in parentheses, then the rows of
fixed effects and controls, N, clusters and R²; written as Markdown, LaTeX and Word.

Stars only after the multiplicity rule: BIP fits hundreds of coefficients (22 items × 16
codes in A4 alone), so a star marks a familywise-adjusted p-value — the Romano–Wolf stepdown
over the model's whole family for A4 (every code of every item) and A5 (every ranked term),
Holm over the items' weeks slopes for A1 and over A7's change and belief coefficients, the
test alone for A6's single policy experiment.
Each table's note names its rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from statsmodels.stats.multitest import multipletests

from bip.results import Results
from bip.results.progression import WeeksRegression

# (coefficient, standard error, familywise-adjusted p-value for the stars)
Cell = tuple[float | None, float | None, float | None]
STARS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))
_STAR_KEY = "Stars: * p < 0.05, ** p < 0.01, *** p < 0.001, "


@dataclass
class RegressionTable:
    """One table: ``coefs[term][column]`` and ``stats[label][column]`` (text)."""

    title: str
    columns: list[str]
    coefs: dict[str, list[Cell | None]] = field(default_factory=dict)
    stats: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


_SE_NOTE = (
    "Standard errors clustered by citizen (CR1) in parentheses; intervals and p-values use "
    "t with G-1 degrees of freedom."
)
_CR2_NOTE = (
    "Standard errors clustered by citizen (CR2) in parentheses; intervals and p-values use t "
    "with each coefficient's own Bell-McCaffrey degrees of freedom."
)


def stars(p: float | None) -> str:
    """The stars of an already adjusted p-value (none when undefined or >= 0.05)."""
    if p is None:
        return ""
    return next((s for cut, s in STARS if p < cut), "")


def _holm(ps: list[float | None]) -> list[float | None]:
    ok = [i for i, p in enumerate(ps) if p is not None]
    out: list[float | None] = [None] * len(ps)
    if ok:
        adj = multipletests([ps[i] for i in ok], method="holm")[1]
        for i, a in zip(ok, adj, strict=True):
            out[i] = float(a)
    return out


def _n(x: int | None) -> str:
    return "" if x is None else f"{x:,}"


def _r2(x: float | None) -> str:
    return "" if x is None else f"{x:.3f}"


def a1_table(results: Results, items: tuple[str, ...] = ("B_avg", "S_avg")) -> RegressionTable:
    """A1: progression on weeks since the previous measurement, one column per item."""
    wr: dict[str, WeeksRegression] = {
        str(k): v for k, v in results.a1_progression.weeks_regression.items()
    }
    cols: list[str] = [i for i in items if i in wr]
    t = RegressionTable("A1 Progression on weeks since the previous measurement", cols)
    # The family: the weeks slope of every item A1 fits, not only the columns shown.
    every = list(wr)
    holm = dict(zip(every, _holm([wr[i].p_value for i in every]), strict=True))
    t.coefs["Weeks since previous"] = [(wr[i].slope_per_week, wr[i].se, holm[i]) for i in cols]
    t.coefs["Constant"] = [(wr[i].intercept, None, None) for i in cols]
    t.stats["Observations"] = [_n(wr[i].n) for i in cols]
    t.stats["Citizens (clusters)"] = [_n(wr[i].n_citizens) for i in cols]
    t.notes = [
        _SE_NOTE,
        _STAR_KEY + f"Holm-adjusted over the weeks slopes of all {len(every)} items.",
    ]
    return t


def a4_table(results: Results, items: tuple[str, ...] = ("B_avg", "S_avg")) -> RegressionTable:
    """A4: effect sizes of the 16 combinations, naive and adjusted, per item."""
    a4 = results.a4_combination_effects
    cols, models = [], []
    for item in items:
        for which in ("naive", "adjusted"):
            m = getattr(a4, which).get(item)
            if m is not None:
                cols.append(f"{item} ({which})")
                models.append((which, m))
    t = RegressionTable("A4 Progression by activity combination (effect size d)", cols)
    codes = list(models[0][1].codes) if models else []
    for code in codes:
        t.coefs[f"JOSH {code}"] = [
            (m.codes[code].estimate, m.codes[code].se, m.codes[code].p_familywise)
            if m.codes[code].estimate is not None
            else None
            for _, m in models
        ]
    t.stats["Previous level and background"] = [
        "Yes" if w == "adjusted" else "No" for w, _ in models
    ]
    t.stats["Observations"] = [_n(m.n) for _, m in models]
    t.stats["Citizens (clusters)"] = [_n(m.n_citizens) for _, m in models]
    t.stats["R²"] = [_r2(m.r2) for _, m in models]
    t.notes = [
        "Outcome: progression standardised over each model's sample; no intercept, one dummy "
        "per combination (J job-focused, O up-skilling, S social, H health). d is centred on "
        "the sample's mean progression (the sources' convention), not on zero progression.",
        _CR2_NOTE,
        _STAR_KEY + "Romano-Wolf stepdown-adjusted over each model's family: every "
        "combination of every item (22 x 16 tests), not only the columns shown.",
    ]
    return t


def a5_table(results: Results) -> RegressionTable:
    """A5: the job model (linear probability of job or education within 52 weeks)."""
    jm = results.a5_job_chance.job_model
    t = RegressionTable("A5 Job or education within 52 weeks", ["LPM"])
    order = sorted(jm.terms, key=lambda r: (r.term != "level", r.rank))
    for r in order:
        label = {"level": r.item, "progression": f"Δ {r.item}"}.get(r.term, r.column)
        t.coefs[label] = [(r.coef, r.se, r.p_familywise)]
    t.stats["Background controls"] = [
        f"Yes ({jm.n_background_controls})" if jm.n_background_controls else "Yes"
    ]
    t.stats["Observations"] = [_n(jm.n_measurements)]
    t.stats["Citizens (clusters)"] = [_n(jm.n_citizens)]
    t.stats["R²"] = [_r2(jm.r2)]
    t.notes = [
        "Levels and progressions (Δ) of every indicator, job search (B10: searching and each "
        "channel among searchers) and the log reservation wage (B11, 50-2000 DKK/hour); "
        "missing answers set to the sample mean with a missing indicator.",
        _SE_NOTE,
        _STAR_KEY + f"Romano-Wolf stepdown-adjusted over the {len(jm.terms)} ranked terms.",
    ]
    return t


def a6_table(results: Results) -> RegressionTable:
    """A6: the 004 model without and with caseworker fixed effects, and the policy experiment."""
    a6 = results.a6_caseworkers
    t = RegressionTable("A6 Caseworker fixed effects", ["(1)", "(2)"])
    pe = a6.policy_experiment
    if pe is not None:
        t.coefs["Policy experiment: increase"] = [
            None,
            (pe.increase, pe.increase_se, pe.p_value),
        ]
    t.stats["Caseworker fixed effects"] = ["No", "Yes"]
    t.stats["Background and B1-B9"] = ["Yes", "Yes"]
    t.stats["Observations"] = [_n(a6.n_measurements)] * 2
    t.stats["Citizens (clusters)"] = [_n(a6.n_citizens)] * 2
    t.stats["Caseworkers"] = ["", _n(a6.n_caseworkers)]
    t.stats["R²"] = [_r2(a6.r2_without_fe), _r2(a6.r2_with_fe)]
    t.stats["R² within"] = ["", _r2(a6.r2_within)]
    t.notes = [
        "Outcome: job or education within 52 weeks. Policy experiment: every caseworker as "
        "effective as the top quartile's mean (delta-method standard error, quartiles taken "
        "as given).",
        _SE_NOTE,
        _STAR_KEY + "the policy experiment is the table's only test (a family of one).",
    ]
    return t


def a7_table(results: Results) -> RegressionTable:
    """A7: Poisson models of job or education within 52 weeks on caseworker changes and on a
    high-belief caseworker — the sources' models beside BIP's."""
    a7 = results.a7_change_belief
    ch, be = a7.change_effect, a7.belief_effect
    src_ch = ch.without_duration
    fe = ch.with_caseworker_fe
    models = [src_ch, ch, fe, be.sources_model, be]
    t = RegressionTable(
        "A7 Caseworker change and belief (Poisson)", ["(1)", "(2)", "(3)", "(4)", "(5)"]
    )
    ok = [m is not None and m.status == "ok" for m in models]
    cells: list[Cell | None] = [
        (m.coef, m.se, m.p_value) if m is not None and good else None
        for m, good in zip(models, ok, strict=True)
    ]
    adj = _holm([c[2] if c else None for c in cells])
    cells = [(c[0], c[1], a) if c else None for c, a in zip(cells, adj, strict=True)]
    t.coefs["Caseworker changes so far"] = [*cells[:3], None, None]
    t.coefs["High-belief caseworker"] = [None, None, None, *cells[3:]]
    t.stats["Time in programme"] = ["No", "Yes", "Yes", "No", "No"]
    t.stats["Caseworker fixed effects"] = ["No", "No", "Yes", "No", "No"]
    t.stats["Jobcentre fixed effects"] = ["No", "No", "No", "No", "Yes"]
    t.stats["Clustered by"] = ["citizen", "citizen", "citizen", "citizen", "caseworker, citizen"]
    t.stats["Observations"] = [_n(m.n_measurements) if m is not None else "" for m in models]
    t.stats["Citizens"] = [_n(m.n_citizens) if m is not None else "" for m in models]
    t.notes = [
        "Outcome: job or education within 52 weeks; coefficients in log points (exp(b) - 1 is "
        "the relative effect). (1) and (4) are the sources' models; (5) classifies a "
        "caseworker from at least "
        f"{be.min_other_citizens} other citizens' answers (leave-one-out).",
        "Standard errors clustered as the row says (CR1) in parentheses.",
        _STAR_KEY + "Holm-adjusted over the table's five coefficients.",
    ]
    return t


def all_tables(results: Results) -> list[RegressionTable]:
    """The regression tables of every model the package replicates."""
    out = [a1_table(results), a4_table(results)]
    if results.a5_job_chance.job_model.status == "ok":
        out.append(a5_table(results))
    if results.a6_caseworkers.status == "ok":
        out.append(a6_table(results))
    out.append(a7_table(results))
    return out


def decimals(se: float | None) -> int:
    """Decimals of a coefficient and its SE: at least 3, and enough for two significant
    digits of the SE (a per-week slope of 0.0033 with SE 0.0008 is not 0.003 (0.001))."""
    if se is None or se <= 0:
        return 3
    return int(min(6, max(3, 1 - math.floor(math.log10(se)))))


def _cells(t: RegressionTable, star_fmt=lambda s: s) -> list[list[str]]:
    """Body rows as text: a coefficient row (with its stars, as ``star_fmt`` writes them)
    and an (se) row per term, then the stats."""
    rows = []
    for term, cells in t.coefs.items():
        coef, se = [term], [""]
        for c in cells:
            if c is None:
                coef.append("")
                se.append("")
                continue
            k = decimals(c[1])
            mark = stars(c[2])
            coef.append("" if c[0] is None else f"{c[0]:.{k}f}" + (star_fmt(mark) if mark else ""))
            se.append("" if c[1] is None else f"({c[1]:.{k}f})")
        rows += [coef, se]
    return rows


def to_markdown(tables: list[RegressionTable]) -> str:
    """All tables as Markdown (a rule before the statistics rows, notes under each)."""
    out = []
    for t in tables:
        out += [f"### {t.title}", "", "| | " + " | ".join(t.columns) + " |"]
        out.append("|---|" + "---:|" * len(t.columns))
        for row in _cells(t, lambda s: s.replace("*", "\\*")):
            out.append("| " + " | ".join(row) + " |")
        for label, vals in t.stats.items():
            out.append(f"| {label} | " + " | ".join(vals) + " |")
        out += [""] + [f"*{n}*" for n in t.notes] + [""]
    return "\n".join(out)


def _tex(s: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
                 ("#", r"\#"), ("Δ", r"$\Delta$"), ("R²", r"$R^2$")):  # fmt: skip
        s = s.replace(a, b)
    return s


def _tex_cell(s: str) -> str:
    head, _, rest = s.partition("@STARS")
    if not rest:
        return _tex(s)
    return _tex(head) + "$^{" + rest.rstrip("@") + "}$"


def to_latex(tables: list[RegressionTable]) -> str:
    """All tables as LaTeX ``tabular`` environments (booktabs rules)."""
    out = ["% needs \\usepackage{booktabs}"]
    for t in tables:
        out += [
            "\\begin{table}[htbp]\\centering",
            f"\\caption{{{_tex(t.title)}}}",
            "\\begin{tabular}{l" + "c" * len(t.columns) + "}",
            "\\toprule",
            " & " + " & ".join(_tex(c) for c in t.columns) + " \\\\",
            "\\midrule",
        ]
        body = _cells(t, lambda s: f"@STARS{s}@")
        out += [" & ".join(_tex_cell(c) for c in row) + " \\\\" for row in body]
        out.append("\\midrule")
        for label, vals in t.stats.items():
            out.append(_tex(label) + " & " + " & ".join(_tex(v) for v in vals) + " \\\\")
        out += ["\\bottomrule", "\\end{tabular}"]
        out += [f"\\par\\footnotesize {_tex(n)}" for n in t.notes]
        out += ["\\end{table}", ""]
    return "\n".join(out)


def to_docx(tables: list[RegressionTable], path: Path | str) -> Path:
    """All tables in one Word document (python-docx), one titled table each."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    for t in tables:
        doc.add_heading(t.title, level=2)
        body = _cells(t) + [[label, *vals] for label, vals in t.stats.items()]
        table = doc.add_table(rows=1 + len(body), cols=1 + len(t.columns))
        table.style = "Table Grid"
        for j, c in enumerate(["", *t.columns]):
            table.cell(0, j).text = c
        for i, row in enumerate(body, start=1):
            for j, c in enumerate(row):
                table.cell(i, j).text = c
        for n in t.notes:
            p = doc.add_paragraph(n)
            for run in p.runs:
                run.font.size = Pt(8)
    path = Path(path)
    doc.save(str(path))
    return path


def write_tables(results: Results, out_dir: Path | str, stem: str = "tables") -> list[Path]:
    """``<stem>.md``, ``<stem>.tex`` and ``<stem>.docx`` of :func:`all_tables` in ``out_dir``."""
    out_dir = Path(out_dir)
    tables = all_tables(results)
    md = out_dir / f"{stem}.md"
    md.write_text(to_markdown(tables), "utf-8")
    tex = out_dir / f"{stem}.tex"
    tex.write_text(to_latex(tables), "utf-8")
    return [md, tex, to_docx(tables, out_dir / f"{stem}.docx")]
