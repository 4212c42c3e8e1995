"""Hash-chained audit log, database-backed rate counters, approval of new logins.

Existing audit entries are numbered and chained in their order of writing (``id``); the
append-only triggers are lifted for that and put back afterwards (SQLite also loses its
triggers when a table is rebuilt, which ``AlterField`` may do).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from bip.web.core.dbguard import install_guards, remove_guards


def _lift(apps, schema_editor):
    remove_guards(schema_editor.connection)


def _guard(apps, schema_editor):
    install_guards(schema_editor.connection)


def _chain_existing(apps, schema_editor):
    from bip.web.core.audit import GENESIS, digest

    AuditLog = apps.get_model("core", "AuditLog")
    AuditHead = apps.get_model("core", "AuditHead")
    prev, seq = GENESIS, 0
    for e in AuditLog.objects.order_by("id").iterator():
        seq += 1
        fields = {
            "seq": seq,
            "at": e.at,
            "username": e.username,
            "role": e.role,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "detail": e.detail,
            "flagged": False,
        }
        h = digest(prev, **fields)
        AuditLog.objects.filter(pk=e.pk).update(seq=seq, prev_hash=prev, hash=h)
        prev = h
    AuditHead.objects.create(pk=1, seq=seq, hash=prev)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(_lift, _guard),
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("window_start", models.DateTimeField()),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name="auditlog",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="flagged",
            field=models.BooleanField(db_index=True, default=False),
        ),
        migrations.AddField(
            model_name="auditlog",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditlog",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(_chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditlog",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="at",
            field=models.DateTimeField(db_index=True),
        ),
        migrations.AlterModelOptions(name="auditlog", options={"ordering": ["-seq"]}),
        migrations.AddField(
            model_name="profile",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="pending_approval",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="profile",
            name="must_change_password",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(_guard, _lift),
    ]
