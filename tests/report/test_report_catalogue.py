"""The one message catalogue: every msgid of the code and templates in both languages, the
committed .mo files compiled from their .po files, plurals, and no silent fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bip.report.i18n import KEYWORDS, LANGS, LOCALE_DIR, MissingMessage, catalogue, mo_path

REPORT = Path(__file__).parents[2] / "src" / "bip" / "report"
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _po(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "report.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _messages(cat) -> dict:
    """(context, msgid) -> msgstr; a plural's msgid and msgstr as tuples (.mo reads lists)."""

    def norm(x):
        return tuple(x) if isinstance(x, list | tuple) else x

    return {(m.context, norm(m.id)): norm(m.string) for m in cat if m.id}


@pytest.fixture(scope="module")
def used() -> set:
    """(context, msgid) of every message the report's code and templates use."""
    out = set()
    for _file, _line, msg, _comments, ctx in extract_from_dir(
        REPORT, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        out.add((ctx, msg))
    return out


def test_the_extraction_finds_the_code_and_the_templates(used):
    ids = {m for _, m in used}
    assert "Contents" in ids  # templates/report.html
    assert "Size of the dataset" in ids  # sections/data.py
    assert any(isinstance(m, tuple) for m in ids)  # plurals (n_)
    assert len(ids) > 300


@pytest.mark.parametrize("lang", LANGS)
def test_every_msgid_in_code_and_templates_is_translated(used, lang):
    have = _messages(_po(lang))
    missing = sorted(str(m) for m in used if m not in have)
    assert not missing, f"{lang}/report.po lacks {missing[:5]} (bash scripts/report-messages.sh)"
    empty = sorted(
        str(m) for m in used if not all(have[m] if isinstance(have[m], tuple) else [have[m]])
    )
    assert not empty, f"{lang}/report.po: no translation of {empty[:5]}"
    stale = sorted(str(m) for m in have if m not in used)
    assert not stale, f"{lang}/report.po holds messages no code uses: {stale[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_committed_mo_is_its_po_compiled(lang):
    with mo_path(lang).open("rb") as fh:
        mo = read_mo(fh)
    po = _po(lang)
    assert _messages(mo) == _messages(po), (
        f"{lang}/report.mo differs from report.po: run bash scripts/report-messages.sh compile"
    )
    assert mo.plural_forms == po.plural_forms == "nplurals=2; plural=(n != 1);"


def test_danish_differs_from_english_where_a_word_does():
    da, en = _messages(_po("da")), _messages(_po("en"))
    same = {m for m in da if da[m] == en[m]}
    # words that are the same in both languages (names, abbreviations, "Progression")
    assert len(same) < 15, sorted(same)


def test_plurals_follow_the_number():
    da, en = catalogue("da"), catalogue("en")
    one, many = (
        "{n} citizen was measured from {first} to {last}",
        "{n} citizens were measured from {first} to {last}",
    )
    assert da.n_(one, many, 1).startswith("{n} borger blev")
    assert da.n_(one, many, 2).startswith("{n} borgere blev")
    assert da.n_(one, many, 0).startswith("{n} borgere blev")
    assert en.n_(one, many, 1).startswith("{n} citizen was")
    assert en.n_(one, many, 3).startswith("{n} citizens were")


def test_the_data_section_says_1_borger_and_2_borgere(small_results):
    from bip.report.sections import data
    from bip.report.sections.base import Ctx

    a8 = small_results.a8_cohort
    for n, da, en in (
        (1, "1 borger blev målt", "1 citizen was measured"),
        (2, "2 borgere blev målt", "2 citizens were measured"),
    ):
        r = small_results.model_copy(
            update={
                "a8_cohort": a8.model_copy(
                    update={"n_citizens": n, "n_citizens_with_persons_row": n}
                )
            }
        )
        assert da in data.build(r, Ctx("da", "analyst"))[1].text
        assert en in data.build(r, Ctx("en", "analyst"))[1].text


def test_an_unknown_message_is_an_error_not_english():
    with pytest.raises(MissingMessage, match="da: no translation"):
        catalogue("da")._("A sentence nobody translated")
    with pytest.raises(MissingMessage):
        catalogue("en").n_("one thing", "{n} things", 2)
    with pytest.raises(ValueError, match="lang"):
        catalogue("sv")
