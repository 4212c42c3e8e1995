"""Compile the shipped .po catalogues to .mo at start-up (no gettext tools needed).

Only the .po text is kept in git; the binary catalogues are produced into a cache folder that
``LOCALE_PATHS`` points to, and rebuilt when a .po is newer than its .mo.
"""

from __future__ import annotations

import ast
import os
import struct
from pathlib import Path

SOURCE = Path(__file__).parent / "core" / "locale"


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a simple .po file (no plurals or contexts; fuzzy entries skipped)."""
    entries: dict[str, str] = {}
    msgid = msgstr = None
    target = None
    fuzzy = False

    def flush() -> None:
        if msgid is not None and msgstr is not None and (msgstr or msgid == "") and not fuzzy:
            entries[msgid] = msgstr

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            flush()
            msgid, msgstr, target = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, target = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"') and target:
            if target == "id":
                msgid += ast.literal_eval(line)
            else:
                msgstr += ast.literal_eval(line)
        elif not line:
            flush()
            msgid = msgstr = target = None
            fuzzy = False
    flush()
    return entries


def write_mo(entries: dict[str, str], path: Path) -> None:
    """Write a GNU .mo catalogue (the format gettext and Django read)."""
    keys = sorted(entries)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    n = len(keys)
    start_ids = 7 * 4 + 16 * n
    start_strs = start_ids + len(ids)
    id_table, str_table = [], []
    o1 = o2 = 0
    for k in keys:
        a, b = len(k.encode()), len(entries[k].encode())
        id_table += [a, start_ids + o1]
        str_table += [b, start_strs + o2]
        o1 += a + 1
        o2 += b + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(
        header
        + struct.pack(f"{2 * n}i", *id_table)
        + struct.pack(f"{2 * n}i", *str_table)
        + ids
        + strs
    )
    os.replace(tmp, path)


def compiled_locale_dir(cache: Path) -> Path:
    """Compile every shipped .po into ``cache`` (if stale) and return the folder for LOCALE_PATHS."""
    for po in SOURCE.glob("*/LC_MESSAGES/*.po"):
        rel = po.relative_to(SOURCE)
        mo = (cache / rel).with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            mo.parent.mkdir(parents=True, exist_ok=True)
            write_mo(parse_po(po.read_text(encoding="utf-8")), mo)
    return cache
