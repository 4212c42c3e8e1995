"""CPR lookup for the web tool, on top of ``bip.dataset.pseudonym`` (HMAC-SHA-256 of the CPR).

The CPR number only ever exists in memory here: callers pass it in and get the pseudonym back.
The key comes from the environment (``BIP_HMAC_KEY``) or a key file (``BIP_HMAC_KEY_FILE``),
never from the database.
"""

from __future__ import annotations

import os

from bip.dataset.pseudonym import (
    PseudonymKeyError,
    load_key,
    normalise_cpr,
    pseudonym,
    validate_cpr,
)

__all__ = ["KeyMissing", "citizen_id_for", "hmac_key", "normalise_cpr", "pseudonym", "validate_cpr"]


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
