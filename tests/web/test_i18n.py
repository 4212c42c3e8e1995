"""The web catalogue: every visible string has a Danish translation, the committed .mo is
compiled from the committed .po, plurals work, and Danish pages show no English."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

WEB = Path(__file__).resolve().parents[2] / "src" / "bip" / "web"
PO = WEB / "core" / "locale" / "da" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def _extract(code: str) -> set[str]:
    found = set()
    for _line, _func, msg, _comments in extract_python(io.BytesIO(code.encode()), KEYWORDS, [], {}):
        found.add(msg if isinstance(msg, str) else msg[0])
    return found


def source_msgids() -> set[str]:
    """Every msgid in the web tool's templates and Python, as ``makemessages`` would find them
    (templates through Django's own ``templatize``), without gettext tools."""
    ids = set()
    for path in WEB.rglob("*.html"):
        ids |= _extract(templatize(path.read_text(encoding="utf-8"), origin=str(path)))
    for path in WEB.rglob("*.py"):
        if "migrations" not in path.parts:
            ids |= _extract(path.read_text(encoding="utf-8"))
    return {i for i in ids if i}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="da")


def test_every_string_has_a_danish_translation():
    cat = _catalogue()
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id and m.string}
    missing = sorted(source_msgids() - translated)
    assert not missing, "add these to django.po and run scripts/i18n.sh:\n" + "\n".join(missing)


def test_committed_mo_is_compiled_from_the_po(tmp_path):
    """Fails when the .po was changed without recompiling (scripts/i18n.sh)."""
    fresh = tmp_path / "django.mo"
    with fresh.open("wb") as f:
        write_mo(f, _catalogue())
    with fresh.open("rb") as a, MO.open("rb") as b:
        want, have = gettext.GNUTranslations(a)._catalog, gettext.GNUTranslations(b)._catalog
    # the header ("") holds the time of compiling; every message must be the same
    want.pop("", None), have.pop("", None)
    assert have == want, "django.mo is stale: run scripts/i18n.sh"


@pytest.mark.parametrize(("n", "word"), [(1, "borger:"), (2, "borgere:"), (0, "borgere:")])
def test_plurals(n, word):
    from django.utils import translation

    with translation.override("da"):
        text = translation.ngettext(
            "%(n)s citizen: %(o)s overdue, %(d)s due, %(v)s never measured.",
            "%(n)s citizens: %(o)s overdue, %(d)s due, %(v)s never measured.",
            n,
        ) % {"n": n, "o": 0, "d": 0, "v": 0}
    assert text.startswith(f"{n} {word}")


def test_danish_pages_show_no_english(login, world):
    """Pages that are wholly the tool's own text: a few English words that would only appear
    untranslated must not occur in the Danish edition."""
    from django.urls import reverse

    english = ("Caseload", "Log out", "Change password", "Find citizen", "Your answers",
               "Hand the tablet", "citizens:", "Users", "Audit log", "Flagged")  # fmt: skip
    pages = {
        "caseworker": [reverse("caseload"), reverse("find"), reverse("password_change"),
                       reverse("measurement_new", args=[world.citizens["A"].citizen_id, "citizen"])],
        "admin": [reverse("admin_users"), reverse("admin_audit")],
    }  # fmt: skip
    for role, urls in pages.items():
        client = login(role)
        for url in urls:
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
            for word in english:
                assert word not in html, (url, word)
    client = login("caseworker")
    client.post(reverse("kiosk_start", args=[world.citizens["A"].citizen_id]))
    html = client.get(reverse("kiosk")).content.decode()
    assert "Dine svar" in html and "Your answers" not in html
