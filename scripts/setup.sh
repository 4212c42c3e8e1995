#!/usr/bin/env bash
# Installs everything BIP needs into ./.venv (idempotent; safe to run again).
# System packages (Debian's chromium and the report's fonts for the PDF report and the browser
# tests, R for the replication tests) are installed with apt-get when running as root - waiting
# a bounded time for a busy dpkg lock and carrying on without them if apt fails (scripts/apt.sh);
# otherwise the script says what is missing.
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

# Debian packages are installed with scripts/apt.sh: it waits (bounded, BIP_APT_WAIT seconds)
# for a dpkg lock another package manager holds, shows apt's own error, and never aborts the
# setup - without Chromium the report is HTML only and the browser tests skip.
# shellcheck source=scripts/apt.sh
PY_FOR_APT="$PY"
. scripts/apt.sh
as_root() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Debian's Chromium prints the report to PDF and drives the browser tests (never downloaded by
# a test tool; only the distribution package is used). The report's fonts (DejaVu Sans, then
# Liberation Sans: report.css and the figures) come in the same step.
REPORT_PKGS=()
command -v chromium >/dev/null 2>&1 || REPORT_PKGS+=(chromium)
for font in fonts-dejavu-core fonts-liberation; do
  installed "$font" || REPORT_PKGS+=("$font")
done
if [ "${#REPORT_PKGS[@]}" -gt 0 ]; then
  if as_root; then
    echo "==> installing ${REPORT_PKGS[*]} from Debian (the PDF report, its fonts, the browser tests)"
    if apt_install "the PDF report's packages" "${REPORT_PKGS[@]}"; then
      # matplotlib keeps a font list; one made before the fonts came would not know them
      rm -f "$(.venv/bin/python -c 'import matplotlib; print(matplotlib.get_cachedir())')"/fontlist-*.json
    else
      echo "note: carrying on without them: the report is written as HTML only (no PDF)" >&2
    fi
  else
    echo "note: not installed: ${REPORT_PKGS[*]}; the PDF report and the browser tests need them" >&2
    echo "      (Debian/Ubuntu: sudo apt-get install ${REPORT_PKGS[*]})" >&2
  fi
fi
# R from Debian (base R with sandwich and lmtest): runs the replication package's R script in
# the tests (`bip replicate`; fixest is not packaged in Debian, so the script needs only these).
if ! command -v Rscript >/dev/null 2>&1 || ! Rscript -e 'library(sandwich); library(lmtest)' >/dev/null 2>&1; then
  if as_root; then
    echo "==> installing R (r-base-core, r-cran-sandwich, r-cran-lmtest) from Debian (replication tests)"
    apt_install "R" --no-install-recommends r-base-core r-cran-sandwich r-cran-lmtest ||
      echo "note: carrying on without R: the replication tests will skip" >&2
  else
    echo "note: R is not installed; the replication tests need it" >&2
    echo "      (Debian/Ubuntu: sudo apt-get install r-base-core r-cran-sandwich r-cran-lmtest)" >&2
  fi
fi
# JavaScript tools of the tests (axe-core for the accessibility checks, oidc-provider: the
# OpenID Connect provider the single sign-on tests run with Node), pinned in package-lock.json
# and installed from the npm registry here, never fetched by a test.
if ! command -v npm >/dev/null 2>&1 && as_root; then
  echo "==> installing npm from Debian (for the accessibility tests' axe-core)"
  apt_install "npm" npm || echo "note: carrying on without npm" >&2
fi
if command -v npm >/dev/null 2>&1; then
  echo "==> installing axe-core and oidc-provider (accessibility and single sign-on tests) with npm"
  npm ci --no-audit --no-fund --silent ||
    echo "note: npm ci failed (above); the accessibility and single sign-on tests need it" >&2
else
  echo "note: npm is not installed; the accessibility tests need it (Debian: apt-get install npm)" >&2
fi
echo "==> setup done"
