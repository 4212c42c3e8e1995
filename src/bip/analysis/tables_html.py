"""A plain HTML page of the result tables (the report branch renders the real report)."""

from __future__ import annotations

import html

from bip.panel import ALL_ITEMS


def _fmt(v, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}".replace(",", ".")
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return html.escape(str(v))


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_tables(results: dict) -> str:
    """Self-contained HTML with the A1-A4, A8 and A9 tables of ``results``."""
    parts = []
    ds = results["dataset"]
    parts.append("<h2>Dataset</h2>" + _table(list(ds), [list(ds.values())]))
    a1 = results["a1_progression"]
    parts.append(
        "<h2>A1 Progression (003 Tabel 1)</h2>"
        + _table(
            [
                "item",
                "mean",
                "n",
                "citizens",
                "unchanged",
                "up",
                "down",
                "slope/week",
                "CI low",
                "CI high",
            ],
            [
                [
                    i,
                    r["mean"],
                    r["n"],
                    r["n_citizens"],
                    r["share_unchanged"],
                    r["share_up"],
                    r["share_down"],
                    a1["weeks_regression"][i]["slope_per_week"],
                    a1["weeks_regression"][i]["ci_low"],
                    a1["weeks_regression"][i]["ci_high"],
                ]
                for i, r in a1["items"].items()
            ],
        )
    )
    wb = a1["weeks_between"]
    parts.append(
        f"<p>Mean weeks between measurements: {_fmt(wb['mean'], 2)} (n = {_fmt(wb['n'])}); "
        f"share within 13 weeks: {_fmt(wb['share_within_13_weeks'])}</p>"
    )
    a2 = results["a2_activities"]
    parts.append(
        "<h2>A2 Activity combinations (003 Tabel 3)</h2>"
        + _table(
            ["JOSH", "n", "share", "citizens"],
            [[c, r["n"], r["share"], r["n_citizens"]] for c, r in a2["codes"].items()]
            + [[k, r["n"], r["share"], r["n_citizens"]] for k, r in a2["derived"].items()],
        )
    )
    a3 = results["a3_background"]
    by_var: dict = {}
    for r in a3["rows"]:
        by_var.setdefault((r["table"], r["variable"]), {})[r["group"]] = r["value"]
    parts.append(
        "<h2>A3 Background by activity group (003 Tabel 4-11)</h2>"
        + _table(
            ["table", "variable", "J", "O", "S", "H", "none"],
            [
                [t, v, *(g.get(k) for k in ("J", "O", "S", "H", "none"))]
                for (t, v), g in by_var.items()
            ],
        )
    )
    a4 = results["a4_combination_effects"]
    for model in ("naive", "adjusted"):
        parts.append(f"<h2>A4 Effect sizes by combination, {model} model (003 Figur 3-24)</h2>")
        for item in ALL_ITEMS:
            res = a4[model][item]
            parts.append(
                f"<h3>{item} (n = {_fmt(res['n'])}, citizens = {_fmt(res['n_citizens'])})</h3>"
                + _table(
                    ["JOSH", "d", "CI low", "CI high", "percentile", "n"],
                    [
                        [c, r["estimate"], r["ci_low"], r["ci_high"], r["percentile"], r["n"]]
                        for c, r in res["codes"].items()
                    ],
                )
            )
    a8 = results["a8_cohort"]
    parts.append(
        "<h2>A8 Cohort profile</h2>"
        + _table(
            ["variable", "value", "citizens", "published id"],
            [[r["variable"], r["value"], r["n_citizens"], r["published_id"]] for r in a8["rows"]],
        )
    )
    a9 = results["a9_data_quality"]
    keys = [
        "n_citizens",
        "n_measurements",
        "measurements_per_citizen_mean",
        "mean_weeks_between",
        "share_within_13_weeks",
        "share_citizen_part",
        "share_caseworker_part",
        "share_unknown_combination",
        "n_contradictory_s1",
    ]
    parts.append(
        "<h2>A9 Data quality by jobcentre</h2>"
        + _table(
            ["jobcentre", *keys],
            [[r["jobcenter"], *(r[k] for k in keys)] for r in [*a9["rows"], a9["all"]]],
        )
    )
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}"
    )
    return (
        f'<!DOCTYPE html><html lang="{html.escape(results["meta"]["lang"])}"><head><meta charset="utf-8">'
        f"<title>BIP results tables</title><style>{style}</style></head><body><h1>BIP results tables</h1>"
        f"<p>schema {html.escape(results['meta']['schema'])}, generated {html.escape(results['meta']['generated_at'])}</p>"
        + "".join(parts)
        + "</body></html>"
    )
