#!/usr/bin/env bash
# Installs everything BIP needs into ./.venv (idempotent; safe to run again).
# System packages (Debian's chromium for the PDF report and the browser tests, R for the
# replication tests) are installed with apt-get when running as root; otherwise the script says
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "BIP needs Python 3.11 or newer (found: $("$PY" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
echo "==> installing BIP and its dependencies into .venv"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Debian's Chromium: prints the report to PDF and drives the browser tests. Never downloaded
# by a test tool; only the distribution package is used.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing chromium from Debian (for the PDF report and the browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  else
    echo "note: chromium is not installed; the PDF report and the browser tests need it" >&2
    echo "      (Debian/Ubuntu: sudo apt-get install chromium)" >&2
  fi
fi
# R from Debian (base R with sandwich and lmtest): runs the replication package's R script in
# the tests (`bip replicate`; fixest is not packaged in Debian, so the script needs only these).
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(sandwich); library(lmtest)' >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing R (r-base-core, r-cran-sandwich, r-cran-lmtest) from Debian (replication tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends r-base-core r-cran-sandwich r-cran-lmtest >/dev/null
  else
    echo "note: R is not installed; the replication tests need it" >&2
    echo "      (Debian/Ubuntu: sudo apt-get install r-base-core r-cran-sandwich r-cran-lmtest)" >&2
  fi
fi
# JavaScript tools of the tests (axe-core for the accessibility checks, oidc-provider: the
# OpenID Connect provider the single sign-on tests run with Node), pinned in package-lock.json
# and installed from the npm registry here, never fetched by a test.
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing npm from Debian (for the accessibility tests' axe-core)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null || true
fi
if command -v npm >/dev/null 2>&1; then
  echo "==> installing axe-core and oidc-provider (accessibility and single sign-on tests) with npm"
  npm ci --no-audit --no-fund --silent
else
  echo "note: npm is not installed; the accessibility tests need it (Debian: apt-get install npm)" >&2
fi
echo "==> setup done"
