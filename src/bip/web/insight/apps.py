from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "bip.web.insight"
    label = "insight"
    verbose_name = "BIP insight"
    default_auto_field = "django.db.models.BigAutoField"
