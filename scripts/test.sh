#!/usr/bin/env bash
# Sets up (as scripts/setup.sh) and runs the whole test suite: ruff (lint and format), mypy
# on src/, then pytest.
# Tests that need PostgreSQL (127.0.0.1:5432, database test) or Chromium skip with a visible
# reason when those are missing, except under CI=true, where they must run.
# Extra arguments go to pytest (e.g. -m "not slow" for a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> mypy (src/)"
.venv/bin/mypy
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"
