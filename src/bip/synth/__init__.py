"""Synthetic BIP cohorts calibrated to the published figures, with planted truth."""

from bip.synth.generate import generate_cohort
from bip.synth.mechanisms import Mechanisms

__all__ = ["Mechanisms", "generate_cohort"]
