"""Drafts in the measurement forms: the autosave request, the no-script step buttons, restoring.

The form posts three ways: ``draft=<step>`` (the page's script saving as the caseworker answers;
answered 204), ``goto=<step>`` (a step button without script: saved, then the form again at that
step) and the final save. ``discard`` deletes the draft. See docs/web.md.
"""

from __future__ import annotations

from django.contrib import messages
from django.forms import MultipleChoiceField
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from bip.web.core import services
from bip.web.core.models import MeasurementDraft

STEPS = (1, 2)
# fields of the first step (the citizen's part); everything else is the second
STEP_ONE_PREFIX = ("B",)


def _step(value) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return 1
    return n if n in STEPS else 1


def draft_of(user, citizen, part: str, measurement=None) -> MeasurementDraft | None:
    """The user's draft of this form, if any."""
    key = MeasurementDraft.key_for(user, citizen, part, measurement)
    return MeasurementDraft.objects.filter(key=key).first()


def allowed_fields(form) -> set[str]:
    return {*form.fields}


def initial_from_draft(form, draft: MeasurementDraft) -> dict:
    """The draft's values as a form's ``initial`` (a list for multiple choices, else one value)."""
    out: dict = {}
    for name, field in form.fields.items():
        values = draft.data.get(name)
        if values:
            out[name] = list(values) if isinstance(field, MultipleChoiceField) else values[0]
    return out


def step_of_errors(form) -> int:
    """The step holding the first invalid question (the summary lists them all)."""
    names = [n for n in form.errors if n != "__all__"]
    if names and all(not n.startswith(STEP_ONE_PREFIX) and n != "measured_on" for n in names):
        return 2
    return 1


def handle(request, form, *, citizen, part: str, measurement=None):
    """Answer a draft, step or discard POST; None when the POST is the final save."""
    post = request.POST
    if "discard" in post:
        services.draft_discard(
            user=request.user, citizen=citizen, part=part, measurement=measurement
        )
        messages.info(request, _("The draft is discarded."))
        return redirect(request.path)
    if "draft" not in post and "goto" not in post:
        return None
    step = _step(post.get("draft") or post.get("goto"))
    data = services.drafts_clean(post, allowed_fields(form))
    services.draft_save(
        user=request.user,
        citizen=citizen,
        part=part,
        data=data,
        step=step,
        measurement=measurement,
    )
    if "draft" in post:
        return HttpResponse(status=204)
    return redirect(request.path)


def save_invalid(request, form, *, citizen, part: str, measurement=None) -> None:
    """Keep what was answered of a refused final save as the draft too."""
    services.draft_save(
        user=request.user,
        citizen=citizen,
        part=part,
        data=services.drafts_clean(request.POST, allowed_fields(form)),
        step=step_of_errors(form),
        measurement=measurement,
    )
