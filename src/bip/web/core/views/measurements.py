"""New measurements and edits of one part of a measurement (the citizen's part: ``kiosk.py``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bip.instrument import B_ITEMS, GROUPS, S_ITEMS
from bip.web.core import selectors, services
from bip.web.core.access import CitizenView, MeasurementView, own_caseworker
from bip.web.core.forms import MeasurementForm
from bip.web.core.views import drafts

# the parts a caseworker's own form may hold; the citizen's part alone is the kiosk's
PART_SETS = {"both": {"citizen", "caseworker"}, "caseworker": {"caseworker"}}
KIOSK_PART = "citizen"


def lang() -> str:
    """The page's language as the questionnaire knows it ("da" or "en")."""
    return "en" if (get_language() or "da").startswith("en") else "da"


def error_links(form) -> list[dict]:
    """The error summary: each invalid question with the anchor of its place in the form."""
    out = []
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        anchor = "item-B10" if name.startswith("B10_") else f"item-{name}"
        label = form.fields[name].label
        if name == "B10_channels":
            label = f"B10. {label}"
        out.append({"anchor": anchor, "label": label, "errors": " ".join(errors)})
    return out


def form_context(form, inst, parts, **extra):
    """Template context of a questionnaire form: fields grouped as the templates show them."""
    s1_groups = []
    if "S1" in form.fields:
        opts = inst.s1_options(lang())
        bound = {str(w.data["value"]): w for w in form["S1"]}
        for g in (*GROUPS, "none", "dont_know"):
            widgets = [bound[str(n)] for n, grp, _t in opts if grp == g]
            label = inst.group_label(g, lang()) if g in GROUPS else ""
            s1_groups.append({"group": g, "label": label, "widgets": widgets})
    return {
        "form": form,
        "parts": parts,
        "b_fields": [form[b] for b in B_ITEMS if b in form.fields],
        "s_fields": [form[s] for s in S_ITEMS if s in form.fields],
        "s1_groups": s1_groups,
        "placeholders": inst.placeholders(),
        "version": inst.version,
        "error_links": error_links(form),
        "steps": parts == "both",
        "step": 1,
        **extra,
    }


def _kiosk_offer(request, citizen, measurement=None):
    """The citizen's part alone is filled in on the kiosk screen: offer to start it."""
    return render(request, "bip/kiosk_start.html", {"citizen": citizen, "measurement": measurement})


class MeasurementCreateView(CitizenView):
    """A new measurement: both parts, or only the caseworker's."""

    def get(self, request, citizen_id, part):
        citizen = self.get_citizen()
        if part == KIOSK_PART:
            return _kiosk_offer(request, citizen)
        if part not in PART_SETS:
            raise Http404
        inst = selectors.instrument()
        form = MeasurementForm(
            instrument=inst,
            parts=PART_SETS[part],
            lang=lang(),
            initial={"measured_on": dt.date.today(), "idempotency_key": uuid.uuid4().hex},
        )
        draft = drafts.draft_of(request.user, citizen, part)
        if draft is not None:
            form.initial.update(drafts.initial_from_draft(form, draft))
        selectors.measurement_form_opened(citizen=citizen, part=part, fetched_by=request.user)
        ctx = form_context(form, inst, part, citizen=citizen, new=True, draft=draft)
        ctx["step"] = draft.step if draft else 1
        return render(request, "bip/measurement_form.html", ctx)

    def post(self, request, citizen_id, part):
        citizen = self.get_citizen()
        if part not in PART_SETS:
            raise Http404
        inst = selectors.instrument()
        form = MeasurementForm(request.POST, instrument=inst, parts=PART_SETS[part], lang=lang())
        answered = drafts.handle(request, form, citizen=citizen, part=part)
        if answered is not None:
            return answered
        ctx = {"citizen": citizen, "new": True}
        if not form.is_valid():
            drafts.save_invalid(request, form, citizen=citizen, part=part)
            services.measurement_refused(user=request.user, citizen=citizen, errors=form.errors)
            ctx["all_steps"] = True
            return render(
                request,
                "bip/measurement_form.html",
                form_context(form, inst, part, **ctx),
                status=400,
            )
        cw_id = citizen.caseworker_id
        if cw_id is None:
            me = own_caseworker(request.user)
            cw_id = me.pk if me else None
        if cw_id is None:
            messages.error(
                request,
                _("The citizen has no caseworker; transfer the citizen to a caseworker first."),
            )
            return redirect("citizen", citizen_id=citizen.citizen_id)
        try:
            _m, created = services.measurement_create(
                citizen=citizen,
                caseworker_id=cw_id,
                values=form.values(),
                version=inst.version,
                idempotency_key=form.cleaned_data.get("idempotency_key") or None,
                user=request.user,
                part=part,
            )
        except services.KeyInUse:
            form.add_error(None, _("This form cannot be saved; open a new form and try again."))
            return render(
                request,
                "bip/measurement_form.html",
                form_context(form, inst, part, **ctx),
                status=409,
            )
        if created:
            messages.success(request, _("The measurement is saved."))
        else:
            messages.info(
                request, _("This form was already submitted; the measurement was saved once.")
            )
        return redirect("citizen", citizen_id=citizen.citizen_id)


class MeasurementEditView(MeasurementView):
    """Edit (or add) one part of an existing measurement, with optimistic concurrency."""

    def get(self, request, measurement_id, part):
        m = self.get_measurement()
        if part == KIOSK_PART:
            return _kiosk_offer(request, m.citizen, m)
        if part not in PART_SETS:
            raise Http404
        inst = selectors.instrument(m.questionnaire_version)
        form = MeasurementForm(
            instrument=inst,
            parts=PART_SETS[part],
            lang=lang(),
            initial=MeasurementForm.initial_from(m, PART_SETS[part]),
        )
        draft = drafts.draft_of(request.user, m.citizen, part, m)
        if draft is not None and draft.data.get("revision") != [str(m.revision)]:
            # someone saved since the draft was begun: the draft would silently undo their change
            services.draft_discard(user=request.user, citizen=m.citizen, part=part, measurement=m)
            messages.warning(
                request,
                _(
                    "Someone else saved this measurement after your draft was saved; the draft "
                    "is discarded. Their answers are shown."
                ),
            )
            draft = None
        if draft is not None:
            form.initial.update(drafts.initial_from_draft(form, draft))
        selectors.measurement_form_opened(
            citizen=m.citizen, part=part, fetched_by=request.user, measurement=m
        )
        ctx = form_context(form, inst, part, citizen=m.citizen, measurement=m, draft=draft)
        ctx["step"] = draft.step if draft else 1
        return render(request, "bip/measurement_form.html", ctx)

    def post(self, request, measurement_id, part):
        m = self.get_measurement()
        if part not in PART_SETS:
            raise Http404
        inst = selectors.instrument(m.questionnaire_version)
        form = MeasurementForm(request.POST, instrument=inst, parts=PART_SETS[part], lang=lang())
        answered = drafts.handle(request, form, citizen=m.citizen, part=part, measurement=m)
        if answered is not None:
            return answered
        response = save_part(request, m, part, template="bip/measurement_form.html")
        if response is not None:
            return response
        messages.success(request, _("The measurement is saved."))
        return redirect("citizen", citizen_id=m.citizen.citizen_id)


def save_part(request, m, part: str, *, template: str, extra: dict | None = None):
    """Validate and save ``part`` of measurement ``m`` from the POST; None when saved, else the
    page to answer with (400 invalid, 409 someone else saved first)."""
    inst = selectors.instrument(m.questionnaire_version)
    parts = PART_SETS.get(part, {"citizen"})
    form = MeasurementForm(request.POST, instrument=inst, parts=parts, lang=lang())
    ctx = {"citizen": m.citizen, "measurement": m, **(extra or {})}
    if form.is_valid() and form.cleaned_data.get("revision") is None:
        form.add_error(None, _("The form is incomplete; reload the page."))
    if not form.is_valid():
        if part in PART_SETS:  # the caseworker's own form keeps a draft; the kiosk none
            drafts.save_invalid(request, form, citizen=m.citizen, part=part, measurement=m)
        services.measurement_refused(
            user=request.user,
            citizen=m.citizen,
            errors=form.errors,
            measurement_id=m.measurement_id,
        )
        ctx["all_steps"] = True
        return render(request, template, form_context(form, inst, part, **ctx), status=400)
    try:
        services.measurement_update(
            measurement=m,
            values=form.values(),
            revision=form.cleaned_data["revision"],
            user=request.user,
            part=part,
        )
    except services.Conflict:
        form.add_error(
            None,
            _(
                "Someone else saved this measurement while you were editing it. Nothing was "
                "overwritten: reload the page to see their answers, then make your changes again."
            ),
        )
        ctx["conflict"] = True
        return render(request, template, form_context(form, inst, part, **ctx), status=409)
    return None
