"""CPR lookup for the web tool, on top of ``bip.dataset.pseudonym`` (HMAC-SHA-256 of the CPR).

The CPR number only ever exists in memory here: callers pass it in and get the pseudonym back.
The key comes from the environment (``BIP_HMAC_KEY``) or a key file (``BIP_HMAC_KEY_FILE``),
never from the database.
"""

from __future__ import annotations

import datetime as dt
import os

from bip.dataset.pseudonym import (
    PseudonymKeyError,
    century,
    load_key,
    normalise_cpr,
    pseudonym,
    validate_cpr,
)

__all__ = [
    "KeyMissing",
    "birth_date",
    "citizen_id_for",
    "hmac_key",
    "implausible_age",
    "normalise_cpr",
    "passes_modulus_11",
    "pseudonym",
    "validate_cpr",
]

# Ages a jobcentre's citizen can have: youth guidance starts at 15, and nobody older than 100
# is in employment measures. Outside them a number is a typing error (or a guess).
MIN_AGE, MAX_AGE = 14, 100
_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


class KeyMissing(RuntimeError):
    """No usable HMAC key is configured."""


def hmac_key() -> bytes:
    """The data controller's key: ``BIP_HMAC_KEY_FILE`` (a path) if set, else ``BIP_HMAC_KEY``."""
    try:
        return load_key(os.environ.get("BIP_HMAC_KEY_FILE") or None)
    except PseudonymKeyError as exc:
        raise KeyMissing(str(exc)) from None


def citizen_id_for(cpr: str) -> str:
    """Validate ``cpr`` and return its pseudonym; ValueError with the reason if invalid."""
    reason = validate_cpr(cpr)
    if reason:
        raise ValueError(reason)
    return pseudonym(cpr, hmac_key())


def birth_date(digits: str) -> dt.date:
    """The birth date in a valid CPR number's 10 digits (century from the 7th digit)."""
    yy = int(digits[4:6])
    return dt.date(century(yy, int(digits[6])) + yy, int(digits[2:4]), int(digits[0:2]))


def implausible_age(digits: str, today: dt.date | None = None) -> bool:
    """True if the birth date makes the person younger than 14 or older than 100 today."""
    today = today or dt.date.today()
    born = birth_date(digits)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return not MIN_AGE <= age <= MAX_AGE


def passes_modulus_11(digits: str) -> bool:
    """The old CPR check-digit rule (weights 4 3 2 7 6 5 4 3 2 1, sum divisible by 11).

    Only a hint: the CPR office has issued numbers that fail it since 2007, when some birth
    dates ran out of numbers that pass. A failing number is therefore never refused, only
    questioned (the caseworker confirms it, see ``forms.CprForm``).
    """
    return sum(w * int(d) for w, d in zip(_WEIGHTS, digits, strict=True)) % 11 == 0
