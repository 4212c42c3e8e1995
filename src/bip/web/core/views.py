"""Views. Each derives from a role-checked base in ``access.py`` and names its roles."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import shutil
import tempfile
import uuid
import zipfile
from collections import Counter
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from bip.instrument import B_ITEMS, GROUPS, PAIRS, S_ITEMS, InstrumentError, derive_version
from bip.web.converters import OpaqueId
from bip.web.core import services
from bip.web.core.access import (
    CitizenView,
    MeasurementView,
    RoleView,
    caseload_citizens_for,
    caseworkers_for,
    citizens_for,
    own_caseworker,
)
from bip.web.core.audit import audit
from bip.web.core.charts import line_chart
from bip.web.core.forms import (
    AuditSearchForm,
    CprForm,
    JobcenterForm,
    MeasurementForm,
    TransferForm,
    UserForm,
    VersionForm,
)
from bip.web.core.models import (
    AuditLog,
    Caseworker,
    Citizen,
    Jobcenter,
    Profile,
    QuestionnaireVersion,
    Role,
)
from bip.web.core.throttle import ThrottledAuthenticationForm
from bip.web.identity import KeyMissing, citizen_id_for

PENDING = "bip_pending_citizen"  # session key: pseudonym of a CPR looked up but not enrolled


class LoginView(auth_views.LoginView):
    """Login with throttling (the only public view besides logout and language)."""

    form_class = ThrottledAuthenticationForm
    template_name = "bip/login.html"
    redirect_authenticated_user = True


class HomeView(RoleView):
    roles = tuple(Role.values)

    def get(self, request):
        target = {
            Role.CASEWORKER: "caseload",
            Role.MANAGER: "dashboard",
            Role.ANALYST: "analyst",
            Role.ADMIN: "admin_users",
        }[self.role]
        return redirect(target)


# --- caseload and finding citizens -----------------------------------------------------------


class CaseloadView(RoleView):
    """A caseworker's citizens (or the whole jobcentre's); a manager picks a caseworker."""

    roles = (Role.CASEWORKER, Role.MANAGER)

    def get(self, request):
        citizens = caseload_citizens_for(request.user)
        me = own_caseworker(request.user)
        scope = request.GET.get("scope", "mine" if me and self.role == Role.CASEWORKER else "all")
        cw_choices = caseworkers_for(request.user).select_related("user").order_by("caseworker_id")
        selected = request.GET.get("caseworker")
        if scope == "mine" and me:
            citizens = citizens.filter(caseworker=me)
        elif selected:
            citizens = citizens.filter(caseworker__caseworker_id=selected)
        rows = services.caseload(citizens)
        rows_html = _caseload_rows_html(rows, self.role == Role.CASEWORKER)
        audit(
            request.user,
            self.role,
            "caseload.view",
            "caseload",
            selected or scope,
            f"{len(rows)} citizens",
        )
        counts = Counter(r.status for r in rows)
        return render(
            request,
            "bip/caseload.html",
            {
                "rows": rows,
                "rows_html": rows_html,
                "scope": scope,
                "counts": counts,
                "caseworkers": cw_choices,
                "selected": selected,
                "can_open": self.role == Role.CASEWORKER,
                "cpr_form": CprForm(),
                "me": me,
            },
        )


def _caseload_rows_html(rows, can_open: bool) -> str:
    """The caseload table body, built in Python rather than through the template engine, with the
    standard library's ``html.escape``: Django's lazy-string-aware ``escape`` cost about 3x as
    much per call at 1,000 rows (cProfile)."""
    labels = {
        s: html.escape(t)
        for s, t in (
            ("overdue", _("overdue")),
            ("due", _("due")),
            ("never", _("not measured")),
            ("ok", _("ok")),
        )
    }
    link = reverse(
        "citizen", args=["CITIZEN"]
    )  # reverse() once; each row's id via the same converter
    in_url = OpaqueId().to_url
    out = []
    for r in rows:
        short = html.escape(r.citizen_id[:10])
        # the converter's output is URL-safe characters only, none of which needs HTML escaping
        name = (
            f'<a href="{link.replace("CITIZEN", in_url(r.citizen_id))}">{short}</a>'
            if can_open
            else short
        )
        last = r.last.isoformat() if r.last else "–"
        weeks = "–" if r.weeks is None else r.weeks
        out.append(
            f'<tr class="st-{r.status}"><td>{name}</td><td>{html.escape(r.caseworker) or "–"}</td><td>{last}</td>'
            f'<td>{weeks}</td><td><span class="badge {r.status}">{labels[r.status]}</span></td>'
            f'<td class="code">{r.combination or "–"}</td></tr>'
        )
    if not out:
        out.append(f'<tr><td colspan="6">{html.escape(_("No citizens."))}</td></tr>')
    return mark_safe("".join(out))  # every interpolated value is escaped or fixed text


@method_decorator(sensitive_post_parameters("cpr"), name="dispatch")
class FindCitizenView(RoleView):
    """Find by CPR: validated, hashed with the HMAC key, then forgotten. POST only (no URL/logs)."""

    roles = (Role.CASEWORKER,)

    def get(self, request):
        return render(request, "bip/find.html", {"form": CprForm()})

    def post(self, request):
        form = CprForm(request.POST)
        if not form.is_valid():
            return render(request, "bip/find.html", {"form": form}, status=400)
        try:
            cid = citizen_id_for(form.cleaned_data["cpr"])
        except KeyMissing:
            messages.error(
                request, _("The pseudonymisation key is not configured; ask the administrator.")
            )
            return render(request, "bip/find.html", {"form": CprForm()}, status=503)
        citizen = citizens_for(request.user).filter(citizen_id=cid).first()
        if citizen:
            audit(request.user, self.role, "citizen.find", "citizen", cid, "found")
            return redirect("citizen", citizen_id=cid)
        audit(request.user, self.role, "citizen.find", "citizen", "", "not found")
        if Citizen.objects.filter(citizen_id=cid).exists():
            # Enrolled at another jobcentre: do not reveal anything about them.
            messages.error(request, _("No citizen with that CPR number in your jobcentre."))
            return render(request, "bip/find.html", {"form": CprForm()}, status=404)
        request.session[PENDING] = cid
        return render(request, "bip/find.html", {"form": CprForm(), "offer_enrol": True})


class EnrolView(RoleView):
    """Enrol the citizen last looked up (pseudonym kept in the session, never the CPR)."""

    roles = (Role.CASEWORKER,)

    def post(self, request):
        cid = request.session.pop(PENDING, None)
        if not cid:
            messages.error(request, _("Look the citizen up by CPR number first."))
            return redirect("find")
        me = own_caseworker(request.user)
        with transaction.atomic():
            citizen, created = Citizen.objects.get_or_create(
                citizen_id=cid,
                defaults={
                    "jobcenter_id": self.profile.jobcenter_id,
                    "enrolled_on": dt.date.today(),
                    "caseworker": me,
                },
            )
            if created and me:
                citizen.assignments.create(
                    caseworker=me,
                    started_on=dt.date.today(),
                    reason="enrolled",
                    created_by=request.user,
                )
        if citizen.jobcenter_id != self.profile.jobcenter_id:
            raise Http404
        audit(request.user, self.role, "citizen.enrol", "citizen", cid)
        messages.success(request, _("The citizen is enrolled in progression measurement."))
        return redirect("citizen", citizen_id=cid)


# --- one citizen -----------------------------------------------------------------------------


class CitizenDetailView(CitizenView):
    """History, charts, paired items, activities over time, caseworker changes."""

    def get(self, request, citizen_id):
        citizen = self.get_citizen()
        lang = get_language() or "da"
        inst = services.instrument()
        ms = list(
            citizen.measurements.select_related("caseworker__user").order_by("measured_on", "id")
        )
        audit(request.user, self.role, "citizen.view", "citizen", citizen.citizen_id)

        def pts(attr):
            return [(m.measured_on, getattr(m, attr)) for m in ms]

        avg_chart = line_chart(
            [
                (_("Citizen (B average)"), [(m.measured_on, m.b_avg) for m in ms]),
                (_("Caseworker (S average)"), [(m.measured_on, m.s_avg) for m in ms]),
            ],
            title=_("Averages"),
            width=660,
            height=240,
        )
        who_b, who_s = _("citizen"), _("caseworker")
        pair_charts = [
            line_chart(
                [(f"{b} {who_b}", pts(b)), (f"{s} {who_s}", pts(s))],
                title=f"{b}–{s} {inst.items[b].text(lang)}",
            )
            for b, s in PAIRS
        ]
        item_charts = [
            line_chart(
                [(i, pts(i))], title=f"{i} {inst.items[i].text(lang)}", width=210, height=140
            )
            for i in (*B_ITEMS, *S_ITEMS)
        ]
        changes = []
        for prev, cur in zip(ms, ms[1:], strict=False):
            if prev.caseworker_id != cur.caseworker_id:
                changes.append(
                    {
                        "on": cur.measured_on,
                        "from": prev.caseworker,
                        "to": cur.caseworker,
                        "source": _("measurement"),
                    }
                )
        for a in citizen.assignments.select_related("caseworker__user", "previous__user"):
            if a.is_change:
                changes.append(
                    {
                        "on": a.started_on,
                        "from": a.previous,
                        "to": a.caseworker,
                        "source": _("transfer"),
                    }
                )
        changes.sort(key=lambda c: c["on"])
        history = [
            {"m": m, "combination": m.combination, "b": m.b_avg, "s": m.s_avg} for m in reversed(ms)
        ]
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
        return render(
            request,
            "bip/citizen.html",
            {
                "citizen": citizen,
                "history": history,
                "avg_chart": avg_chart,
                "pair_charts": pair_charts,
                "item_charts": item_charts,
                "changes": changes,
                "activities": activities,
                "status": services.status_of(last, dt.date.today()),
                "due_on": last + dt.timedelta(weeks=13) if last else None,
                "group_labels": [(g, inst.group_label(g, lang)) for g in GROUPS],
            },
        )


PART_SETS = {
    "both": {"citizen", "caseworker"},
    "citizen": {"citizen"},
    "caseworker": {"caseworker"},
}


def _lang() -> str:
    return "en" if (get_language() or "da").startswith("en") else "da"


def _form_context(form, inst, parts, **extra):
    lang = _lang()
    s1_groups = []
    if "S1" in form.fields:
        opts = inst.s1_options(lang)
        bound = {str(w.data["value"]): w for w in form["S1"]}
        for g in (*GROUPS, "none", "dont_know"):
            widgets = [bound[str(n)] for n, grp, _t in opts if grp == g]
            label = inst.group_label(g, lang) if g in GROUPS else ""
            s1_groups.append({"group": g, "label": label, "widgets": widgets})
    return {
        "form": form,
        "parts": parts,
        "b_fields": [form[b] for b in B_ITEMS if b in form.fields],
        "s_fields": [form[s] for s in S_ITEMS if s in form.fields],
        "s1_groups": s1_groups,
        "placeholders": inst.placeholders(),
        "version": inst.version,
        **extra,
    }


class MeasurementCreateView(CitizenView):
    """A new measurement: both parts, or only the citizen's (tablet screen), or only the caseworker's."""

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("part") not in PART_SETS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _template(self, part):
        return (
            "bip/citizen_questionnaire.html" if part == "citizen" else "bip/measurement_form.html"
        )

    def get(self, request, citizen_id, part):
        citizen = self.get_citizen()
        inst = services.instrument()
        form = MeasurementForm(
            instrument=inst,
            parts=PART_SETS[part],
            lang=_lang(),
            initial={"measured_on": dt.date.today(), "idempotency_key": uuid.uuid4().hex},
        )
        return render(
            request,
            self._template(part),
            _form_context(form, inst, part, citizen=citizen, new=True),
        )

    def post(self, request, citizen_id, part):
        citizen = self.get_citizen()
        inst = services.instrument()
        form = MeasurementForm(request.POST, instrument=inst, parts=PART_SETS[part], lang=_lang())
        if not form.is_valid():
            return render(
                request,
                self._template(part),
                _form_context(form, inst, part, citizen=citizen, new=True),
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
        m, created = services.create_measurement(
            citizen,
            cw_id,
            form.values(),
            version=inst.version,
            idempotency_key=form.cleaned_data.get("idempotency_key") or None,
            user=request.user,
        )
        audit(
            request.user,
            self.role,
            "measurement.create" if created else "measurement.resubmit",
            "measurement",
            m.measurement_id,
            f"citizen {citizen.citizen_id} part {part}",
        )
        if created:
            messages.success(request, _("The measurement is saved."))
        else:
            messages.info(
                request, _("This form was already submitted; the measurement was saved once.")
            )
        if part == "citizen":
            return redirect("measurement_done", measurement_id=m.measurement_id)
        return redirect("citizen", citizen_id=citizen.citizen_id)


class MeasurementEditView(MeasurementView):
    """Edit (or add) one part of an existing measurement, with optimistic concurrency."""

    def _template(self, part):
        return (
            "bip/citizen_questionnaire.html" if part == "citizen" else "bip/measurement_form.html"
        )

    def get(self, request, measurement_id, part):
        if part not in PART_SETS:
            raise Http404
        m = self.get_measurement()
        inst = services.instrument(m.questionnaire_version)
        form = MeasurementForm(
            instrument=inst,
            parts=PART_SETS[part],
            lang=_lang(),
            initial=MeasurementForm.initial_from(m, PART_SETS[part]),
        )
        audit(request.user, self.role, "measurement.view", "measurement", m.measurement_id)
        return render(
            request,
            self._template(part),
            _form_context(form, inst, part, citizen=m.citizen, measurement=m),
        )

    def post(self, request, measurement_id, part):
        if part not in PART_SETS:
            raise Http404
        m = self.get_measurement()
        inst = services.instrument(m.questionnaire_version)
        form = MeasurementForm(request.POST, instrument=inst, parts=PART_SETS[part], lang=_lang())
        ctx = {"citizen": m.citizen, "measurement": m}
        if not form.is_valid():
            return render(
                request, self._template(part), _form_context(form, inst, part, **ctx), status=400
            )
        revision = form.cleaned_data.get("revision")
        if revision is None:
            form.add_error(None, _("The form is incomplete; reload the page."))
            return render(
                request, self._template(part), _form_context(form, inst, part, **ctx), status=400
            )
        try:
            services.update_measurement(m, form.values(), revision=revision, user=request.user)
        except services.Conflict:
            audit(request.user, self.role, "measurement.conflict", "measurement", m.measurement_id)
            form.add_error(
                None,
                _(
                    "Someone else saved this measurement while you were editing it. "
                    "Nothing was overwritten: reload the page to see their answers, then make your changes again."
                ),
            )
            return render(
                request,
                self._template(part),
                _form_context(form, inst, part, conflict=True, **ctx),
                status=409,
            )
        audit(
            request.user,
            self.role,
            "measurement.update",
            "measurement",
            m.measurement_id,
            f"part {part}",
        )
        messages.success(request, _("The measurement is saved."))
        if part == "citizen":
            return redirect("measurement_done", measurement_id=m.measurement_id)
        return redirect("citizen", citizen_id=m.citizen.citizen_id)


class MeasurementDoneView(MeasurementView):
    """Thank-you screen after the citizen questionnaire (hands the tablet back)."""

    def get(self, request, measurement_id):
        m = self.get_measurement()
        audit(request.user, self.role, "measurement.done", "measurement", m.measurement_id)
        return render(request, "bip/citizen_done.html", {"m": m, "citizen": m.citizen})


class TransferView(CitizenView):
    """Transfer to another caseworker of the jobcentre, recorded as a caseworker change."""

    def _form(self, citizen, data=None):
        return TransferForm(
            data,
            caseworkers=caseworkers_for(self.request.user),
            current=citizen.caseworker,
            initial={"started_on": dt.date.today()},
        )

    def get(self, request, citizen_id):
        citizen = self.get_citizen()
        return render(
            request, "bip/transfer.html", {"citizen": citizen, "form": self._form(citizen)}
        )

    def post(self, request, citizen_id):
        citizen = self.get_citizen()
        form = self._form(citizen, request.POST)
        if not form.is_valid():
            return render(
                request, "bip/transfer.html", {"citizen": citizen, "form": form}, status=400
            )
        a = services.transfer(
            citizen,
            form.cleaned_data["caseworker"],
            started_on=form.cleaned_data["started_on"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
        audit(
            request.user,
            self.role,
            "citizen.transfer",
            "citizen",
            citizen.citizen_id,
            f"{a.previous.caseworker_id if a.previous else '-'} -> {a.caseworker.caseworker_id}",
        )
        messages.success(request, _("The citizen is transferred; the change is recorded."))
        return redirect("citizen", citizen_id=citizen.citizen_id)


# --- manager and analyst ---------------------------------------------------------------------


class AnalystView(RoleView):
    """Pseudonymous data for analysts: per-jobcentre counts and a dataset download."""

    roles = (Role.ANALYST,)

    def get(self, request):
        from django.db.models import Count

        jcs = Jobcenter.objects.annotate(n_citizens=Count("citizens", distinct=True)).order_by(
            "jobcenter_id"
        )
        return render(request, "bip/analyst.html", {"jobcenters": jcs})


class AnalystExportView(RoleView):
    """The tool's data as a format-v1 dataset (zip of CSV files, pseudonyms only)."""

    roles = (Role.ANALYST,)

    def get(self, request):
        from bip.web.exchange import export_db

        tmp = Path(tempfile.mkdtemp(prefix="bip-export-"))
        try:
            out = export_db(tmp / "dataset", fmt="csv")
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for f in sorted(out.iterdir()):
                    z.write(f, f"bip-dataset/{f.name}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        audit(
            request.user, self.role, "dataset.export", "dataset", "", "all jobcentres, pseudonymous"
        )
        buf.seek(0)
        return FileResponse(buf, as_attachment=True, filename=f"bip-dataset-{dt.date.today()}.zip")


# --- administration --------------------------------------------------------------------------


class AdminJobcentersView(RoleView):
    roles = (Role.ADMIN,)

    def get(self, request, form=None):
        return render(
            request,
            "bip/admin_jobcenters.html",
            {
                "form": form or JobcenterForm(),
                "jobcenters": Jobcenter.objects.order_by("jobcenter_id"),
            },
        )

    def post(self, request):
        form = JobcenterForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        jc = form.save()
        audit(request.user, self.role, "jobcenter.create", "jobcenter", jc.jobcenter_id)
        messages.success(request, _("Jobcentre created."))
        return redirect("admin_jobcenters")


class AdminUsersView(RoleView):
    roles = (Role.ADMIN,)

    def get(self, request, form=None):
        users = get_user_model().objects.select_related("profile__jobcenter").order_by("username")
        return render(request, "bip/admin_users.html", {"form": form or UserForm(), "users": users})

    def post(self, request):
        if "toggle_active" in request.POST:
            return self._toggle(request, request.POST["toggle_active"])
        form = UserForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        d = form.cleaned_data
        with transaction.atomic():
            first, _sep, last = d["full_name"].partition(" ")
            user = get_user_model().objects.create_user(
                d["username"], password=d["password"], first_name=first, last_name=last
            )
            Profile.objects.create(user=user, role=d["role"], jobcenter=d["jobcenter"])
            if d["role"] == Role.CASEWORKER:
                cw_id = d["caseworker_id"] or f"cw-{uuid.uuid4().hex[:12]}"
                cw, _c = Caseworker.objects.get_or_create(
                    caseworker_id=cw_id, defaults={"jobcenter": d["jobcenter"]}
                )
                if cw.jobcenter_id != d["jobcenter"].pk or cw.user_id:
                    transaction.set_rollback(True)
                    form.add_error(
                        "caseworker_id",
                        _("That caseworker id belongs to another jobcentre or login."),
                    )
                    return self.get(request, form)
                cw.user = user
                cw.save(update_fields=["user"])
        audit(request.user, self.role, "user.create", "user", user.username, d["role"])
        messages.success(request, _("User created."))
        return redirect("admin_users")

    def _toggle(self, request, username):
        """Deactivate or reactivate a login (users are never deleted: the audit log names them)."""
        user = get_object_or_404(get_user_model(), username=username)
        if user == request.user:
            messages.error(request, _("You cannot deactivate yourself."))
            return redirect("admin_users")
        user.is_active = not user.is_active
        user.save(update_fields=["is_active"])
        audit(
            request.user,
            self.role,
            "user.activate" if user.is_active else "user.deactivate",
            "user",
            user.username,
        )
        return redirect("admin_users")


class AdminVersionsView(RoleView):
    roles = (Role.ADMIN,)

    def get(self, request, form=None):
        inst = services.instrument()
        return render(
            request,
            "bip/admin_versions.html",
            {
                "form": form or VersionForm(instrument=inst),
                "current": inst,
                "versions": QuestionnaireVersion.objects.all(),
            },
        )

    def post(self, request):
        inst = services.instrument()
        form = VersionForm(request.POST, instrument=inst)
        if not form.is_valid():
            return self.get(request, form)
        changed = form.changed_wordings()
        if not changed:
            form.add_error(None, _("No wording was changed."))
            return self.get(request, form)
        try:
            new = derive_version(inst, inst.version + 1, changed)
        except InstrumentError as exc:
            form.add_error(None, str(exc))
            return self.get(request, form)
        with transaction.atomic():
            if not QuestionnaireVersion.objects.exists():
                QuestionnaireVersion.objects.create(version=inst.version, yaml=inst.to_yaml())
            QuestionnaireVersion.objects.create(
                version=new.version, yaml=new.to_yaml(), published_by=request.user
            )
        audit(
            request.user,
            self.role,
            "questionnaire.publish",
            "questionnaire",
            str(new.version),
            ",".join(sorted(changed)),
        )
        messages.success(
            request, _("Questionnaire version %(v)d is published.") % {"v": new.version}
        )
        return redirect("admin_versions")


class AdminImportView(RoleView):
    """Import a dataset (zip of a format-v1 folder): validated first, then all or nothing."""

    roles = (Role.ADMIN,)
    MAX_BYTES = 512 * 1024 * 1024

    def get(self, request, problems=None, status=200):
        return render(request, "bip/admin_import.html", {"problems": problems}, status=status)

    def post(self, request):
        from bip.dataset import DatasetError
        from bip.web.exchange import ImportConflict, import_db

        upload = request.FILES.get("dataset")
        if upload is None or not zipfile.is_zipfile(upload):
            messages.error(request, _("Choose a zip file with the dataset's CSV or Parquet files."))
            return self.get(request, status=400)
        tmp = Path(tempfile.mkdtemp(prefix="bip-import-"))
        try:
            with zipfile.ZipFile(upload) as z:
                names = [n for n in z.namelist() if not n.endswith("/")]
                if sum(i.file_size for i in z.infolist()) > self.MAX_BYTES or any(
                    n.startswith("/") or ".." in Path(n).parts for n in names
                ):
                    messages.error(request, _("The zip file is too large or has unsafe paths."))
                    return self.get(request, status=400)
                for n in names:  # flatten: the tables may sit in a sub-folder of the zip
                    name = Path(n).name
                    if name.endswith((".csv", ".parquet")):
                        (tmp / name).write_bytes(z.read(n))
            try:
                counts = import_db(tmp)
            except DatasetError as exc:
                return self.get(request, problems=exc.report.errors[:200], status=400)
            except ImportConflict as exc:
                messages.error(request, f"{exc}. " + _("Nothing was imported."))
                return self.get(request, status=409)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        audit(request.user, self.role, "dataset.import", "dataset", upload.name[:64], detail)
        messages.success(request, _("Imported: %(detail)s.") % {"detail": detail})
        return redirect("admin_import")


class AdminAuditView(RoleView):
    """Search the audit log; ``?format=csv`` exports the matching entries."""

    roles = (Role.ADMIN,)

    def get(self, request):
        form = AuditSearchForm(request.GET or None)
        qs = AuditLog.objects.all()
        if form.is_valid():
            d = form.cleaned_data
            if d["username"]:
                qs = qs.filter(username__iexact=d["username"])
            if d["action"]:
                qs = qs.filter(action__icontains=d["action"])
            if d["object_id"]:
                qs = qs.filter(object_id__icontains=d["object_id"])
            if d["date_from"]:
                qs = qs.filter(at__date__gte=d["date_from"])
            if d["date_to"]:
                qs = qs.filter(at__date__lte=d["date_to"])
        if request.GET.get("format") == "csv":
            resp = HttpResponse(content_type="text/csv; charset=utf-8")
            resp["Content-Disposition"] = 'attachment; filename="bip-audit.csv"'
            w = csv.writer(resp)
            w.writerow(["at", "username", "role", "action", "object_type", "object_id", "detail"])
            for e in qs.iterator():
                w.writerow(
                    [
                        e.at.isoformat(),
                        e.username,
                        e.role,
                        e.action,
                        e.object_type,
                        e.object_id,
                        e.detail,
                    ]
                )
            audit(
                request.user, self.role, "audit.export", "audit", "", request.GET.urlencode()[:300]
            )
            return resp
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "bip/admin_audit.html",
            {"form": form, "page": page, "query": query.urlencode()},
        )


def forbidden(request, exception=None):
    """403 page in the tool's layout."""
    return render(
        request,
        "bip/error.html",
        {"code": 403, "message": _("You do not have access to this page.")},
        status=403,
    )


def not_found(request, exception=None):
    return render(request, "bip/error.html", {"code": 404, "message": _("Not found.")}, status=404)
