"""The BIP questionnaires as versioned data.

The shipped default is version 1 (``versions/1.yaml``). Structure (item ids, S1 options and
their J/O/S/H groups, scales) is fixed by the dataset format; wordings and labels are text
that an administrator may replace by publishing a new version (:func:`derive_version`).
"""

from bip.instrument.model import (
    ALL_COMBINATIONS,
    B10_CHANNELS,
    B10_STATUSES,
    B_ITEMS,
    CADENCE_WEEKS,
    DONT_KNOW_OPTION,
    GROUPS,
    INDICATORS,
    NO_ACTIVITY_OPTION,
    PAIRS,
    S1_GROUP,
    S1_OPTIONS,
    S_ITEMS,
    Instrument,
    InstrumentError,
    Item,
    combination_code,
    derive_version,
    instrument_from_yaml,
    load_instrument,
)

__all__ = [
    "ALL_COMBINATIONS",
    "B10_CHANNELS",
    "B10_STATUSES",
    "B_ITEMS",
    "CADENCE_WEEKS",
    "DONT_KNOW_OPTION",
    "GROUPS",
    "INDICATORS",
    "NO_ACTIVITY_OPTION",
    "PAIRS",
    "S1_GROUP",
    "S1_OPTIONS",
    "S_ITEMS",
    "Instrument",
    "InstrumentError",
    "Item",
    "combination_code",
    "derive_version",
    "instrument_from_yaml",
    "load_instrument",
]
