"""The core app: measurement tool, roles, audit log."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bip.web.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bip.web.core import newest, signals  # noqa: F401  (connect their receivers)
