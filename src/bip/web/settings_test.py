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

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    import tempfile
    from pathlib import Path

    # A file, not Django's shared-cache memory database: there a reader's table lock makes a
    # concurrent writer fail at once with "database table is locked" (SQLITE_LOCKED is never
    # retried by the busy timeout). The live-server tests met it when a page refresh read the
    # analysis-run row that the run's thread was writing. In WAL mode readers and the one
    # writer go on together; synchronous=OFF because a test database need not survive a crash.
    _db = DATABASES["default"]  # noqa: F405
    _db["TEST"]["NAME"] = str(Path(tempfile.mkdtemp(prefix="bip-test-db-")) / "test.sqlite3")
    _db["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF"
