from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "bip.web.lifecycle"
    label = "bip_lifecycle"
    verbose_name = "BIP data lifecycle"
