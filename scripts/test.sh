#!/usr/bin/env bash
# Sets up (as scripts/setup.sh) and runs the whole test suite: ruff (lint and format), mypy
# on src/, then pytest.
# Tests that need PostgreSQL (127.0.0.1:5432, database test), Chromium or the pytwoway
# environment skip with a visible reason when those are missing, except under CI=true, where
# they must run.
# Extra arguments go to pytest (e.g. -m "not slow" for a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# pytwoway, the independent implementation A6's leave-out variance is compared with, lives in
# its own pinned environment (scripts/pytwoway-venv.sh, about 2 min the first time).
echo "==> pytwoway environment (.venv-pytwoway)"
if ! bash scripts/pytwoway-venv.sh; then
  if [ "${CI:-}" = true ]; then
    echo "CI=true but the pytwoway environment could not be built" >&2
    exit 1
  fi
  echo "warning: no pytwoway environment; its comparison test will skip" >&2
fi
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy (src/)"
.venv/bin/mypy
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"
