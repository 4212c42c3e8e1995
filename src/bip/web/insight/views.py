"""Insight pages. Every view derives from ``core.access.RoleView`` and names its roles."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bip.dataset.schema import REGISTER_TABLES
from bip.instrument import GROUPS
from bip.web.core.access import RoleView, jobcenters_for
from bip.web.core.audit import audit
from bip.web.core.detailwords import in_words, log_lines
from bip.web.core.labels import REGISTERS, register_label
from bip.web.core.models import Caseworker, Role
from bip.web.insight import dashboard, effectiveness, export, runs, svg
from bip.web.insight.models import AnalysisRun, RegisterUpload, Team


class FilterForm(forms.Form):
    """Dashboard filters: jobcentre (analysts), team, period."""

    jobcenter = forms.CharField(required=False)
    team = forms.IntegerField(required=False)
    start = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("From")
    )
    end = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=gettext_lazy("To")
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period starts after it ends."))
        return data


def josh_legend() -> str:
    """ "J Job-focused, O Up-skilling, S Social, H Health" from the questionnaire's own group
    labels (in the page's language), so that the legend cannot disagree with the S1 groups."""
    from bip.web.core.selectors.questionnaire import instrument

    inst, lang = instrument(), (get_language() or "da")[:2]
    return ", ".join(f"{g} {inst.group_label(g, lang)}" for g in GROUPS)


def _scope(request):
    """(jobcentre, team or None, filter form) for the request, within the user's scope (else 404)."""
    allowed = jobcenters_for(request.user).order_by("jobcenter_id")
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    wanted = data.get("jobcenter") or request.GET.get("jobcenter")
    jc = get_object_or_404(allowed, jobcenter_id=wanted) if wanted else allowed.first()
    if jc is None:
        raise Http404
    team = get_object_or_404(Team, pk=data["team"], jobcenter=jc) if data.get("team") else None
    return jc, team, form, data, allowed


class DashboardView(RoleView):
    """The jobcentre dashboard: cadence, no activity, activity mix, progression, changes, outcomes."""

    roles = (Role.MANAGER, Role.ANALYST)
    template = "insight/dashboard.html"

    def get(self, request):
        jc, team, form, data, allowed = _scope(request)
        ctx = dashboard.figures_context(jc, team, data, manager=self.role == Role.MANAGER)
        ctx.update({"form": form, "jobcenters": allowed, "josh_groups": josh_legend()})
        ctx["export_query"] = request.GET.urlencode()
        start, end = data.get("start"), data.get("end")
        audit(
            request.user,
            self.role,
            "dashboard.view",
            "jobcenter",
            jc.jobcenter_id,
            f"team={team.pk if team else ''} start={start or ''} end={end or ''}",
        )
        return render(request, self.template, ctx)


class DashboardExportView(RoleView):
    """The dashboard's figures as CSV or Excel: the cells the page shows, suppression applied."""

    roles = (Role.MANAGER, Role.ANALYST)

    def get(self, request, fmt):
        if fmt not in export.FORMATS:
            raise Http404
        jc, team, _form, data, _allowed = _scope(request)
        ctx = dashboard.figures_context(jc, team, data, manager=self.role == Role.MANAGER)
        table = export.dashboard_table(ctx)
        start, end = data.get("start"), data.get("end")
        audit(
            request.user,
            self.role,
            "dashboard.export",
            "jobcenter",
            jc.jobcenter_id,
            f"{fmt} team={team.pk if team else ''} start={start or ''} end={end or ''}",
        )
        return export.response(table, fmt, f"dashboard-{jc.jobcenter_id}")


class EffectivenessView(RoleView):
    """Shrunken caseworker effects with intervals (analysts); team means only (managers)."""

    roles = (Role.MANAGER, Role.ANALYST)

    def get(self, request):
        jc, _team, form, _data, allowed = _scope(request)
        latest = runs.latest_results()
        ctx = {
            "jc": jc,
            "jobcenters": allowed,
            "run": latest[0] if latest else None,
            "rows": [],
            "teams": [],
        }
        if latest:
            a6 = latest[1].a6_caseworkers
            ctx["status"] = a6.status
            ctx["beyond"] = a6.beyond
            if a6.beyond and a6.beyond.median_citizens_per_caseworker:
                ctx["per_caseworker"] = round(a6.beyond.median_citizens_per_caseworker)
            # An estimated spread of 0 makes every shrunken effect 0 with a zero-width interval:
            # that says "not distinguishable from chance", not "exactly equal", so say it in words.
            ctx["no_spread"] = a6.status == "ok" and a6.beyond and a6.beyond.true_effect_sd == 0
            ids = set(
                Caseworker.objects.filter(jobcenter=jc).values_list("caseworker_id", flat=True)
            )
            if self.role == Role.ANALYST:
                rows = effectiveness.caseworker_rows(a6, ids)
                ctx["rows"] = rows
                ctx["chart"] = dashboard.both_widths(
                    svg.interval_chart,
                    [(r["caseworker_id"][-8:], r, {}) for r in rows],
                    title=_("Shrunken caseworker effects, 95 % interval"),
                    labels=(str(jc), ""),
                )
            teams = {
                t.name: list(t.caseworkers.values_list("caseworker_id", flat=True))
                for t in Team.objects.filter(jobcenter=jc)
            }
            teams[_("Whole jobcentre")] = sorted(ids)
            ctx["teams"] = effectiveness.team_rows(a6, teams)
            ctx["min_team"] = effectiveness.MIN_TEAM_CASEWORKERS
        audit(request.user, self.role, "effectiveness.view", "jobcenter", jc.jobcenter_id)
        return render(request, "insight/effectiveness.html", ctx)


class TeamForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("Team name"))
    caseworkers = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Caseworkers")
    )

    def __init__(self, *args, jobcenter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworkers"].choices = [
            (c.caseworker_id, str(c))
            for c in Caseworker.objects.filter(jobcenter=jobcenter)
            .select_related("user")
            .order_by("caseworker_id")
        ]


class TeamsView(RoleView):
    """A manager groups the own jobcentre's caseworkers into teams (dashboard filter)."""

    roles = (Role.MANAGER,)

    def get(self, request, form=None):
        jc = self.profile.jobcenter
        teams = Team.objects.filter(jobcenter=jc).prefetch_related("caseworkers")
        return render(
            request,
            "insight/teams.html",
            {"jc": jc, "teams": teams, "form": form or TeamForm(jobcenter=jc)},
        )

    def post(self, request):
        jc = self.profile.jobcenter
        form = TeamForm(request.POST, jobcenter=jc)
        if not form.is_valid():
            return self.get(request, form)
        team, _created = Team.objects.get_or_create(jobcenter=jc, name=form.cleaned_data["name"])
        team.caseworkers.set(
            Caseworker.objects.filter(
                jobcenter=jc, caseworker_id__in=form.cleaned_data["caseworkers"]
            )
        )
        audit(request.user, self.role, "team.save", "team", str(team.pk), team.name[:100])
        messages.success(request, _("Team saved."))
        return redirect("insight_teams")


class RunsView(RoleView):
    """Analysis runs: start one on the current data, see earlier ones."""

    roles = (Role.ANALYST,)

    def get(self, request):
        return render(
            request,
            "insight/runs.html",
            {
                "runs": AnalysisRun.objects.all()[:50],
                "uploads": RegisterUpload.objects.filter(active=True),
            },
        )

    def post(self, request):
        try:
            run = runs.start_run(request.user, lang=(get_language() or "da")[:2])
        except runs.RunBusy:
            messages.error(request, _("An analysis is already running; wait for it to finish."))
            return redirect("insight_runs")
        audit(request.user, self.role, "analysis.start", "analysis_run", str(run.pk))
        return redirect("insight_run", run_id=run.pk)


class RunDetailView(RoleView):
    """One run: progress while it runs (the page refreshes itself), downloads when done."""

    roles = (Role.ANALYST,)

    def get(self, request, run_id):
        run = get_object_or_404(AnalysisRun, pk=run_id)
        pct = (
            min(99, int(100 * run.steps_done / runs.expected_steps(run)))
            if not run.finished
            else 100
        )
        step, step_known = in_words(run.step)
        ctx = {
            "run": run,
            "pct": pct,
            "downloads": runs.available(run),
            "step": step,
            "step_known": step_known,
            "log_lines": log_lines(run.log),
            "registers": [register_label(t.strip()) for t in run.registers.split(",") if t.strip()],
        }
        return render(request, "insight/run.html", ctx)


class RunDownloadView(RoleView):
    """A file of a finished run (report, results.json, exports)."""

    roles = (Role.ANALYST,)

    def get(self, request, run_id, name):
        run = get_object_or_404(AnalysisRun, pk=run_id)
        path = runs.download_path(run, name)
        if path is None:
            raise Http404
        audit(request.user, self.role, "analysis.download", "analysis_run", str(run.pk), name)
        return FileResponse(open(path, "rb"), as_attachment=True, filename=f"bip-{run.pk}-{name}")


class RegisterForm(forms.Form):
    table = forms.ChoiceField(
        choices=[(t, REGISTERS.get(t, t)) for t in REGISTER_TABLES],
        label=gettext_lazy("Register table"),
    )
    file = forms.FileField(label=gettext_lazy("File (CSV or Parquet)"))


class RegisterUploadView(RoleView):
    """The administrator uploads register files: validated, pseudonymised, stored - or nothing."""

    roles = (Role.ADMIN,)

    def get(self, request, form=None, problems=None, status=200):
        ctx = {
            "form": form or RegisterForm(),
            "problems": problems,
            "uploads": RegisterUpload.objects.all()[:100],
        }
        return render(request, "insight/registers.html", ctx, status=status)

    def post(self, request):
        from bip.dataset.problems import Problem
        from bip.web.insight.uploads import MAX_BYTES, UploadRejected, accept_register_file

        form = RegisterForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.get(request, form, status=400)
        f = form.cleaned_data["file"]
        if f.size > MAX_BYTES:
            problem = Problem(
                f.name, None, None, f"the file is larger than {MAX_BYTES // 1024**3} GiB", "error"
            )
            return self.get(request, form, problems=[problem], status=400)
        tmp = Path(tempfile.mkdtemp(prefix="bip-upload-"))
        try:
            src = tmp / "upload"
            with open(src, "wb") as out:
                for chunk in f.chunks():
                    out.write(chunk)
            try:
                up = accept_register_file(src, form.cleaned_data["table"], f.name, request.user)
            except UploadRejected as exc:
                audit(
                    request.user,
                    self.role,
                    "register.rejected",
                    "register",
                    form.cleaned_data["table"],
                    f.name[:200],
                )
                return self.get(request, form, problems=exc.problems[:200], status=400)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        audit(
            request.user,
            self.role,
            "register.upload",
            "register",
            up.table,
            f"{up.rows} rows, {f.name}"[:300],
        )
        messages.success(
            request, _("%(table)s stored: %(rows)s rows.") % {"table": up.table, "rows": up.rows}
        )
        return redirect("insight_registers")
