"""What a reader sees: every edition of the report (da/en, analyst/manager) rendered from real
results of a small synthetic cohort, its visible text (the page's and the charts') scanned for
what must never reach a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from bip.report.i18n import LOCALE_DIR

EDITIONS = [("da", "analyst"), ("da", "manager"), ("en", "analyst"), ("en", "manager")]


class _Text(HTMLParser):
    """Visible text: every text node outside <style>, figure text (SVG <text>) included; and
    the text of each table cell with its column header."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.rows: list[list[str]] = []
        self.heads: list[str] = []
        self.cell: list[str] | None = None
        self.tables: list[tuple[list[str], list[list[str]]]] = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")  # every element here starts a new word (captions, cells, spans)
        if tag == "style":
            self.skip += 1
        elif tag == "table":
            self.heads, self.rows = [], []
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip -= 1
        elif tag in ("td", "th") and self.cell is not None:
            text = "".join(self.cell).strip()
            (self.heads if tag == "th" else self.rows[-1]).append(text)
            self.cell = None
        elif tag == "table":
            self.tables.append((self.heads, [r for r in self.rows if r]))
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)
            if self.cell is not None:
                self.cell.append(data)


def _read(doc: str) -> _Text:
    p = _Text()
    p.feed(doc)
    return p


@pytest.fixture(scope="module")
def pages(rendered) -> dict:
    return {e: _read(doc) for e, doc in rendered.items()}


def _text(page: _Text) -> str:
    return re.sub(r"\s+", " ", "".join(page.parts))


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_key_identifier_path_or_pointer_reaches_the_page(
    pages, rendered, small_results, edition
):
    text = _text(pages[edition])
    snake = sorted(set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text)))
    assert not snake, f"snake_case identifiers on the page: {snake[:10]}"
    camel = sorted(set(re.findall(r"\b[a-z]+[A-Z]\w*\b", text)))
    assert not camel, f"identifiers on the page: {camel[:10]}"
    for pointer in ("docs/", "src/", "tests/", ".py", ".yaml", ".json", "SPEC", "issue "):
        assert pointer not in text, f"{pointer!r} on the page"
    assert not re.search(r"(?<![\w.])/(?:[\w.-]+/)+", text), "a file path on the page"
    assert small_results.meta.dataset_path not in rendered[edition]  # not even in the markup
    assert "sha256:" not in text and small_results.meta.dataset_fingerprint not in text
    assert not re.search(r"\b(None|nan|NaN|inf|True|False)\b", text)
    assert "Traceback" not in text and "Error" not in text


@pytest.mark.parametrize("edition", [("da", "manager"), ("en", "analyst")])
def test_the_tables_page_shows_no_identifier_or_path(small_results, edition):
    from bip.report.render import tables_html

    doc = tables_html(small_results, lang=edition[0], audience=edition[1])
    text = _text(_read(doc))
    assert not re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text)
    assert not re.search(r"(?<![\w.])/(?:[\w.-]+/)+", text) and "docs/" not in text
    assert small_results.meta.dataset_path not in doc


# English words that are no Danish words: one on the Danish page is English left untranslated
ENGLISH = {
    "the",
    "and",
    "with",
    "which",
    "of",
    "are",
    "from",
    "this",
    "that",
    "between",
    "without",
    "share",
    "shares",
    "citizen",
    "citizens",
    "caseworker",
    "caseworkers",
    "measurement",
    "measurements",
    "published",
    "ours",
    "shrunken",
    "raw",
    "quartile",
    "quartiles",
    "effect",
    "effects",
    "source",
    "table",
    "figure",
    "weeks",
    "none",
    "job-focused",
    "health",
    "employed",
    "education",
    "section",
    "slide",
    "text",
    "footnote",
    "average",
    "mean",
    "lower",
    "upper",
    "estimate",
    "unadjusted",
    "adjusted",
    "women",
    "married",
}


@pytest.mark.parametrize("audience", ["analyst", "manager"])
def test_the_danish_edition_has_no_english(pages, audience):
    text = _text(pages[("da", audience)])
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", text)}
    assert not words & ENGLISH, sorted(words & ENGLISH)
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "report.po").open("rb") as fh:
        english = read_po(fh)
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "report.po").open("rb") as fh:
        danish = {m.id: m.string for m in read_po(fh) if m.id}
    for m in english:  # no English message (a sentence, a title) that Danish words differently
        if isinstance(m.id, str) and len(m.id) > 12 and danish.get(m.id) != m.string:
            fixed = re.split(r"\{\w+\}", m.string)
            for piece in fixed:
                if len(piece.strip()) > 12:
                    assert piece.strip() not in text, f"English on the Danish page: {piece!r}"


def _numbers(text: str) -> list[str]:
    return re.findall(r"(?<![\w.,])[−-]?\d[\d.,]*\d|(?<![\w.,])\d", text)


@pytest.mark.parametrize("audience", ["analyst", "manager"])
def test_danish_numbers_have_decimal_commas_charts_included(pages, rendered, audience):
    text = _text(pages[("da", audience)])
    text = re.sub(r"BIP \d+\.\d+\.\d+", "", text)  # the version number
    text = re.sub(r"\b\d{1,2}\.\d{1,2}\.\d{2}\b", "", text)  # a time of day (10.12.35)
    for n in _numbers(text):
        if "." in n:  # a dot separates thousands only: groups of exactly three digits
            assert re.fullmatch(r"[−-]?\d{1,3}(\.\d{3})+(,\d+)?", n), f"not Danish: {n!r}"
    svg = "".join(re.findall(r"<svg.*?</svg>", rendered[("da", audience)], flags=re.S))
    ticks = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert any(re.fullmatch(r"[−-]?\d+,\d+", t.strip()) for t in ticks), (
        "no decimal comma in charts"
    )
    assert not [t for t in ticks if re.fullmatch(r"[−-]?\d+\.\d+", t.strip())], (
        "decimal point in a chart"
    )


def test_english_numbers_have_decimal_points(pages):
    text = _text(pages[("en", "analyst")])
    for n in _numbers(text):
        if "," in n:
            assert re.fullmatch(r"[−-]?\d{1,3}(,\d{3})+(\.\d+)?", n), f"not English: {n!r}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_percentage_points_are_never_printed_as_percent(pages, edition):
    unit = "pct.-point" if edition[0] == "da" else "percentage point"
    page = pages[edition]
    text = _text(page)
    assert not re.search(r"%\s*" + re.escape(unit), text)
    checked = 0
    for heads, rows in page.tables:
        pp_cols = {i for i, h in enumerate(heads) if unit in h}
        for row in rows:
            cells = [c for i, c in enumerate(row) if i in pp_cols or unit in row[0]]
            if unit in row[0]:
                cells = row[1:]
            for c in cells:
                assert "%" not in c, f"{c!r} in a percentage-point cell ({heads}, {row[0]!r})"
                checked += 1
    assert checked > 20  # the caseworker tables hold percentage points
