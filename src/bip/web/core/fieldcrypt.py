"""Field-level encryption of citizens' names (Fernet, AES-128-CBC + HMAC-SHA256) and a keyed
blind index to search them.

Keys: ``BIP_FIELD_KEY`` (one or more Fernet keys, comma-separated, the first one current) or,
without it, the file ``$BIP_DATA_DIR/field.key`` (one key a line, the first current), created
with mode 0600 on first use. Older keys still decrypt (``MultiFernet``); :func:`rotate_all`
re-encrypts every name with the current key and recomputes the search index (docs/security.md).

Search uses a *blind index*: each word of the name, case- and accent-folded, as the first 16 hex
digits of HMAC-SHA256 under a key derived from the current Fernet key. The database then never
holds a name or a word of one in clear, and a search for a word is one indexed comparison per
citizen done by the database; what it reveals is only which citizens share a word of their name.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import unicodedata
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_ENV = "BIP_FIELD_KEY"
KEY_FILE = "field.key"
INDEX_DIGITS = 16


class FieldKeyError(RuntimeError):
    """The field key is missing or malformed (one line naming where)."""


def key_file() -> Path:
    return Path(os.environ.get("BIP_DATA_DIR", "bip-data")).resolve() / KEY_FILE


def _read_keys() -> list[bytes]:
    raw = os.environ.get(KEY_ENV, "")
    where = KEY_ENV
    if not raw.strip():
        path = key_file()
        where = str(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(Fernet.generate_key().decode() + "\n")
        raw = path.read_text()
    keys = [k.strip().encode() for k in raw.replace(",", "\n").splitlines() if k.strip()]
    if not keys:
        raise FieldKeyError(f"{where}: no field key")
    for k in keys:
        try:
            Fernet(k)
        except ValueError as exc:
            raise FieldKeyError(f"{where}: not a Fernet key (32 url-safe base64 bytes)") from exc
    return keys


@functools.lru_cache(maxsize=1)
def _keys() -> tuple[MultiFernet, bytes]:
    keys = _read_keys()
    index_key = hmac.new(keys[0], b"bip citizen name blind index v1", hashlib.sha256).digest()
    return MultiFernet([Fernet(k) for k in keys]), index_key


def reset() -> None:
    """Forget the cached keys (after the environment or key file changed)."""
    _keys.cache_clear()


def encrypt(text: str) -> str:
    """A Fernet token of ``text`` ("" stays "")."""
    return _keys()[0].encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    """The text of a token; "" for an empty token, "?" for one no key opens."""
    if not token:
        return ""
    try:
        return _keys()[0].decrypt(token.encode()).decode()
    except InvalidToken:
        return "?"


def _fold(word: str) -> str:
    """Lower case without accents ("Ågård" and "agard" stay different: å is a letter)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u030a")


def word_index(word: str) -> str:
    """The blind index of one word of a name."""
    digest = hmac.new(_keys()[1], _fold(word).encode(), hashlib.sha256).hexdigest()
    return digest[:INDEX_DIGITS]


def name_index(name: str) -> str:
    """The blind index of every word of ``name``, space-separated with spaces at both ends (so
    that a search is ``LIKE '% <word index> %'``)."""
    words = sorted({word_index(w) for w in name.split() if w})
    return f" {' '.join(words)} " if words else ""


def rotate_all() -> int:
    """Re-encrypt every citizen's name with the current key and recompute the search index;
    returns the number of citizens changed. Run after putting a new key first."""
    from django.db import transaction

    from bip.web.core.models import Citizen

    fernet = _keys()[0]
    n = 0
    with transaction.atomic():
        for c in Citizen.objects.exclude(name_enc="").select_for_update():
            name = decrypt(c.name_enc)
            c.name_enc = fernet.rotate(c.name_enc.encode()).decode()
            c.name_index = name_index(name)
            c.save(update_fields=["name_enc", "name_index"])
            n += 1
    return n
