"""Database-level guard: the audit log table refuses UPDATE and DELETE (SQLite and PostgreSQL)."""

from django.db import migrations

from bip.web.core.dbguard import install_guards, remove_guards


def forwards(apps, schema_editor):
    install_guards(schema_editor.connection)


def backwards(apps, schema_editor):
    remove_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
