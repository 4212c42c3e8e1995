"""The report's one message catalogue: gettext ``.po``/``.mo`` files for Danish and English.

Every visible word of the report, its tables page and the exports' variable labels is a
msgid (English) looked up in ``locale/<lang>/LC_MESSAGES/report.mo``; the compiled ``.mo``
files are committed beside their ``.po`` sources (``bash scripts/report-messages.sh``
extracts, updates and compiles them, docs/report.md). A msgid missing from a catalogue is a
bug, not a silent English fallback: :class:`Catalogue` raises :class:`MissingMessage`.

Code marks messages as ``c._("...")``, ``c.n_("singular", "plural", n)`` (plurals: "1
borger", "2 borgere"), ``c.p_("context", "...")`` for a word whose translation depends on
where it stands, and module constants as ``N_("...")`` (translated where they are shown).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LANGS = ("da", "en")
DOMAIN = "report"
LOCALE_DIR = Path(__file__).with_name("locale")
# Babel's keyword specification of the calls above (extraction and the catalogue test).
KEYWORDS: dict[str, object] = {
    "_": None,
    "N_": None,
    "n_": (1, 2),
    "p_": ((1, "c"), 2),
}


class MissingMessage(LookupError):
    """A msgid that the language's catalogue does not hold."""


def N_(message: str) -> str:
    """Mark a module-level message for extraction; it is translated where it is shown."""
    return message


class _Strict(gettext.GNUTranslations):
    """GNU translations that refuse an unknown msgid instead of echoing it."""

    lang = ""

    def gettext(self, message: str) -> str:
        try:
            return self._catalog[message]  # type: ignore[attr-defined]
        except KeyError:
            raise MissingMessage(f"{self.lang}: no translation of {message!r}") from None

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        key = (msgid1, self.plural(n))  # type: ignore[attr-defined]
        try:
            return self._catalog[key]  # type: ignore[attr-defined]
        except KeyError:
            raise MissingMessage(f"{self.lang}: no plural of {msgid1!r}") from None

    def pgettext(self, context: str, message: str) -> str:
        key = "\x04".join((context, message))  # how a .mo file stores a message with context
        return self.gettext(key)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        key = "\x04".join((context, msgid1))
        return self.ngettext(key, msgid2, n)


def mo_path(lang: str) -> Path:
    """The compiled catalogue of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (``da`` or ``en``), read once."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    with mo_path(lang).open("rb") as fh:
        t = _Strict(fh)
    t.lang = lang
    return Catalogue(lang, t)


class Catalogue:
    """Translated messages of one language."""

    def __init__(self, lang: str, translations: gettext.GNUTranslations):
        self.lang = lang
        self.translations = translations

    def _(self, message: str) -> str:
        """The translation of ``message``."""
        return self.translations.gettext(message)

    def n_(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n`` (the language's plural rule)."""
        return self.translations.ngettext(singular, plural, n)

    def p_(self, context: str, message: str) -> str:
        """The translation of ``message`` where ``context`` says which sense it has."""
        return self.translations.pgettext(context, message)
