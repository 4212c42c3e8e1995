"""The Stata do-file, checked without Stata: balanced blocks, quotes and macro quotes; only
built-in commands; and every variable it names exists in panel.dta or is made by the file.

The checker expands no macros: a token built from one (``m_`v'``) is a generated name, and
the lists the macros run over (the specification block) are checked against the .dta
directly, together with the length of every name generated from them (Stata: 32).
"""

from __future__ import annotations

import re

import pyreadstat
import pytest

COMMANDS = {
    "areg", "by", "bysort", "capture", "clear", "confirm", "continue", "count", "display",
    "drop", "egen", "else", "end", "export", "foreach", "forvalues", "gen", "global", "if",
    "keep", "list", "local", "post", "postclose", "postfile", "predict", "program",
    "quietly", "regress", "replace", "return", "save", "set", "sort", "summarize", "syntax",
    "tabulate", "tempfile", "tempname", "unab", "use", "version",
    "bip_impute", "bip_background",  # defined in the file
}  # fmt: skip
# Stata words that are not variables: options, types, functions, results, keywords.
WORDS = {
    "abs", "absorb", "as", "byte", "clean", "cluster", "cond", "d", "define", "delimited",
    "double", "e", "exp", "floor", "fweight", "generate", "in", "invttail", "local", "long",
    "missing", "mod", "more", "noconstant", "noobs", "of", "off", "r", "rclass", "real",
    "result", "str16", "str24", "str64", "text", "total", "ttail", "using", "varlist", "vce",
    "group", "tag", "rowmiss", "variable", "ibn", "comb_no", "vars", "drop", "replace",
    "_b", "_se", "_cons", "_n", "_N", "_rc", "df_r", "N", "N_clust", "r2", "mean", "sd",
    "all", "model", "item", "term", "stat", "value", "policy", "quartile", "weeks",
    "intercept", "estimate", "se", "ci_low", "ci_high", "p_value", "n", "n_citizens",
    "se_cr1", "ci_low_cr1", "ci_high_cr1", "p_value_cr1",
    "naive", "adjusted", "prev", "origin", "education", "coef", "t", "std_coef",
    "r2_without_fe", "r2_with_fe", "n_measurements", "n_caseworkers", "effect",
    "actual", "counterfactual", "increase", "mean_effect", "wrote", "numbers", "word",
    "ln", "min", "max",
}  # fmt: skip
MACRO = re.compile(r"`[^`']*'")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def logical_lines(text: str) -> list[str]:
    """Code lines with comments removed and /// continuations joined."""
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("*") and not cur:
            continue
        if line.endswith("///"):
            cur += line[:-3] + " "
            continue
        line = re.sub(r"\s//(?!/).*$", "", line)
        cur += line
        if cur.strip():
            out.append(cur.strip())
        cur = ""
    return out


def spec_locals(text: str) -> dict[str, list[str]]:
    block = text.split("* ---- specification", 1)[1].split("\n\n", 1)[0]
    out = {}
    for line in block.splitlines()[1:]:
        _, name, *values = line.split()
        out[name] = values
    return out


@pytest.fixture(scope="module")
def do_text(package) -> str:
    return (package / "replicate.do").read_text("utf-8")


@pytest.fixture(scope="module")
def dta(package):
    _, meta = pyreadstat.read_dta(str(package / "panel.dta"), metadataonly=True)
    return meta


def unmacro(line: str) -> str:
    """Macro references (also nested: `=`a' + 1') replaced by M, innermost first."""
    while True:
        new = MACRO.sub("M", line)
        if new == line:
            return line
        line = new


def test_blocks_and_quotes_balance(do_text):
    depth = 0
    for line in logical_lines(do_text):
        code = re.sub(r'"[^"]*"', '""', unmacro(line))
        assert code.count('"') % 2 == 0, line
        assert "`" not in code and "'" not in code, f"unbalanced macro quote: {line}"
        depth += code.count("{") - code.count("}")
        assert depth >= 0, line
    assert depth == 0


def test_only_builtin_commands(do_text):
    for line in logical_lines(do_text):
        words = line.replace(":", " : ").split()
        while words and words[0] in ("quietly", "capture"):
            words = words[1:]
        if words and words[0] in ("by", "bysort"):
            words = words[words.index(":") + 1 :]
        assert words and (words[0] in COMMANDS or words == ["}"]), line


def unknown_names(do_text: str, columns: set[str]) -> set[str]:
    """Names the do-file uses that are neither panel variables, nor made by the file, nor
    macros, commands or Stata words."""
    made, macros, used, prefixes = set(), set(), set(), set()
    for line in logical_lines(do_text):
        if line.startswith("*"):
            continue
        code = re.sub(r"%[-~0-9.,]*[a-z]+", " ", re.sub(r'"[^"]*"', " ", line))  # formats
        for m in re.finditer(r"\b(?:gen|egen|predict)\s+(?:(?:byte|double|long)\s+)?(\w+)", code):
            made.add(m.group(1))
        for m in re.finditer(r"generate\((\w+)\)", code):
            prefixes.add(m.group(1))
        for m in re.finditer(
            r"\b(?:local|global|tempname|tempfile|foreach|forvalues|unab)\s+(\w+)", code
        ):
            macros.add(m.group(1))
        for m in re.finditer(r"\bof\s+(?:local|global)\s+(\w+)", code):
            macros.add(m.group(1))
        for m in re.finditer(r"program\s+(?:define|drop)\s+(\w+)", code):
            macros.add(m.group(1))
        # tokens glued to a macro are generated names (m_`v', `v'_`lev'): not checked here
        bare = re.sub(r"\w*`[^`']*'\w*", " ", code)
        used |= set(IDENT.findall(bare))
    spec = spec_locals(do_text)
    macros |= set(spec)
    unknown = (
        used
        - columns
        - made
        - macros
        - COMMANDS
        - WORDS
        - {v for vals in spec.values() for v in vals}
    )
    return {u for u in unknown if not any(u.startswith(p) for p in prefixes)}


def test_every_variable_exists_or_is_made(do_text, dta):
    assert not unknown_names(do_text, set(dta.column_names))


def test_checker_finds_a_misspelt_variable(do_text, dta):
    planted = do_text.replace("regress d_`it' weeks_since_prev", "regress d_`it' weeks_since_prv")
    assert planted != do_text
    assert unknown_names(planted, set(dta.column_names)) == {"weeks_since_prv"}
    dropped = do_text.replace("egen long cit = group(citizen_id)", "")
    assert unknown_names(dropped, set(dta.column_names)) == {"cit"}


def test_specification_names_exist_and_fit(do_text, dta):
    columns = set(dta.column_names)
    spec = spec_locals(do_text)
    for name in ("items_all", "indicators", "b_items", "a4_numeric", "background"):
        missing = [v for v in spec[name] if v not in columns]
        assert not missing, (name, missing)
    for item in spec["items_all"]:
        assert f"d_{item}" in columns
    assert spec["outcome"][0] in columns
    # A5's job search and reservation wage (docs/a5-a7.md)
    assert {f"B10_{ch}" for ch in spec["b10_channels"]} | {"B10_status", "B11"} <= columns
    assert {"weeks_since_prev", "act_J", "act_O", "act_S", "act_H", "combination"} <= columns
    # names the file generates from these lists stay within Stata's 32 characters
    bases = spec["background"] + spec["indicators"] + [f"d_{i}" for i in spec["indicators"]]
    bases += spec["a4_numeric"] + ["age_sq"]
    longest = max(len(p + v) for p in ("i_", "m_", "c_") for v in bases)
    assert longest <= 32


def test_dta_has_labels(dta):
    labels = dict(zip(dta.column_names, dta.column_labels, strict=True))
    assert all(labels.values()), [c for c, lab in labels.items() if not lab]
    assert labels["B1"].startswith("B1 ")
    assert "B1" in dta.variable_value_labels
