#!/usr/bin/env bash
# Compiles the web tool's Danish catalogue (core/locale/da/LC_MESSAGES/django.po) into django.mo
# beside it, with Babel (a test dependency; no gettext tools). Run after editing the .po and
# commit both files: tests/web/test_i18n.py fails while the .mo is stale or a string is missing.
# New strings: `cd src/bip/web/core && django-admin makemessages -l da` (needs GNU gettext),
# or add them by hand; the test lists the missing ones.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel compile --statistics -D django -d src/bip/web/core/locale
