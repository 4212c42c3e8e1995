"""One citizen: the citizen page, the transfer page, measurement forms, the kiosk's scope."""

from __future__ import annotations

import datetime as dt

from bip.instrument import GROUPS
from bip.web.core.access import citizens_for
from bip.web.core.audit import audit
from bip.web.core.models import CADENCE_WEEKS, Citizen, Measurement
from bip.web.core.selectors.caseload import status_of
from bip.web.core.selectors.questionnaire import instrument


def citizen_overview(*, citizen: Citizen, lang: str, fetched_by) -> dict:
    """Everything the citizen page shows: history, charts, activities, caseworker changes."""
    from django.utils.translation import gettext as _

    from bip.instrument import B_ITEMS, PAIRS, S_ITEMS
    from bip.web.core.charts import line_chart

    inst = instrument()
    ms = list(citizen.measurements.select_related("caseworker__user").order_by("measured_on", "id"))

    def pts(attr):
        return [(m.measured_on, getattr(m, attr)) for m in ms]

    averages = [
        (_("Citizen (B average)"), [(m.measured_on, m.b_avg) for m in ms]),
        (_("Caseworker (S average)"), [(m.measured_on, m.s_avg) for m in ms]),
    ]
    avg_chart = line_chart(averages, title=_("Averages"), width=660, height=240)
    # a phone shows this one instead: the wide chart scaled to 360 px has 5 px text
    avg_chart_narrow = line_chart(averages, title=_("Averages"), width=340, height=220)
    who_b, who_s = _("citizen"), _("caseworker")
    pair_charts = [
        line_chart(
            [(f"{b} {who_b}", pts(b)), (f"{s} {who_s}", pts(s))],
            title=f"{b}–{s} {inst.items[b].text(lang)}",
        )
        for b, s in PAIRS
    ]
    item_charts = [
        line_chart([(i, pts(i))], title=f"{i} {inst.items[i].text(lang)}", width=210, height=140)
        for i in (*B_ITEMS, *S_ITEMS)
    ]
    stars = _stars(ms, inst, lang)
    changes = [
        {
            "on": cur.measured_on,
            "from": prev.caseworker,
            "to": cur.caseworker,
            "source": _("measurement"),
        }
        for prev, cur in zip(ms, ms[1:], strict=False)
        if prev.caseworker_id != cur.caseworker_id
    ]
    changes += [
        {"on": a.started_on, "from": a.previous, "to": a.caseworker, "source": _("transfer")}
        for a in citizen.assignments.select_related("caseworker__user", "previous__user")
        if a.is_change
    ]
    changes.sort(key=lambda c: c["on"])
    activities = [
        {
            "on": m.measured_on,
            "code": m.combination,
            "flags": [(g, m.combination[i] == "1") for i, g in enumerate(GROUPS)]
            if m.combination
            else None,
        }
        for m in ms
        if m.has_caseworker_part
    ]
    last = ms[-1].measured_on if ms else None
    audit(fetched_by, None, "citizen.view", "citizen", citizen.citizen_id)
    return {
        "citizen": citizen,
        "history": [
            {"m": m, "combination": m.combination, "b": m.b_avg, "s": m.s_avg} for m in reversed(ms)
        ],
        "avg_chart": avg_chart,
        "avg_chart_narrow": avg_chart_narrow,
        "stars": stars,
        "pair_charts": pair_charts,
        "item_charts": item_charts,
        "changes": changes,
        "activities": activities,
        "status": status_of(last, dt.date.today()),
        "due_on": last + dt.timedelta(weeks=CADENCE_WEEKS) if last else None,
        "group_labels": [(g, inst.group_label(g, lang)) for g in GROUPS],
    }


def _stars(ms, inst, lang: str) -> list[dict]:
    """Star charts of the citizen's view (B1-B9) and the caseworker's (the eleven topics
    S2-S12): the first and the latest measurement with answers, and the same as a table."""
    from django.utils.translation import gettext as _

    from bip.instrument import B_ITEMS, S_ITEMS
    from bip.web.core.radar import radar_chart

    out = []
    for items, title in (
        (B_ITEMS, _("The citizen's view (B1–B9)")),
        (S_ITEMS, _("The caseworker's view (S2–S12)")),
    ):
        answered = [m for m in ms if any(getattr(m, i) is not None for i in items)]
        if not answered:
            continue
        chosen = [answered[0], answered[-1]] if len(answered) > 1 else [answered[0]]
        readings = [
            (
                (_("First, %(day)s") if k == 0 and len(chosen) > 1 else _("Latest, %(day)s"))
                % {"day": m.measured_on.isoformat()},
                [getattr(m, i) for i in items],
            )
            for k, m in enumerate(chosen)
        ]
        topics = [(i, inst.items[i].text(lang)) for i in items]
        out.append(
            {
                "title": title,
                "svg": radar_chart(topics, readings, title=title),
                "names": [name for name, _vals in readings],
                "rows": [
                    (code, label, [vals[k] for _n, vals in readings], _change(readings, k))
                    for k, (code, label) in enumerate(topics)
                ],
                "compared": len(readings) > 1,
            }
        )
    return out


def _change(readings, k: int) -> str:
    """The change from the first to the latest reading of topic ``k``, in words."""
    from django.utils.translation import gettext as _

    if len(readings) < 2:
        return ""
    a, b = readings[0][1][k], readings[-1][1][k]
    if a is None or b is None:
        return "–"
    return _("higher") if b > a else _("lower") if b < a else _("the same")


def transfer_since(*, citizen: Citizen, fetched_by=None) -> dt.date | None:
    """When the citizen's current caseworker period started (a transfer cannot predate it).
    With ``fetched_by``, the opening of the transfer page is audited."""
    start = (
        citizen.assignments.order_by("-started_on", "-id").values_list("started_on", flat=True)
    ).first()
    if fetched_by is not None:
        audit(fetched_by, None, "transfer.view", "citizen", citizen.citizen_id)
    return start


def measurement_form_opened(
    *, citizen: Citizen, part: str, fetched_by, measurement: Measurement | None = None
) -> None:
    """Audit the opening of a measurement form: a new one (the citizen's questionnaire in
    force) or an existing measurement's answers."""
    if measurement is None:
        audit(fetched_by, None, "measurement.new", "citizen", citizen.citizen_id, f"part {part}")
    else:
        mid = measurement.measurement_id
        audit(fetched_by, None, "measurement.view", "measurement", mid, f"part {part}")


def kiosk_citizen(*, user, citizen_id: str) -> Citizen:
    """The kiosk's citizen, among those the user may see (``Citizen.DoesNotExist`` if not)."""
    return citizens_for(user).get(citizen_id=citizen_id)


def kiosk_measurement(*, user, measurement_id: str) -> Measurement:
    """The measurement the kiosk completes, among the user's citizens' measurements."""
    return Measurement.objects.select_related("citizen").get(
        measurement_id=measurement_id, citizen__in=citizens_for(user)
    )
