"""A4 Progression by activity combination (003 Figur 3-24): result models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bip.results.base import Code, Count, Num, Record, Series


class CodeEffect(Record):
    """One combination's coefficient: effect size d when the outcome is standardised.

    ``estimate`` is centred on the sample's mean progression, as the sources' d is (0 = the
    average citizen's progression, not no progression); the ``_vs_zero`` fields are the same
    coefficient measured from zero progression. Standard errors are CR2 by citizen with the
    code's own Bell–McCaffrey ``df``. ``q_value`` (Benjamini–Hochberg) and ``p_familywise``
    (Romano–Wolf stepdown) adjust for every code of every item of the model; ``band_low`` and
    ``band_high`` are the simultaneous band over that family.
    """

    estimate: Num
    se: Num
    ci_low: Num
    ci_high: Num
    p_value: Num
    percentile: Num = Field(description="100 * Phi(d): where a median citizen moves to (0-100)")
    n: Count
    n_citizens: Count
    df: Num = Field(default=None, description="Bell-McCaffrey degrees of freedom of the CR2 t")
    q_value: Num = Field(default=None, description="Benjamini-Hochberg, over the model's family")
    p_familywise: Num = Field(
        default=None, description="Romano-Wolf stepdown p-value over the model's family"
    )
    band_low: Num = Field(default=None, description="simultaneous band over the model's family")
    band_high: Num = None
    estimate_vs_zero: Num = Field(
        default=None, description="d measured from zero progression instead of the mean"
    )
    ci_low_vs_zero: Num = None
    ci_high_vs_zero: Num = None
    p_value_vs_zero: Num = None
    q_value_vs_zero: Num = None
    p_familywise_vs_zero: Num = None


class ItemModel(Record):
    """One item's regression of progression on the combination dummies (no intercept)."""

    n: Count
    n_citizens: Count = Field(description="clusters G")
    mean: Num = Field(description="of the raw progression over the regression's sample")
    sd: Num
    df: int | None = Field(
        description="G - 1, CR1's df (for reference: each code's interval uses its own df)"
    )
    t_crit: Num = Field(description="the t(G - 1) critical value (for reference)")
    r2: Num
    codes: dict[Code, CodeEffect]


class A4Family(Record):
    """How many of one model's tests (every code of every item) pass each rule at 1 - level."""

    model: Literal["naive", "adjusted"]
    against: Literal["mean", "zero"] = Field(
        description="d centred on the sample mean (the sources') or measured from zero"
    )
    n_tests: Count
    n_unadjusted: Count = Field(description="p < 1 - level, each test alone")
    n_bh: Count = Field(description="q < 1 - level (Benjamini-Hochberg)")
    n_familywise: Count = Field(description="Romano-Wolf p < 1 - level: reported as significant")
    z_crit: Num = Field(description="sup-t critical value of the band on the normal scale")
    draws: Count = Field(description="draws of the joint null distribution")


class OsterCode(Record):
    """One combination's Oster (2019) bound: the naive coefficient on the adjusted model's
    rows, the adjusted one, the δ that would make it 0 and the bias-adjusted β* at δ = 1."""

    estimate_short: Num = Field(description="naive d refitted on the adjusted model's rows")
    estimate_adjusted: Num
    delta: Num = Field(
        description="selection on unobservables relative to observables that would make the "
        "adjusted d 0 (|delta| > 1: more than the observables; negative: the other way)"
    )
    beta_star: Num = Field(description="bias-adjusted d if unobservables select as much (delta 1)")


class OsterModel(Record):
    """One item's Oster bound: both models' centred R² on the adjusted model's rows."""

    n: Count
    r2_short: Num
    r2_adjusted: Num
    r_max: Num = Field(description="min(r_max_factor * r2_adjusted, 1)")
    r_max_factor: float
    codes: dict[Code, OsterCode]


class FixedEffectCode(Record):
    """One combination in the citizen fixed-effects model.

    ``contrast`` is the effect against the reference combination (0 for the reference), CR1 by
    citizen; ``estimate`` the same effects centred on their mean weighted by measurements, on
    the scale of the naive d (centred on the mean)."""

    n: Count
    n_citizens_within: Count = Field(
        description="citizens with this combination and another one: those the effect rests on"
    )
    estimate: Num = None
    se: Num = None
    ci_low: Num = None
    ci_high: Num = None
    p_value: Num = None
    contrast: Num = None
    contrast_se: Num = None
    contrast_ci_low: Num = None
    contrast_ci_high: Num = None
    contrast_p_value: Num = None


class FixedEffectsModel(Record):
    """One item's progression on the combination dummies with citizen fixed effects (the
    naive model's rows and outcome): effects from citizens whose combination changes."""

    reference: Code
    n: Count
    n_citizens: Count
    n_citizens_within: Count = Field(description="citizens with more than one combination")
    df: int | None = Field(description="citizens - 1, the t df of the CR1 intervals")
    r2_within: Num
    codes: dict[Code, FixedEffectCode]


class A4CombinationEffects(Record):
    """A4: naive (dummies only) and adjusted (background and previous level) models per item."""

    standardised: bool
    level: float = Field(description="confidence level of the intervals")
    naive: dict[Series, ItemModel]
    adjusted: dict[Series, ItemModel]
    adjusted_controls: tuple[str, ...]
    cell_covariance: dict[Literal["naive", "adjusted"], Literal["CR2", "CR1"]] | None = Field(
        default=None,
        description="each model's covariance of the codes: CR2 with Bell-McCaffrey df, or CR1 "
        "with each code's citizens - 1 as df where the design is too large for CR2 (null in "
        "results written before CR2)",
    )
    families: tuple[A4Family, ...] | None = Field(
        default=None,
        description="the multiplicity rule's counts per model and centring (null in results "
        "written before the rule)",
    )
    oster: dict[Series, OsterModel] | None = Field(
        default=None,
        description="Oster (2019) delta and bias-adjusted d per combination of the adjusted "
        "model, for the robustness items (null in results written before it)",
    )
    citizen_fe: dict[Series, FixedEffectsModel] | None = Field(
        default=None,
        description="citizen fixed-effects model per robustness item (null in results "
        "written before it)",
    )
