"""Authentication backend: Django's own, loading the user's role and caseworker link with the user."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class Backend(ModelBackend):
    """``ModelBackend`` whose per-request user lookup joins the profile and the caseworker link.

    Every view checks the role (the profile) and the caseworker views need the caseworker link;
    one query instead of three on every request (bench/load_web.py).
    """

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("profile__jobcenter", "caseworker")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
