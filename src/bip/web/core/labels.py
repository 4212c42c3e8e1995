"""Words for codes the pages show: audit actions and roles, register tables. The codes stay
in the database, the audit CSV and the search; the pages show these in the interface language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bip.web.core.models import Role

ACTIONS = {
    "access.denied": _("access refused"),
    "analysis.download": _("analysis downloaded"),
    "analysis.start": _("analysis started"),
    "audit.export": _("audit log exported"),
    "audit.view": _("audit log searched"),
    "caseload.view": _("caseload opened"),
    "citizen.enrol": _("citizen enrolled"),
    "citizen.find": _("citizen looked up by CPR"),
    "citizen.name": _("citizen's name changed"),
    "citizen.transfer": _("citizen transferred"),
    "citizen.view": _("citizen page opened"),
    "dashboard.view": _("dashboard opened"),
    "dashboard.export": _("dashboard downloaded"),
    "dataset.export": _("dataset exported"),
    "dataset.import": _("dataset imported"),
    "effectiveness.view": _("effectiveness opened"),
    "jobcenter.create": _("jobcentre created"),
    "kiosk.blocked": _("kiosk: other page refused"),
    "kiosk.exit": _("kiosk left"),
    "kiosk.start": _("kiosk started"),
    "login": _("logged in"),
    "logout": _("logged out"),
    "login.failed": _("login failed"),
    "login.locked": _("login locked"),
    "measurement.conflict": _("measurement: concurrent edit refused"),
    "measurement.create": _("measurement saved"),
    "measurement.draft": _("measurement draft saved"),
    "measurement.draft_discard": _("measurement draft discarded"),
    "measurement.new": _("measurement form opened"),
    "measurement.refused": _("measurement refused"),
    "measurement.resubmit": _("measurement submitted twice"),
    "measurement.update": _("measurement changed"),
    "measurement.view": _("measurement opened"),
    "password.change": _("password changed"),
    "questionnaire.publish": _("questionnaire published"),
    "register.rejected": _("register file refused"),
    "register.upload": _("register file uploaded"),
    "team.save": _("team saved"),
    "transfer.view": _("transfer page opened"),
    "user.activate": _("login reactivated"),
    "user.approve": _("login approved"),
    "user.deactivate": _("login deactivated"),
    "user.create": _("login created"),
    "api.denied": _("API call refused"),
    "apitoken.create": _("API token created"),
    "apitoken.revoke": _("API token revoked"),
    "citizen.erase": _("citizen erased"),
    "citizen.erase_request": _("erasure requested"),
    "citizen.erase_withdraw": _("erasure request withdrawn"),
    "citizen.record": _("citizen's record handed out"),
    "questionnaire.view": _("questionnaire read"),
    "retention.erase": _("erased after the retention period"),
    "otp.enrol": _("two-factor login set up"),
    "otp.recovery_used": _("recovery code used"),
    "otp.recovery_new": _("new recovery codes made"),
    "otp.reset": _("two-factor login reset"),
    "user.sso_create": _("login created by single sign-on"),
    "user.sso_update": _("role or jobcentre changed by single sign-on"),
}

REGISTERS = {
    "persons": _("Persons (background)"),
    "benefit_weeks": _("Benefit weeks"),
    "employment_months": _("Employment months"),
    "diagnoses": _("Diagnoses"),
    "prescriptions": _("Prescriptions"),
    "gp_contacts": _("GP contacts"),
    "crime": _("Crime"),
}


def action_label(code: str) -> str:
    """The action in words (the code itself when it has none)."""
    return str(ACTIONS.get(code, code))


# roles of audit entries that are no login's role
OTHER_ROLES = {"api": _("connected system"), "cli": _("command line")}


def role_label(code: str | None) -> str:
    """The role in words ("–" when none)."""
    if not code:
        return "–"
    if code in OTHER_ROLES:
        return str(OTHER_ROLES[code])
    try:
        return str(Role(code).label)
    except ValueError:
        return code


def register_label(table: str) -> str:
    return str(REGISTERS.get(table, table))
