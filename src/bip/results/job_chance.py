"""A5 Indicators and job chance (000, 001, 002): result models."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bip.results.base import (
    CaseworkerItem,
    CitizenItem,
    Count,
    Estimated,
    Indicator,
    Num,
    Record,
    Share,
)
from bip.results.hazard import HazardModel

Level = Literal[1, 2, 3, 4, 5]
PsychGroup = Literal["none", "light", "severe"]


class LevelRate(Record):
    """Outcome rates of the measurements with one answer level of an indicator."""

    level: Level
    n: Count
    n_citizens: Count
    job_or_education_52w: Share
    n_job_or_education_52w: Count = Field(description="measurements with a known outcome")
    job_13w: Share
    n_job_13w: Count


class JobTerm(Record):
    """One term of the job model: the level or progression of an indicator, job search (B10:
    searching, or a channel used by a searcher) or the log reservation wage (B11)."""

    item: Literal[Indicator, Literal["B10", "B11"]]  # one enum: the indicators, B10, B11
    term: Literal[
        "level",
        "progression",
        "searching",
        "newspapers",
        "internet",
        "unsolicited",
        "network",
        "internship",
        "temp_agency",
        "log_wage",
    ]
    coef: Num
    se: Num
    t: Num
    p_value: Num
    ci_low: Num
    ci_high: Num
    std_coef: Num = Field(description="coefficient x SD of the regressor")
    n: Count
    rank: int = Field(description="by t statistic, largest positive first")
    q_value: Num = Field(default=None, description="Benjamini-Hochberg over the ranked terms")
    p_familywise: Num = Field(
        default=None, description="Romano-Wolf stepdown p-value over the ranked terms"
    )
    band_low: Num = Field(default=None, description="simultaneous 95 % band over the terms")
    band_high: Num = None
    ame: Num = Field(default=None, description="logit average marginal effect on the probability")
    ame_se: Num = Field(default=None, description="delta method from the logit's CR1")
    ame_ci_low: Num = None
    ame_ci_high: Num = None

    @property
    def column(self) -> str:
        """The regressor's name in the design: ``B1``, ``d_B1``, ``B10_searching``,
        ``B10_internet``, ``B11_log``."""
        if self.term == "level":
            return self.item
        if self.term == "progression":
            return f"d_{self.item}"
        if self.term == "log_wage":
            return "B11_log"
        return f"B10_{self.term}"


class CalibrationBin(Record):
    """One decile of the out-of-sample predicted chance: its mean and the observed rate."""

    decile: int = Field(ge=1, le=10)
    n: Count
    n_citizens: Count
    mean_predicted: Num = Field(description="a linear probability: may lie outside 0-1")
    observed: Share


class Prediction(Estimated):
    """How well the job model predicts a job out of sample: citizens split into folds (never
    the rows of one citizen apart), each fold predicted by the model fitted on the others.
    AUC intervals: DeLong's, influences summed by citizen (95 %)."""

    n_folds: int
    seed: int
    auc: Num = None
    auc_ci_low: Num = None
    auc_ci_high: Num = None
    auc_background: Num = Field(default=None, description="the background controls alone")
    auc_background_ci_low: Num = None
    auc_background_ci_high: Num = None
    auc_gain: Num = Field(default=None, description="auc - auc_background, on the same rows")
    auc_gain_ci_low: Num = None
    auc_gain_ci_high: Num = None
    calibration: tuple[CalibrationBin, ...] = ()


class JobModel(Estimated):
    """Linear probability model of job or education within 52 weeks on every indicator's level
    and progression plus background, over repeat measurements, CR1 by citizen."""

    n_measurements: Count
    n_citizens: Count
    r2: Num = None
    terms: tuple[JobTerm, ...] = ()
    n_significant: Count | None = Field(
        default=None, description="terms with a familywise (Romano-Wolf) p below 0.05"
    )
    n_bh: Count | None = Field(default=None, description="terms with a BH q below 0.05")
    n_unadjusted: Count | None = Field(default=None, description="terms with p below 0.05")
    n_background_controls: Count | None = None
    prediction: Prediction | None = None
    logit_reason: str | None = Field(
        default=None, description="why the logit (and so the AMEs) could not be fitted"
    )


class LevelShare(Record):
    """Share of answers at one level of B8 (citizen) or S12 (caseworker)."""

    level: Level
    share: Share
    n: Count
    n_citizens: Count


class BeliefDistributions(Record):
    B8: tuple[LevelShare, ...]
    S12: tuple[LevelShare, ...]


class SearchShares(Record):
    """B10: job search status shares among answers with a status; channels may be several."""

    n: Count
    n_citizens: Count
    searching: Share
    not_searching: Share
    no_answer: Share
    newspapers: Share
    internet: Share
    unsolicited: Share
    network: Share
    internship: Share
    temp_agency: Share


class SearchByBand(SearchShares):
    band: Literal["<2.5", "2.5-3.5", ">3.5"] = Field(
        description="mean of the answered B1-B9 of the measurement"
    )


class SearchByPsych(SearchShares):
    group: PsychGroup = Field(
        description="psychiatric diagnosis in the 3 years before the first measurement: "
        "severe (F00-F09, F20-F29, F60-F89) wins over light"
    )


class JobSearch(Record):
    """Job search (B10) of measurements with a citizen part."""

    overall: SearchShares
    by_mean_citizen_score: tuple[SearchByBand, ...]
    by_psych_group: tuple[SearchByPsych, ...]


class MeanAnswer(Record):
    mean: Num
    n: Count


class CitizenAnswersByGroup(Record):
    group: PsychGroup
    n: Count
    n_citizens: Count
    means: dict[CitizenItem, MeanAnswer]


class CaseworkerAnswersByGroup(Record):
    group: PsychGroup
    n: Count
    n_citizens: Count
    means: dict[CaseworkerItem, MeanAnswer]


class AnswersByMentalHealth(Record):
    """Mean answers by psychiatric diagnosis group (000 Figur 2-3)."""

    citizen: tuple[CitizenAnswersByGroup, ...]
    caseworker: tuple[CaseworkerAnswersByGroup, ...]


class A5JobChance(Record):
    """A5: outcome rates by answer level, the job model, beliefs, job search."""

    rates_by_level: dict[Indicator, tuple[LevelRate, ...]]
    job_model: JobModel
    belief_distributions: BeliefDistributions
    job_search: JobSearch
    answers_by_mental_health: AnswersByMentalHealth
    hazard: HazardModel | None = None
