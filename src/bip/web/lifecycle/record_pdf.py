"""Right of access as a PDF: the citizen's record (``selectors.record``) printed in Danish or
English, with the questionnaire's own labels, through the report's Chromium printer."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from bip.instrument import B10_CHANNELS, B_ITEMS, S1_OPTIONS, S_ITEMS, Instrument

WORDS = {
    "da": {
        "title": "Indsigt: alt hvad BIP har gemt om borgeren",
        "made": "Udskrevet",
        "citizen": "Borger (pseudonym)",
        "jobcenter": "Jobcenter",
        "enrolled": "Tilmeldt",
        "caseworker": "Sagsbehandler",
        "measurements": "Målinger",
        "measured_on": "Dato",
        "version": "Spørgeskemaversion",
        "saved_by": "Senest gemt af",
        "status": "Jobsøgning",
        "channels": "Søgekanaler",
        "wage": "Reservationsløn (kr. i timen)",
        "activities": "Aktiviteter (S1)",
        "periods": "Sagsbehandlerperioder",
        "from": "Fra",
        "reason": "Begrundelse",
        "audit": "Hvem har set eller ændret oplysningerne",
        "when": "Tidspunkt",
        "who": "Bruger",
        "what": "Handling",
        "none": "ingen",
        "no_answer": "–",
    },
    "en": {
        "title": "Right of access: everything BIP stores about the citizen",
        "made": "Printed",
        "citizen": "Citizen (pseudonym)",
        "jobcenter": "Jobcentre",
        "enrolled": "Enrolled",
        "caseworker": "Caseworker",
        "measurements": "Measurements",
        "measured_on": "Date",
        "version": "Questionnaire version",
        "saved_by": "Last saved by",
        "status": "Job search",
        "channels": "Search channels",
        "wage": "Reservation wage (DKK per hour)",
        "activities": "Activities (S1)",
        "periods": "Caseworker periods",
        "from": "From",
        "reason": "Reason",
        "audit": "Who saw or changed the data",
        "when": "When",
        "who": "User",
        "what": "Action",
        "none": "none",
        "no_answer": "–",
    },
}
CSS = (
    "body{font-family:sans-serif;font-size:10pt;margin:1.5cm}h1{font-size:15pt}"
    "h2{font-size:12pt;margin-top:1.2em}table{border-collapse:collapse;width:100%;margin:.4em 0}"
    "th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}"
    "th{background:#eee}"
)


def _e(v) -> str:
    return html.escape("" if v is None else str(v))


def _num(v: float | None, lang: str) -> str:
    if v is None:
        return ""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "da" else text


def record_html(record: dict, inst: Instrument, lang: str = "da") -> str:
    """The record as one HTML page in ``lang`` ("da" or "en")."""
    w = WORDS[lang]
    na = {k: v.get(lang) or v["da"] for k, v in inst.raw.get("non_answers", {}).items()}
    b10 = inst.items["B10"].extra
    s1 = {n: text for n, _g, text in inst.s1_options(lang)}
    c = record["citizen"]
    out = [
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(w['title'])}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(w['title'])}</h1><table>",
        *(
            f"<tr><th>{_e(w[k])}</th><td>{_e(v)}</td></tr>"
            for k, v in (
                ("citizen", c["citizen_id"]),
                ("jobcenter", c["jobcenter_id"]),
                ("enrolled", c["enrolled_on"]),
                ("caseworker", c["caseworker_id"]),
                ("made", record["made_at"]),
            )
        ),
        f"</table><h2>{_e(w['measurements'])}</h2>",
    ]
    for m in record["measurements"]:
        a, non = m["answers"], m["nonanswers"]
        rows = [
            (w["measured_on"], m["measured_on"]),
            (w["caseworker"], m["caseworker_id"]),
            (w["version"], m["questionnaire_version"]),
            (w["saved_by"], f"{m['updated_by'] or ''} {m['updated_at']}"),
        ]
        for item in (*B_ITEMS, *S_ITEMS):
            value = a.get(item)
            shown = value if value is not None else na.get(non.get(item, ""), w["no_answer"])
            rows.append((f"{item} {inst.items[item].text(lang)}", shown))
        status = a.get("B10_status")
        if status:
            rows.append(
                (w["status"], b10["status"][status].get(lang) or b10["status"][status]["da"])
            )
        used = [b10["channels"][ch].get(lang) for ch in B10_CHANNELS if a.get(f"B10_{ch}") == 1]
        rows.append((w["channels"], ", ".join(x or "" for x in used) or w["none"]))
        rows.append((w["wage"], _num(a.get("B11"), lang)))
        ticked = [s1[n] for n in S1_OPTIONS if a.get(f"S1_{n}") == 1]
        rows.append((w["activities"], "; ".join(ticked) or w["none"]))
        out.append("<table>")
        out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows]
        out.append("</table>")
    out.append(f"<h2>{_e(w['periods'])}</h2><table>")
    out.append(
        f"<tr><th>{_e(w['from'])}</th><th>{_e(w['caseworker'])}</th><th>{_e(w['reason'])}</th></tr>"
    )
    for p in record["caseworker_periods"]:
        out.append(
            f"<tr><td>{_e(p['started_on'])}</td><td>{_e(p['caseworker_id'])}</td>"
            f"<td>{_e(p['reason'])}</td></tr>"
        )
    out.append(f"</table><h2>{_e(w['audit'])}</h2><table>")
    out.append(f"<tr><th>{_e(w['when'])}</th><th>{_e(w['who'])}</th><th>{_e(w['what'])}</th></tr>")
    for e in record["audit"]:
        out.append(
            f"<tr><td>{_e(e['at'])}</td><td>{_e(e['username'])}</td><td>{_e(e['action'])}</td></tr>"
        )
    out.append("</table></body></html>")
    return "\n".join(out)


def record_pdf(record: dict, inst: Instrument, lang: str = "da") -> bytes:
    """The record printed to PDF (raises ``bip.report.pdf.PdfUnavailable`` without Chromium)."""
    from bip.report.pdf import print_pdf

    with tempfile.TemporaryDirectory(prefix="bip-record-") as tmp:
        page = Path(tmp) / "record.html"
        page.write_text(record_html(record, inst, lang), encoding="utf-8")
        return print_pdf(page, Path(tmp) / "record.pdf").read_bytes()
