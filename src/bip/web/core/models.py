"""The tool's data: jobcentres, staff, citizens, measurements, assignments, audit log.

Measurement columns are exactly those of dataset format v1 (``bip.dataset.schema``), added
from the schema so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bip.dataset.schema import ID_MAX_LENGTH, MEASUREMENT_COLUMNS, NAME_MAX_LENGTH
from bip.instrument import (
    B10_CHANNELS,
    B_ITEMS,
    CADENCE_WEEKS,
    S1_OPTIONS,
    S_ITEMS,
    combination_code,
)


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    MANAGER = "manager", _("Manager")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


class Jobcenter(models.Model):
    """A participating jobcentre."""

    jobcenter_id = models.CharField(max_length=ID_MAX_LENGTH, unique=True)
    name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)

    def __str__(self) -> str:
        return self.name or self.jobcenter_id


class Caseworker(models.Model):
    """A caseworker as the dataset knows them (pseudonymous id), optionally linked to a login."""

    caseworker_id = models.CharField(max_length=ID_MAX_LENGTH, unique=True)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="caseworkers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseworker",
    )

    def __str__(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.username
        return self.caseworker_id


class Profile(models.Model):
    """A login's role and jobcentre. Caseworkers and managers belong to one jobcentre."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    jobcenter = models.ForeignKey(Jobcenter, null=True, blank=True, on_delete=models.PROTECT)
    # Separation of duties: a login made by an administrator waits for a second one's approval
    # (the login stays inactive until then) and its first password must be replaced by its owner.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pending_approval = models.BooleanField(default=False)
    must_change_password = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"


class Citizen(models.Model):
    """A citizen in progression measurement, known only by the pseudonym (HMAC of the CPR)."""

    citizen_id = models.CharField(max_length=ID_MAX_LENGTH, unique=True)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="citizens")
    enrolled_on = models.DateField(null=True, blank=True)
    caseworker = models.ForeignKey(
        Caseworker, null=True, blank=True, on_delete=models.PROTECT, related_name="citizens"
    )
    # The name, encrypted (core/fieldcrypt.py), and the keyed blind index of its words for
    # search; neither is in the dataset format, so no export, dataset or analysis carries them.
    name_enc = models.TextField(blank=True, default="")
    name_index = models.CharField(max_length=400, blank=True, default="")
    # The newest measurement's date and JOSH code, kept by core/newest.py whenever measurements
    # change, so that the caseload sorts and counts a jobcentre without aggregating them.
    last_measured_on = models.DateField(null=True, blank=True)
    last_josh = models.CharField(max_length=4, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["jobcenter", "last_measured_on"])]

    @property
    def name(self) -> str:
        """The decrypted name ("" when none is recorded)."""
        from bip.web.core.fieldcrypt import decrypt

        return decrypt(self.name_enc)

    @property
    def short_id(self) -> str:
        return self.citizen_id[:10]

    def __str__(self) -> str:
        return self.short_id


class QuestionnaireVersion(models.Model):
    """A published version of the questionnaires (YAML of ``bip.instrument``)."""

    version = models.PositiveIntegerField(unique=True)
    yaml = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class Measurement(models.Model):
    """One meeting: the citizen part (B) and the caseworker part (S), savable separately.

    ``revision`` guards against lost updates (optimistic concurrency); ``idempotency_key``
    makes a repeated submit of the same new-measurement form return the first measurement.
    """

    measurement_id = models.CharField(max_length=ID_MAX_LENGTH, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="measurements")
    caseworker = models.ForeignKey(
        Caseworker, on_delete=models.PROTECT, related_name="measurements"
    )
    measured_on = models.DateField()
    questionnaire_version = models.PositiveIntegerField(default=1)
    # item -> "dont_know" | "wont_answer": recorded answers that count as missing (docs/web.md)
    nonanswers = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["measured_on", "id"]
        indexes = [models.Index(fields=["citizen", "measured_on"])]

    @property
    def has_citizen_part(self) -> bool:
        return (
            any(getattr(self, b) is not None for b in B_ITEMS)
            or self.B10_status is not None
            or any(k in self.nonanswers for k in B_ITEMS)
        )

    @property
    def has_caseworker_part(self) -> bool:
        return any(getattr(self, f"S1_{n}") is not None for n in S1_OPTIONS)

    @property
    def ticked(self) -> list[int]:
        return [n for n in S1_OPTIONS if getattr(self, f"S1_{n}") == 1]

    @property
    def combination(self) -> str | None:
        return combination_code(self.ticked) if self.has_caseworker_part else None

    def average(self, items) -> float | None:
        vals = [getattr(self, i) for i in items if getattr(self, i) is not None]
        return sum(vals) / len(vals) if vals else None

    @property
    def b_avg(self) -> float | None:
        return self.average(B_ITEMS)

    @property
    def s_avg(self) -> float | None:
        return self.average(S_ITEMS)

    def due_on(self) -> dt.date:
        return self.measured_on + dt.timedelta(weeks=CADENCE_WEEKS)


def _measurement_field(col) -> models.Field:
    if col.kind in ("score", "flag"):
        return models.PositiveSmallIntegerField(null=True, blank=True)
    if col.kind == "amount":
        return models.FloatField(null=True, blank=True)
    if col.kind == "category":
        return models.CharField(
            max_length=16, null=True, blank=True, choices=[(v, v) for v in col.values]
        )
    raise TypeError(col)


_OWN = {"measurement_id", "citizen_id", "caseworker_id", "measured_on"}
for _col in MEASUREMENT_COLUMNS:
    if _col.name not in _OWN:
        Measurement.add_to_class(_col.name, _measurement_field(_col))

CITIZEN_FIELDS = (*B_ITEMS, "B10_status", *(f"B10_{c}" for c in B10_CHANNELS), "B11")
CASEWORKER_FIELDS = (*(f"S1_{n}" for n in S1_OPTIONS), *S_ITEMS)


class Assignment(models.Model):
    """Who the citizen's caseworker is from ``started_on``; a new row is a caseworker change."""

    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="assignments")
    caseworker = models.ForeignKey(Caseworker, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        Caseworker, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "id"]

    @property
    def is_change(self) -> bool:
        return self.previous_id is not None and self.previous_id != self.caseworker_id


class AppendOnlyError(RuntimeError):
    """The audit log can only grow."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only")


class AuditLog(models.Model):
    """Append-only record of every read and write of citizen data and every authentication
    event (who, role, what, when).

    Updates and deletes are refused here and, in the database, by triggers (migration 0002) and
    by the privileges of the application's database role (``bip db app-role``). Each entry also
    carries ``hash``, a SHA-256 over its content and the previous entry's hash, so a changed,
    removed or inserted entry breaks the chain (``bip audit verify``; ``audit.py``).
    ``flagged`` marks entries an administrator should look at (see ``docs/security.md``).
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, db_index=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    flagged = models.BooleanField(default=False, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")


class AuditHead(models.Model):
    """The newest audit entry's number and hash: one row, locked by every audit write so that
    entries are chained one after the other, whatever the number of server processes."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)


class RateCounter(models.Model):
    """A counter per key for login throttling and CPR look-up limits (``limits.py``).

    Kept in the database, locked row by row, so every server process counts the same attempts
    and parallel requests cannot slip past the limit.
    """

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)


class MeasurementDraft(models.Model):
    """A measurement form as its caseworker left it, saved while they answer.

    Opening the form again (after a closed tab or an ended session) restores it; saving the
    measurement deletes it in the same transaction. One per user, citizen, measurement (none
    for a new one) and part, named by ``key``. Never exported: answers count once they are saved.
    """

    key = models.CharField(max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="drafts")
    measurement = models.ForeignKey(
        Measurement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    part = models.CharField(max_length=16)
    data = models.JSONField(default=dict)  # field name -> list of the form's values
    step = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    @staticmethod
    def key_for(user, citizen: Citizen, part: str, measurement: Measurement | None = None) -> str:
        return f"{user.pk}:{citizen.pk}:{measurement.pk if measurement else 0}:{part}"
