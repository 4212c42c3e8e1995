"""Signing in beyond the password: the second factor (TOTP and recovery codes, django-otp) and
single sign-on with OpenID Connect (mozilla-django-oidc)."""
