"""Administration: jobcentres, logins (with a second administrator's approval),
questionnaire versions, dataset import, the audit log."""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bip.dataset.archive import ZipRejected, extract_dataset_zip
from bip.instrument import InstrumentError
from bip.web.core import selectors, services
from bip.web.core.access import RoleView
from bip.web.core.detailwords import in_words
from bip.web.core.forms import AuditSearchForm, JobcenterForm, UserForm, VersionForm
from bip.web.core.labels import action_label, role_label
from bip.web.core.models import Role


class AdminJobcentersView(RoleView):
    roles = (Role.ADMIN,)

    def get(self, request, form=None):
        ctx = {"form": form or JobcenterForm(), "jobcenters": selectors.jobcenters()}
        return render(request, "bip/admin_jobcenters.html", ctx, status=400 if form else 200)

    def post(self, request):
        form = JobcenterForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        services.jobcenter_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Jobcentre created."))
        return redirect("admin_jobcenters")


class AdminUsersView(RoleView):
    """Logins: create (pending approval), approve others' new logins, (de)activate."""

    roles = (Role.ADMIN,)

    def get(self, request, form=None, status=200):
        ctx = {"form": form or UserForm(), "users": selectors.users()}
        return render(request, "bip/admin_users.html", ctx, status=status)

    def post(self, request):
        for action in ("approve", "toggle_active"):
            if action in request.POST:
                return self._act(request, action, request.POST[action])
        form = UserForm(request.POST)
        if not form.is_valid():
            return self.get(request, form, status=400)
        d = form.cleaned_data
        try:
            services.user_create(
                created_by=request.user,
                username=d["username"],
                password=d["password"],
                role=d["role"],
                full_name=d["full_name"],
                jobcenter=d["jobcenter"],
                caseworker_id=d["caseworker_id"],
            )
        except services.StaffError as exc:
            form.add_error(exc.field, str(exc))
            return self.get(request, form, status=400)
        messages.success(
            request, _("User created. A second administrator must approve it before it can log in.")
        )
        return redirect("admin_users")

    def _act(self, request, action: str, username: str):
        User = get_user_model()
        try:
            if action == "approve":
                services.user_approve(user=request.user, username=username)
                messages.success(request, _("The login is approved and can log in."))
            else:
                services.user_set_active(user=request.user, username=username)
        except User.DoesNotExist:
            messages.error(request, _("No such user."))
        except services.StaffError as exc:
            messages.error(request, str(exc))
        return redirect("admin_users")


class AdminVersionsView(RoleView):
    roles = (Role.ADMIN,)

    def get(self, request, form=None):
        inst = selectors.instrument()
        ctx = {
            "form": form or VersionForm(instrument=inst),
            "current": inst,
            "versions": selectors.versions(),
        }
        return render(request, "bip/admin_versions.html", ctx, status=400 if form else 200)

    def post(self, request):
        inst = selectors.instrument()
        form = VersionForm(request.POST, instrument=inst)
        if not form.is_valid():
            return self.get(request, form)
        changed = form.changed_wordings()
        if not changed:
            form.add_error(None, _("No wording was changed."))
            return self.get(request, form)
        try:
            new = services.questionnaire_publish(user=request.user, current=inst, changed=changed)
        except InstrumentError as exc:
            form.add_error(None, str(exc))
            return self.get(request, form)
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
        from bip.web.exchange import ImportConflict

        upload = request.FILES.get("dataset")
        if upload is None or not zipfile.is_zipfile(upload):
            messages.error(request, _("Choose a zip file with the dataset's CSV or Parquet files."))
            return self.get(request, status=400)
        tmp = Path(tempfile.mkdtemp(prefix="bip-import-"))
        try:
            try:
                # Streamed member by member, bytes counted as written (bip.dataset.archive).
                extract_dataset_zip(upload, tmp, max_bytes=self.MAX_BYTES, label=upload.name)
            except ZipRejected as exc:
                messages.error(request, f"{exc}. " + _("Nothing was imported."))
                return self.get(request, status=400)
            try:
                counts = services.dataset_import(
                    user=request.user, folder=tmp, source_name=upload.name
                )
            except DatasetError as exc:
                return self.get(request, problems=exc.report.errors[:200], status=400)
            except ImportConflict as exc:
                messages.error(request, f"{exc}. " + _("Nothing was imported."))
                return self.get(request, status=409)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        messages.success(request, _("Imported: %(detail)s.") % {"detail": detail})
        return redirect("admin_import")


class _Echo:
    def write(self, value):
        return value


class AdminAuditView(RoleView):
    """Search the audit log; ``?format=csv`` exports the matching entries. Both are audited."""

    roles = (Role.ADMIN,)

    def get(self, request):
        form = AuditSearchForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else None
        query = request.GET.copy()
        query.pop("page", None)
        if request.GET.get("format") == "csv":
            writer = csv.writer(_Echo())
            rows = selectors.audit_csv_rows(
                filters=filters, query=request.GET.urlencode(), fetched_by=request.user
            )
            resp = StreamingHttpResponse(
                (writer.writerow(r) for r in rows), content_type="text/csv; charset=utf-8"
            )
            resp["Content-Disposition"] = 'attachment; filename="bip-audit.csv"'
            return resp
        page = selectors.audit_page(
            filters=filters,
            page=request.GET.get("page"),
            query=request.GET.urlencode(),
            fetched_by=request.user,
        )
        for e in page:  # the codes in words, in the interface language
            e.action_label, e.role_label = action_label(e.action), role_label(e.role)
            e.detail_words, e.detail_known = in_words(e.detail)
        ctx = {"form": form, "page": page, "query": query.urlencode()}
        return render(request, "bip/admin_audit.html", ctx)
