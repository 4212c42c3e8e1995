"""Synthetic BIP cohorts calibrated to the published figures, with planted truth (SPEC §7)."""

from bip.synth.generate import generate_cohort

__all__ = ["generate_cohort"]
