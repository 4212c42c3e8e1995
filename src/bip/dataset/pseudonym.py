"""CPR validation and pseudonymisation: CPR number -> ``citizen_id`` by HMAC-SHA-256.

The CPR number is never stored. It exists in memory only while it is checked and hashed; the
key is held by the data controller and given through an environment variable or a key file,
never written to a dataset or a log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from pathlib import Path

KEY_ENV = "BIP_HMAC_KEY"
MIN_KEY_BYTES = 16
_CPR_RE = re.compile(r"^(\d{6})-?(\d{4})$")


class PseudonymKeyError(ValueError):
    """No usable pseudonymisation key (the message never contains the key)."""


def century(yy: int, seventh: int) -> int:
    """The century (1800, 1900 or 2000) of a CPR birth year from its 7th digit (CPR rules).

    7th digit 0-3: 1900s; 4 and 9: 2000s for years 00-36, else 1900s; 5-8: 2000s for years
    00-57, 1800s for 58-99.
    """
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def normalise_cpr(s: str) -> str | None:
    """The 10 digits of ``s`` (``DDMMYYXXXX`` or ``DDMMYY-XXXX``, outer spaces ignored), or None."""
    m = _CPR_RE.match(s.strip()) if isinstance(s, str) else None
    return m.group(1) + m.group(2) if m else None


def validate_cpr(s: str) -> str | None:
    """Why ``s`` is not a valid CPR number, or None if it is.

    Accepted: 10 digits, or ``DDMMYY-XXXX``, around which spaces are ignored. The first six
    digits must be a real date, the century taken from the 7th digit (:func:`century`).
    There is deliberately NO modulus-11 check: CPR numbers issued since 2007 need not satisfy
    it. The reason never repeats the number, so it is safe to log.
    """
    if s is None or (isinstance(s, str) and not s.strip()):
        return "empty CPR number"
    digits = normalise_cpr(s)
    if digits is None:
        return "not a CPR number (expected 10 digits, optionally as DDMMYY-XXXX)"
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    year = century(yy, seventh) + yy
    try:
        dt.date(year, month, day)
    except ValueError:
        return f"CPR date is not a real date (day {day:02d}, month {month:02d}, year {year})"
    return None


def pseudonym(cpr: str, key: bytes) -> str:
    """The pseudonymous ``citizen_id`` of ``cpr``: hex HMAC-SHA-256 of its normalised 10 digits.

    Raises ValueError for an invalid CPR number (see :func:`validate_cpr`).
    """
    reason = validate_cpr(cpr)
    if reason:
        raise ValueError(reason)
    return _hmac(key, normalise_cpr(cpr))


def _hmac(key: bytes, digits: str) -> str:
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()


def load_key(key_file: Path | str | None = None, env: str = KEY_ENV) -> bytes:
    """The HMAC key: the contents of ``key_file`` if given, else environment variable ``env``.

    Surrounding whitespace (a trailing newline) is stripped. Raises :class:`PseudonymKeyError` with a
    plain message when there is no key or it is shorter than 16 bytes; the key itself is
    never part of a message.
    """
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise PseudonymKeyError(f"cannot read key file {key_file}: {exc.strerror}") from None
        source = f"key file {key_file}"
    else:
        value = os.environ.get(env)
        if value is None:
            raise PseudonymKeyError(
                f"no pseudonymisation key: set the environment variable {env} or give a key file"
            )
        key = value.strip().encode("utf-8")
        source = f"environment variable {env}"
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"the key in {source} is too short (at least {MIN_KEY_BYTES} bytes needed)"
        )
    return key


class Pseudonymiser:
    """Validates and hashes CPR numbers with one key, each distinct number hashed once."""

    def __init__(self, key: bytes):
        self._key = key
        self._cache: dict[str, str | None] = {}
        self._reasons: dict[str, str] = {}

    def __call__(self, cpr: str) -> tuple[str | None, str | None]:
        """(pseudonym, None) for a valid CPR, (None, reason) for an invalid one."""
        hit = self._cache.get(cpr)
        if hit is not None:
            return hit, None
        if cpr in self._reasons:
            return None, self._reasons[cpr]
        reason = validate_cpr(cpr)
        if reason:
            self._reasons[cpr] = reason
            return None, reason
        value = _hmac(self._key, normalise_cpr(cpr))
        self._cache[cpr] = value
        return value, None
