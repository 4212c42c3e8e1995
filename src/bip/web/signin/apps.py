from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "bip.web.signin"
    label = "signin"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        if settings.BIP_OIDC_ISSUER:  # a malformed claim mapping stops the start, in one line
            from bip.web.signin.claims import check_config

            check_config()
