"""Settings for the test suite: the production settings with test-only overrides."""

import os

os.environ.setdefault("BIP_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("BIP_HMAC_KEY", "test-hmac-key-0123456789abcdef")
# citizens' names are encrypted with this (core/fieldcrypt.py); a test key, never a key file
os.environ.setdefault("BIP_FIELD_KEY", "dGVzdC1maWVsZC1rZXktbm90LWZvci1wcm9kdWN0aW8=")
# Tests never touch a configured production database: only BIP_TEST_DATABASE_URL counts.
os.environ["DATABASE_URL"] = os.environ.get("BIP_TEST_DATABASE_URL", "sqlite://:memory:")

from bip.web.settings import *  # noqa: E402,F403

# argon2 stays first in production; tests hash many passwords, so they use a fast hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
