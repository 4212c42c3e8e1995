"""Forms: the two questionnaires (built from a questionnaire version), CPR lookup, transfer, admin."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from bip.instrument import (
    B10_CHANNELS,
    B_ITEMS,
    DONT_KNOW_OPTION,
    NO_ACTIVITY_OPTION,
    S1_OPTIONS,
    S_ITEMS,
    Instrument,
)
from bip.web.core.models import Caseworker, Jobcenter, Measurement, Role
from bip.web.identity import implausible_age, normalise_cpr, passes_modulus_11, validate_cpr

# The earliest plausible date of a meeting or a caseworker change (BIP started long after).
FIRST_PLAUSIBLE_DAY = dt.date(2000, 1, 1)

NONANSWER = {"dk": "dont_know", "wa": "wont_answer"}
NONANSWER_CODE = {v: k for k, v in NONANSWER.items()}


def _scale_field(inst: Instrument, item_id: str, lang: str) -> forms.ChoiceField:
    item = inst.items[item_id]
    anchors = inst.anchors(item_id, lang)
    na = inst.raw.get("non_answers", {})
    choices = [(str(k), anchors[k]) for k in range(1, 6)]
    choices += [
        (code, na.get(NONANSWER[code], {}).get(lang) or NONANSWER[code]) for code in ("dk", "wa")
    ]
    wording = item.wording.get(lang) or item.wording.get("da") or item.text(lang)
    return forms.ChoiceField(
        label=f"{item_id}. {item.text(lang)}",
        help_text=wording,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer (or “Don’t know” / “Won’t answer”).")},
    )


class MeasurementForm(forms.Form):
    """The citizen part, the caseworker part, or both, of one measurement.

    ``parts`` is a subset of {"citizen", "caseworker"}. ``revision`` (edits) and
    ``idempotency_key`` (new measurements) travel as hidden fields.
    """

    measured_on = forms.DateField(
        label=_("Date of the meeting"), widget=forms.DateInput(attrs={"type": "date"})
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, instrument: Instrument, parts: set[str], lang: str = "da", **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument, self.parts, self.lang = instrument, parts, lang
        if "citizen" in parts:
            for b in B_ITEMS:
                self.fields[b] = _scale_field(instrument, b, lang)
            b10 = instrument.items["B10"].extra
            self.fields["B10_status"] = forms.ChoiceField(
                label=f"B10. {instrument.items['B10'].text(lang)}",
                choices=[(k, v.get(lang) or v["da"]) for k, v in b10["status"].items()],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer.")},
            )
            self.fields["B10_channels"] = forms.MultipleChoiceField(
                label=_("Channels used"),
                required=False,
                choices=[
                    (k, b10["channels"][k].get(lang) or b10["channels"][k]["da"])
                    for k in B10_CHANNELS
                ],
                widget=forms.CheckboxSelectMultiple,
            )
            b11 = instrument.items["B11"]
            self.fields["B11"] = forms.DecimalField(
                label=f"B11. {b11.text(lang)}",
                help_text=b11.wording.get(lang) or b11.wording.get("da"),
                required=False,
                min_value=b11.extra.get("min", 0),
                max_value=b11.extra.get("max", 2000),
                decimal_places=2,
                localize=True,
            )
        if "caseworker" in parts:
            self.fields["S1"] = forms.TypedMultipleChoiceField(
                label=f"S1. {instrument.items['S1'].wording.get(lang) or instrument.items['S1'].text(lang)}",
                choices=[(n, text) for n, _g, text in instrument.s1_options(lang)],
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _(
                        "Tick at least one option (“No activities” or “Don’t know” if so)."
                    )
                },
            )
            for s in S_ITEMS:
                self.fields[s] = _scale_field(instrument, s, lang)

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if day > dt.date.today():
            raise forms.ValidationError(_("The date of the meeting cannot be in the future."))
        if day < FIRST_PLAUSIBLE_DAY:
            raise forms.ValidationError(_("The date of the meeting is implausibly early."))
        return day

    def clean(self):
        data = super().clean()
        if (
            "citizen" in self.parts
            and data.get("B10_channels")
            and data.get("B10_status") != "searching"
        ):
            self.add_error(
                "B10_channels", _("Channels can only be ticked when the citizen is searching.")
            )
        ticked = set(data.get("S1") or [])
        if ticked & {NO_ACTIVITY_OPTION, DONT_KNOW_OPTION} and len(ticked) > 1:
            self.add_error(
                "S1", _("“No activities” and “Don’t know” cannot be combined with other options.")
            )
        return data

    # -- model <-> form ----------------------------------------------------------------------
    @staticmethod
    def initial_from(m: Measurement, parts: set[str]) -> dict:
        init = {"measured_on": m.measured_on, "revision": m.revision}
        if "citizen" in parts and m.has_citizen_part:
            for b in B_ITEMS:
                v = getattr(m, b)
                init[b] = str(v) if v is not None else NONANSWER_CODE.get(m.nonanswers.get(b))
            init["B10_status"] = m.B10_status
            init["B10_channels"] = [c for c in B10_CHANNELS if getattr(m, f"B10_{c}") == 1]
            init["B11"] = m.B11
        if "caseworker" in parts and m.has_caseworker_part:
            init["S1"] = m.ticked
            for s in S_ITEMS:
                v = getattr(m, s)
                init[s] = str(v) if v is not None else NONANSWER_CODE.get(m.nonanswers.get(s))
        return init

    def values(self) -> dict:
        """Model field values of the parts in this form (plus ``nonanswers`` for those items)."""
        d = self.cleaned_data
        out: dict = {"measured_on": d["measured_on"]}
        nonans: dict[str, str] = {}
        items: list[str] = []
        if "citizen" in self.parts:
            items += B_ITEMS
            out["B10_status"] = d["B10_status"]
            for c in B10_CHANNELS:
                out[f"B10_{c}"] = int(c in d.get("B10_channels", []))
            out["B11"] = float(d["B11"]) if d.get("B11") is not None else None
        if "caseworker" in self.parts:
            items += S_ITEMS
            for n in S1_OPTIONS:
                out[f"S1_{n}"] = int(n in d["S1"])
        for i in items:
            v = d[i]
            if v in NONANSWER:
                out[i] = None
                nonans[i] = NONANSWER[v]
            else:
                out[i] = int(v)
        out["_nonanswers"] = (items, nonans)
        return out


class CprForm(forms.Form):
    """Find a citizen by CPR number. The number is validated and hashed, never stored.

    Refused: not 10 digits, not a real date, or an age outside 14-100 years. A number that
    fails the modulus-11 check is *not* refused (real numbers issued since 2007 may fail it):
    the caseworker is asked to check it and confirm (``confirmed``).
    ``refusal`` names why a bound form was refused, for the audit log.
    """

    cpr = forms.CharField(
        label=_("CPR number"),
        max_length=11,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": _("DDMMYY-XXXX")}
        ),
    )
    confirmed = forms.BooleanField(
        label=_("The number is correct, although it fails the check-digit test"), required=False
    )

    def clean_cpr(self):
        cpr = self.cleaned_data["cpr"]
        if validate_cpr(cpr):
            self.refusal = "not a CPR number or not a real date"
            raise forms.ValidationError(
                _("Not a valid CPR number: use 10 digits, DDMMYY-XXXX, with a real date of birth.")
            )
        digits = normalise_cpr(cpr)
        if implausible_age(digits):
            self.refusal = "age outside 14-100 years"
            raise forms.ValidationError(
                _("The date of birth in this number gives an age under 14 or over 100; check it.")
            )
        return digits

    def clean(self):
        data = super().clean()
        digits = data.get("cpr")
        if digits and not passes_modulus_11(digits) and not data.get("confirmed"):
            self.refusal = "fails modulus 11, not confirmed"
            self.needs_confirmation = True
            self.add_error(
                "cpr",
                _(
                    "This number fails the check-digit test that most CPR numbers pass. Check it; "
                    "if it is right (some numbers issued since 2007 fail the test), type it again "
                    "and tick the box."
                ),
            )
        return data


class TransferForm(forms.Form):
    caseworker = forms.ModelChoiceField(
        queryset=Caseworker.objects.none(), label=_("New caseworker")
    )
    started_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    confirm = forms.BooleanField(
        label=_("I have read the warning above"),
        error_messages={"required": _("Confirm that you have read the warning.")},
    )

    def __init__(self, *args, caseworkers, current=None, since: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = caseworkers.select_related("user")
        if current is not None:
            qs = qs.exclude(pk=current.pk)
        self.fields["caseworker"].queryset = qs
        self.since = since

    def clean_started_on(self):
        """A change of caseworker happens today or happened since the current one started."""
        day = self.cleaned_data["started_on"]
        if day > dt.date.today():
            raise forms.ValidationError(_("The date of the change cannot be in the future."))
        earliest = max(FIRST_PLAUSIBLE_DAY, self.since or FIRST_PLAUSIBLE_DAY)
        if day < earliest:
            raise forms.ValidationError(
                _("The date of the change cannot be before %(day)s.")
                % {"day": formats.date_format(earliest, "SHORT_DATE_FORMAT")}
            )
        return day


class JobcenterForm(forms.ModelForm):
    class Meta:
        model = Jobcenter
        fields = ["jobcenter_id", "name"]


class UserForm(forms.Form):
    """Create a login with a role (and jobcentre for caseworkers and managers)."""

    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    jobcenter = forms.ModelChoiceField(
        label=_("Jobcentre"), queryset=Jobcenter.objects.all(), required=False
    )
    caseworker_id = forms.CharField(
        label=_("Caseworker id (pseudonymous, optional)"), max_length=64, required=False
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError(_("That user name is taken."))
        return name

    def clean(self):
        d = super().clean()
        if d.get("role") in (Role.CASEWORKER, Role.MANAGER) and not d.get("jobcenter"):
            self.add_error("jobcenter", _("Caseworkers and managers belong to a jobcentre."))
        if d.get("password"):
            # the would-be user, so the similarity check compares with the name and user name
            first, _sep, last = (d.get("full_name") or "").partition(" ")
            candidate = get_user_model()(
                username=d.get("username") or "", first_name=first, last_name=last
            )
            try:
                validate_password(d["password"], user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return d


class VersionForm(forms.Form):
    """New wordings for a new questionnaire version; one Danish and one English field per item."""

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items.values():
            for lang in ("da", "en"):
                self.fields[f"{item.id}_{lang}"] = forms.CharField(
                    label=f"{item.id} ({lang})",
                    required=False,
                    initial=item.wording.get(lang, ""),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def changed_wordings(self) -> dict[str, dict[str, str]]:
        out = {}
        for item in self.instrument.items.values():
            new = {
                lang: (self.cleaned_data.get(f"{item.id}_{lang}") or "").strip()
                for lang in ("da", "en")
            }
            if any(new[lang] != (item.wording.get(lang) or "") for lang in ("da", "en")):
                out[item.id] = new
        return out


class AuditSearchForm(forms.Form):
    username = forms.CharField(label=_("User"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    object_id = forms.CharField(label=_("Object"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    flagged = forms.BooleanField(label=_("Flagged only"), required=False)
