"""WSGI entry point (served by waitress or gunicorn in `bip serve`, or by any WSGI server)."""

import os

from django.core.wsgi import get_wsgi_application

from bip.private import private_files

private_files()  # uploads, run exports, the SQLite database: 0600 files, 0700 folders
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bip.web.settings")
application = get_wsgi_application()
