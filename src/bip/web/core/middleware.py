"""Security headers not covered by Django's own middleware."""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicy:
    """Adds a Content-Security-Policy without any external host (no CDN, no external JS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.BIP_CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
