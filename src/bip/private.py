"""Files BIP creates are private to the account that runs it: files 0600, folders 0700.

Datasets, register uploads, run exports, the SQLite database and its journal hold personal
data. Rather than setting the mode at each of the many places that create a file (BIP's own
code, pandas, pyarrow, DuckDB, SQLite, openpyxl), the ``bip`` command and the web server's
entry points set the process umask to :data:`UMASK` before anything is written.
"""

from __future__ import annotations

import os

UMASK = 0o077  # no permission for group and others


def private_files() -> int:
    """Set the process umask to :data:`UMASK`; return the previous one."""
    return os.umask(UMASK)
