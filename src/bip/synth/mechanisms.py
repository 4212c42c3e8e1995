"""The generator's switchable mechanisms: each can be turned off to get the earlier behaviour.

:class:`Mechanisms` is passed to :func:`bip.synth.generate_cohort` (``bip synth --mechanism
NAME=VALUE``) and written to ``truth.json``. The defaults are chosen so that ``bip calibrate``
passes at scale 1; :meth:`Mechanisms.legacy` is the generator of format ``bip-synth/1``.
docs/synthetic-cohort.md says which published figure each one targets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

CASELOADS = ("lognormal", "dispersed")
OUTCOMES = ("s12", "observed")


@dataclass(frozen=True)
class Mechanisms:
    """What the cohort contains beyond the base model (see the field comments)."""

    # Share of an answer change's noise common to all items of the same part at a meeting.
    # Correlated shocks keep the B and S averages' progression SD near the items' (003 d).
    item_shock_corr: float = 0.7
    # Share of caseworker parts that repeat the previous assessment unchanged (003: 8-12 % of
    # the S average's progressions are 0, which correlated shocks alone make rarer).
    caseworker_repeat_share: float = 0.05
    # Caseworker caseload weights: "lognormal" (sigma 1.5) or "dispersed" (sigma 1.4, 004 Fig 3).
    caseload: str = "dispersed"
    # Outcome: "s12" (the caseworker's belief level only) or "observed" (also the citizen's own
    # answers and employment history, as 004's R² needs; it also weakens A7's change
    # estimate, see docs/synthetic-cohort.md, so it is not the default yet).
    outcome: str = "s12"
    # Dynamic selection: meeting frequency and caseworker change follow the latent state,
    # citizens leave the measurement series at their first job, and the change effect fades
    # with time since the change.
    dynamic_selection: bool = False
    # Last day the registers cover (ISO date); earlier than 2017-12-31 ends extracts before
    # the last outcome windows close.
    register_end: str = "2017-12-31"

    def __post_init__(self) -> None:
        for name in ("item_shock_corr", "caseworker_repeat_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], not {getattr(self, name)!r}")
        if self.caseload not in CASELOADS:
            raise ValueError(f"caseload must be one of {', '.join(CASELOADS)}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}")
        import datetime as dt

        try:
            end = dt.date.fromisoformat(self.register_end)
        except ValueError:
            raise ValueError(
                f"register_end must be an ISO date, not {self.register_end!r}"
            ) from None
        if not dt.date(2017, 1, 1) <= end <= dt.date(2017, 12, 31):
            raise ValueError("register_end must lie in 2017 (the registers cover 2008-2017)")

    @classmethod
    def legacy(cls) -> Mechanisms:
        """The generator before these mechanisms (format bip-synth/1)."""
        return cls(
            item_shock_corr=0.2,
            caseworker_repeat_share=0.0,
            caseload="lognormal",
            outcome="s12",
        )

    @classmethod
    def parse(
        cls, pairs: list[str] | tuple[str, ...], base: Mechanisms | None = None
    ) -> Mechanisms:
        """``["dynamic_selection=true", "register_end=2017-06-30"]`` over ``base`` (defaults);
        ``legacy`` alone (or first) starts from :meth:`legacy`."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        start = base or cls()
        values: dict[str, object] = {}
        for pair in pairs:
            if pair == "legacy":
                start = cls.legacy()
                continue
            name, sep, raw = pair.partition("=")
            if not sep or name not in fields:
                raise ValueError(
                    f"--mechanism {pair!r}: expected NAME=VALUE with NAME one of "
                    f"{', '.join(fields)} (or 'legacy')"
                )
            kind = type(getattr(start, name))
            if kind is bool:
                if raw.lower() not in ("true", "false", "1", "0", "on", "off"):
                    raise ValueError(f"--mechanism {name}: {raw!r} is not true/false")
                values[name] = raw.lower() in ("true", "1", "on")
            elif kind is float:
                try:
                    values[name] = float(raw)
                except ValueError:
                    raise ValueError(f"--mechanism {name}: {raw!r} is not a number") from None
            else:
                values[name] = raw
        return dataclasses.replace(start, **values)  # type: ignore[arg-type]

    def as_dict(self) -> dict:
        """The switches as written to truth.json."""
        return dataclasses.asdict(self)
