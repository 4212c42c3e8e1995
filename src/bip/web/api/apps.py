from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bip.web.api"
    label = "bip_api"
    verbose_name = "BIP API"
