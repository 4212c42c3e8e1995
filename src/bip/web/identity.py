"""CPR validation and pseudonymisation for the web tool.

Uses ``bip.dataset.pseudonym`` (HMAC-SHA-256 of the CPR with the data controller's key) when
it is installed; the fallback below implements the same contract so the tool works meanwhile.
The CPR number only ever exists in memory here: callers pass it in and get the pseudonym back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from pathlib import Path

try:  # the shared implementation (branch `found`)
    from bip.dataset.pseudonym import pseudonym as _pseudonym
    from bip.dataset.pseudonym import validate_cpr as _validate_cpr
except ImportError:  # pragma: no cover - exercised until the shared module lands
    _pseudonym = None
    _validate_cpr = None

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def _century(yy: int, digit7: int) -> int | None:
    # CPR century rule (CPR-kontoret): the 7th digit and the two-digit year give the century.
    if digit7 in (0, 1, 2, 3):
        return 1900
    if digit7 in (4, 9):
        return 2000 if yy <= 36 else 1900
    if digit7 in (5, 6, 7, 8):
        return 2000 if yy <= 57 else 1800
    return None


def validate_cpr(cpr: str) -> str | None:
    """Why ``cpr`` is not a valid CPR number (format DDMMYY-SSSS and a real date), or None."""
    if _validate_cpr is not None:
        return _validate_cpr(cpr)
    m = _CPR.match(cpr.strip())
    if not m:
        return "a CPR number has 10 digits, DDMMYY-SSSS"
    dd, mm, yy, serial = int(m[1]), int(m[2]), int(m[3]), m[4]
    century = _century(yy, int(serial[0]))
    try:
        dt.date(century + yy, mm, dd)
    except (TypeError, ValueError):
        return "the first six digits are not a valid date (DDMMYY)"
    return None


def normalise_cpr(cpr: str) -> str:
    """The 10 digits of a CPR number without the dash."""
    return cpr.strip().replace("-", "")


def pseudonym(cpr: str, key: bytes) -> str:
    """The pseudonymous citizen_id of a valid CPR number (hex HMAC-SHA-256)."""
    if _pseudonym is not None:
        return _pseudonym(cpr, key)
    return hmac.new(key, normalise_cpr(cpr).encode("ascii"), hashlib.sha256).hexdigest()


class KeyMissing(RuntimeError):
    """No HMAC key is configured."""


def hmac_key() -> bytes:
    """The data controller's key: env ``BIP_HMAC_KEY`` (text) or ``BIP_HMAC_KEY_FILE`` (path)."""
    text = os.environ.get("BIP_HMAC_KEY")
    if not text and os.environ.get("BIP_HMAC_KEY_FILE"):
        text = Path(os.environ["BIP_HMAC_KEY_FILE"]).read_text(encoding="utf-8").strip()
    if not text:
        raise KeyMissing(
            "no pseudonymisation key: set BIP_HMAC_KEY or BIP_HMAC_KEY_FILE "
            "(the key is held by the data controller, never in the database)"
        )
    if len(text) < 16:
        raise KeyMissing("the pseudonymisation key must be at least 16 characters")
    return text.encode("utf-8")


def citizen_id_for(cpr: str) -> str:
    """Validate ``cpr`` and return its pseudonym; ValueError with the reason if invalid."""
    reason = validate_cpr(cpr)
    if reason:
        raise ValueError(reason)
    return pseudonym(normalise_cpr(cpr), hmac_key())
