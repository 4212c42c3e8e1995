"""Teams, register uploads and analysis runs: what the insight pages add to the tool's data.

Register data are kept as pseudonymised files in ``$BIP_DATA_DIR/registers/<upload id>/`` (the
format-v1 register tables, as the analyses read them through DuckDB); one ``RegisterUpload``
row per upload records who, when, which table, how many rows, and the file's SHA-256.
An analysis run keeps its output in ``$BIP_DATA_DIR/runs/<run id>/``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bip.web.core.models import Caseworker, Jobcenter


def data_dir() -> Path:
    """The tool's data folder (settings ``DATA_DIR``); created on first use."""
    d = Path(getattr(settings, "BIP_INSIGHT_DIR", None) or settings.DATA_DIR)
    d.mkdir(parents=True, exist_ok=True)
    return d


class Team(models.Model):
    """A team of caseworkers within one jobcentre (dashboard filter, team-level effectiveness)."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)
    caseworkers = models.ManyToManyField(Caseworker, related_name="teams", blank=True)

    class Meta:
        ordering = ["jobcenter__jobcenter_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "name"], name="team_name_per_jobcenter")
        ]

    def __str__(self) -> str:
        return self.name


class RegisterUpload(models.Model):
    """One register file uploaded by an administrator, validated and pseudonymised.

    The newest upload of a table replaces older ones in analyses (``active``).
    """

    table = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=200)  # relative to data_dir()
    rows = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pseudonymised = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    @property
    def path(self) -> Path:
        return data_dir() / self.stored_name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalysisRun(models.Model):
    """``bip analyze`` started from the tool: status, progress, log and where the output is."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    step = models.CharField(max_length=200, blank=True)
    steps_done = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fingerprint = models.CharField(max_length=80, blank=True)  # dataset fingerprint (data version)
    n_measurements = models.PositiveIntegerField(null=True, blank=True)
    registers = models.CharField(max_length=300, blank=True)  # register tables included
    lang = models.CharField(max_length=2, default="da")
    worker = models.CharField(max_length=100, blank=True)  # "host:pid" of the process running it

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def folder(self) -> Path:
        return data_dir() / "runs" / str(self.pk)

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
