"""The caseload, and finding and enrolling citizens by CPR number."""

from __future__ import annotations

import html
import math
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters

from bip.web.converters import OpaqueId
from bip.web.core import selectors, services
from bip.web.core.access import RoleView, caseworkers_for, own_caseworker
from bip.web.core.forms import CprForm
from bip.web.core.models import Role
from bip.web.identity import KeyMissing

PENDING = "bip_pending_citizen"  # session key: pseudonym of a CPR looked up but not enrolled


class CaseloadView(RoleView):
    """A caseworker's citizens (or the whole jobcentre's); a manager picks a caseworker."""

    roles = (Role.CASEWORKER, Role.MANAGER)

    def get(self, request):
        me = own_caseworker(request.user)
        scope = request.GET.get("scope", "mine" if me and self.role == Role.CASEWORKER else "all")
        selected = request.GET.get("caseworker")
        sort = request.GET.get("sort") if request.GET.get("sort") in selectors.SORTS else "due"
        status = request.GET.get("status") if request.GET.get("status") in selectors.FILTERS else ""
        descending = request.GET.get("dir") == "desc"
        search = request.GET.get("q", "").strip()[:100]
        try:
            page_no = int(request.GET.get("page", "1"))
        except ValueError:
            page_no = 1
        result = selectors.caseload_page(
            user=request.user,
            role=self.role,
            scope=scope,
            caseworker_id=selected,
            search=search,
            status=status,
            sort=sort,
            descending=descending,
            page=page_no,
        )
        cw_choices = caseworkers_for(request.user).select_related("user").order_by("caseworker_id")
        keep = {"scope": scope, "caseworker": selected or "", "q": search, "status": status}
        return render(
            request,
            "bip/caseload.html",
            {
                "result": result,
                "rows": result.rows,
                "rows_html": _caseload_rows_html(result.rows, self.role == Role.CASEWORKER),
                "scope": scope,
                "counts": result.counts,
                "caseworkers": cw_choices,
                "selected": selected,
                "search": search,
                "status": status,
                "statuses": _status_choices(),
                "headers": _headers(keep, sort, descending),
                "pager": _pager(keep | {"sort": sort, "dir": "desc" if descending else ""}, result),
                "can_open": self.role == Role.CASEWORKER,
                "cpr_form": CprForm(),
                "me": me,
            },
        )


def _status_choices() -> list[tuple[str, str]]:
    return [
        ("", _("All")),
        ("overdue", _("Overdue")),
        ("due", _("Due within 14 days")),
        ("never", _("Never measured")),
        ("quiet", _("No activity last quarter")),
    ]


def _query(params: dict) -> str:
    return urlencode({k: v for k, v in params.items() if v})


def _headers(keep: dict, sort: str, descending: bool) -> list[dict]:
    """Column headers; the sortable ones link to the page sorted by them (again: reversed)."""
    cols = [
        (_("Citizen"), "name"),
        (_("Caseworker"), "caseworker"),
        (_("Last measurement"), "last"),
        (_("Weeks since"), None),
        (_("Status"), "due"),
        (_("Activities (JOSH)"), None),
    ]
    out = []
    for label, key in cols:
        h: dict = {"label": label, "sort": key}
        if key:
            active = key == sort
            flip = active and not descending
            h["href"] = "?" + _query(keep | {"sort": key, "dir": "desc" if flip else ""})
            h["aria_sort"] = ("descending" if descending else "ascending") if active else "none"
        out.append(h)
    return out


def _pager(params: dict, result) -> dict:
    """Links to the previous and next page and a few page numbers around the current one."""

    def href(n: int) -> str:
        return "?" + _query(params | {"page": n if n > 1 else ""})

    around = range(max(1, result.page - 2), min(result.pages, result.page + 2) + 1)
    return {
        "prev": href(result.page - 1) if result.page > 1 else None,
        "next": href(result.page + 1) if result.page < result.pages else None,
        "numbers": [(n, href(n), n == result.page) for n in around],
        "first": href(1) if result.page > 3 else None,
        "last": href(result.pages) if result.page < result.pages - 2 else None,
    }


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
    link = reverse("citizen", args=["CITIZEN"])  # reverse() once; each row's id via the converter
    in_url = OpaqueId().to_url
    out = []
    for r in rows:
        short = html.escape(r.citizen_id[:10])
        shown = (
            f'{html.escape(r.name)} <span class="code sub">{short}</span>'
            if r.name
            else f'<span class="code">{short}</span>'
        )
        # the converter's output is URL-safe characters only, none of which needs HTML escaping
        name = (
            f'<a href="{link.replace("CITIZEN", in_url(r.citizen_id))}">{shown}</a>'
            if can_open
            else shown
        )
        last = r.last.isoformat() if r.last else "–"
        weeks = "–" if r.weeks is None else r.weeks
        out.append(
            f'<tr class="st-{r.status}"><td>{name}</td><td>{html.escape(r.caseworker) or "–"}</td>'
            f"<td>{last}</td><td>{weeks}</td>"
            f'<td><span class="badge {r.status}">{labels[r.status]}</span></td>'
            f'<td class="code">{r.combination or "–"}</td></tr>'
        )
    if not out:
        out.append(f'<tr><td colspan="6">{html.escape(_("No citizens."))}</td></tr>')
    return mark_safe("".join(out))  # every interpolated value is escaped or fixed text


@method_decorator(sensitive_post_parameters("cpr"), name="dispatch")
class FindCitizenView(RoleView):
    """Find by CPR: validated, hashed with the HMAC key, then forgotten. POST only (no URL/logs).

    A citizen of the caseworker's own jobcentre opens; any other number - enrolled at another
    jobcentre or nowhere - gets the same answer, an offer to enrol.
    """

    roles = (Role.CASEWORKER,)

    def get(self, request):
        return render(request, "bip/find.html", {"form": CprForm()})

    def post(self, request):
        form = CprForm(request.POST)
        if not form.is_valid():
            services.lookup_invalid(user=request.user, reason=getattr(form, "refusal", "empty"))
            return render(request, "bip/find.html", {"form": form}, status=400)
        try:
            found = services.citizen_lookup(user=request.user, cpr=form.cleaned_data["cpr"])
        except KeyMissing:
            messages.error(
                request, _("The pseudonymisation key is not configured; ask the administrator.")
            )
            return render(request, "bip/find.html", {"form": CprForm()}, status=503)
        if found.outcome == "limited":
            minutes = max(1, math.ceil(found.wait_s / 60))
            messages.error(
                request,
                ngettext(
                    "Too many CPR look-ups in the last hour. Try again in %(minutes)d minute.",
                    "Too many CPR look-ups in the last hour. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return render(request, "bip/find.html", {"form": CprForm()}, status=429)
        if found.outcome == "found":
            return redirect("citizen", citizen_id=found.citizen_id)
        request.session[PENDING] = found.citizen_id
        return render(request, "bip/find.html", {"form": CprForm(), "offer_enrol": True})


class EnrolView(RoleView):
    """Enrol the citizen last looked up (pseudonym kept in the session, never the CPR)."""

    roles = (Role.CASEWORKER,)

    def get(self, request):
        """A bookmarked or reloaded enrolment address: back to finding the citizen, not a bare 405."""
        return redirect("find")

    def post(self, request):
        cid = request.session.pop(PENDING, None)
        if not cid:
            messages.error(request, _("Look the citizen up by CPR number first."))
            return redirect("find")
        try:
            services.citizen_enrol(
                user=request.user, citizen_id=cid, name=request.POST.get("name", "")[:200]
            )
        except services.EnrolledElsewhere:
            messages.error(
                request,
                _(
                    "This citizen cannot be enrolled in your jobcentre: the citizen is in "
                    "progression measurement at another jobcentre. The attempt is recorded."
                ),
            )
            return render(request, "bip/find.html", {"form": CprForm()}, status=409)
        messages.success(request, _("The citizen is enrolled in progression measurement."))
        return redirect("citizen", citizen_id=cid)
