#!/usr/bin/env bash
# The main job on the embedded default: set up, generate the synthetic cohort, validate it,
# analyse it, write the report, and serve the web tool with demo logins.
# Extra arguments go to `bip demo` (see `.venv/bin/bip demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/bip demo "$@"
