"""Audit details and analysis-run log lines in the interface language.

Both are recorded in English, the same for every reader (the audit CSV and the database keep
them so); the pages show them through these patterns. Ids, field names, numbers and dates stay
as recorded. A text no pattern knows is shown as recorded, marked as English (``lang="en"``).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from bip.web.core.labels import REGISTERS

PARTS = {
    "both": _("both parts"),
    "citizen": _("the citizen's part"),
    "caseworker": _("the caseworker's part"),
}
HOW = {"new": _("new"), "updated": _("updated")}
# the dataset's tables (``validating <table>``): the tool's own four and the registers
TABLES = {
    "jobcenters": _("jobcentres"),
    "caseworkers": _("caseworkers"),
    "citizens": _("citizens"),
    "measurements": _("measurements"),
    **REGISTERS,
}

# whole texts
FIXED = {
    "found": _("found"),
    "set": _("set"),
    "cleared": _("removed"),
    "first login": _("first login"),
    "already enrolled": _("already enrolled"),
    "absent; not enrolled": _("not found; not enrolled"),
    "absent; enrolled at another jobcentre": _("not found; enrolled at another jobcentre"),
    "one jobcentre, pseudonymous": _("one jobcentre, pseudonymous"),
    "measurements": _("measurements"),
    "first measurement": _("first measurement"),
    "done": _("done"),
    "fingerprint": _("fingerprint of the data"),
    "validating the dataset": _("validating the dataset"),
    "writing results": _("writing results"),
    "writing the report (HTML and PDF)": _("writing the report (HTML and PDF)"),
    "writing the report (HTML)": _("writing the report (HTML)"),
    "packing the dataset": _("packing the dataset"),
    "exporting the tool's data": _("exporting the tool's data"),
    "panel: measurements": _("panel: measurements"),
    "panel: outcomes from registers": _("panel: outcomes from registers"),
    "panel: background from registers": _("panel: background from registers"),
    "A1 progression": _("A1 progression"),
    "A2 activities": _("A2 activities"),
    "A3 background by activity group": _("A3 background by activity group"),
    "A4 combination effects": _("A4 combination effects"),
    "A5 job chance": _("A5 job chance"),
    "A6 caseworkers": _("A6 caseworkers"),
    "A7 change and belief": _("A7 change and belief"),
    "A8 cohort profile": _("A8 cohort profile"),
    "A9 data quality": _("A9 data quality"),
    # how a login went (signals.py, throttle.py, signin/)
    "password": _("password"),
    "password and TOTP": _("password and TOTP code"),
    "password and recovery code": _("password and recovery code"),
    "single sign-on": _("single sign-on"),
    "from single sign-on": _("from single sign-on"),
    "second factor wrong": _("wrong second-factor code"),
    "second factor missing": _("second factor missing"),
    "authenticator app and recovery codes": _("authenticator app and recovery codes"),
    "interrupted: the server process running it stopped": _(
        "interrupted: the server process running it stopped"
    ),
}

# patterns, each with the words of its translation; named groups are kept as recorded, except
# ``part`` and ``how`` (words above)
PATTERNS = [
    (r"citizen (?P<c>\S+) part (?P<part>\w+)", _("citizen %(c)s, %(part)s")),
    (r"part (?P<part>\w+)", _("%(part)s")),
    (
        r"part (?P<part>\w+) step (?P<s>\d) (?P<how>new|updated): (?P<f>.*)",
        _("%(part)s, step %(s)s, %(how)s: %(f)s"),
    ),
    (r"invalid: (?P<f>.*)", _("invalid: %(f)s")),
    (
        r"team=(?P<t>\S*) start=(?P<a>\S*) end=(?P<b>\S*)",
        _("team: %(t)s, from: %(a)s, to: %(b)s"),
    ),
    (
        r"(?P<fmt>csv|xlsx) team=(?P<t>\S*) start=(?P<a>\S*) end=(?P<b>\S*)",
        _("%(fmt)s, team: %(t)s, from: %(a)s, to: %(b)s"),
    ),
    (r"(?P<n>\d+) citizens, page (?P<p>\d+)", _("%(n)s citizens, page %(p)s")),
    (r"(?P<n>\d+) citizens", _("%(n)s citizens")),
    (r"(?P<a>\S+) -> (?P<b>\S+) from (?P<d>\S+)", _("%(a)s → %(b)s from %(d)s")),
    (r"(?P<n>\d+) rows, (?P<f>.+)", _("%(n)s rows, %(f)s")),
    (r"address (?P<a>\S*)", _("address %(a)s")),
    (r"validating (?P<t>\S+)", _("validating %(t)s")),
    (r"locked for (?P<n>\d+) s", _("locked for %(n)s s")),
    (r"(?P<n>\d+) s left", _("%(n)s s left")),
    (r"(?P<n>\d+) left", _("%(n)s left")),
    (r"(?P<n>\d+) new recovery codes", _("%(n)s new recovery codes")),
    (
        r"(?P<n>\d+) authenticators and recovery-code sets removed",
        _("%(n)s authenticators and recovery-code sets removed"),
    ),
    (r"exporting the panel \((?P<f>\w+)\)", _("exporting the panel (%(f)s)")),
    (r"PDF, (?P<l>da|en)", _("PDF, %(l)s")),
    (
        r"idle for more than (?P<n>\d+) minutes",
        _("idle for more than %(n)s minutes"),
    ),
    (
        r"session lifetime of (?P<n>\d+) minutes reached",
        _("session lifetime of %(n)s minutes reached"),
    ),
]
_COMPILED = [(re.compile(p + r"\Z"), words) for p, words in PATTERNS]


def _word(group: str, value: str) -> str:
    if group in ("part", "how"):
        return str(PARTS.get(value, HOW.get(value, value)))
    if group == "t" and value.split(".")[0] in TABLES:
        return str(TABLES[value.split(".")[0]])
    return value


def in_words(text: str) -> tuple[str, bool]:
    """(``text`` in the interface language, True) — or (``text`` as recorded, False)."""
    if not text:
        return "", True
    if text in FIXED:
        return str(FIXED[text]), True
    for rx, words in _COMPILED:
        m = rx.match(text)
        if m:
            values = {k: _word(k, v) for k, v in m.groupdict().items()}
            return str(words) % values, True
    if "; " in text:  # a detail of several parts ("address …; password and TOTP"), each known
        parts = [in_words(p) for p in text.split("; ")]
        if all(known for _w, known in parts):
            return "; ".join(w for w, _k in parts), True
    return text, False


LOG_LINE = re.compile(r"(?P<t>\d\d:\d\d:\d\d) (?P<rest>.*)\Z")


def log_lines(log: str) -> list[tuple[str, bool]]:
    """An analysis run's log, line by line, each as :func:`in_words` gives it (the time kept)."""
    out = []
    for line in (log or "").splitlines():
        m = LOG_LINE.match(line)
        if m:
            words, known = in_words(m["rest"])
            out.append((f"{m['t']} {words}", known))
        else:
            out.append(in_words(line))
    return out
