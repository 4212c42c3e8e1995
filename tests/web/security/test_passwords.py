"""Passwords: the similarity validator sees the user; everyone can change their own."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from bip.web.core.models import AuditLog


def test_a_password_like_the_user_name_is_refused(login, world):
    r = login("admin").post(
        reverse("admin_users"),
        {
            "username": "kirsten.mortensen",
            "full_name": "Kirsten Mortensen",
            "role": "analyst",
            "password": "kirsten.mortensen1",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400 and "too similar" in r.content.decode()
    assert not get_user_model().objects.filter(username="kirsten.mortensen").exists()


def test_users_change_their_own_password(login, world, client):
    c = login("caseworker")
    r = c.post(
        reverse("password_change"),
        {
            "old_password": world.password,
            "new_password1": "a brand new passphrase 7",
            "new_password2": "a brand new passphrase 7",
        },
    )
    assert r.status_code == 302 and "_auth_user_id" in c.session  # still logged in
    u = get_user_model().objects.get(username="caseworkerA")
    assert u.check_password("a brand new passphrase 7")
    assert AuditLog.objects.filter(action="password.change", username="caseworkerA").exists()
    r = c.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "caseworkerA1", "new_password2": "caseworkerA1"},
    )
    assert r.status_code == 400
