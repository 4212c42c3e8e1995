#!/usr/bin/env bash
# The report's message catalogue (src/bip/report/locale, docs/report.md):
#   bash scripts/report-messages.sh update   extract every msgid from code and templates and
#                                            merge them into the da/en .po files
#   bash scripts/report-messages.sh compile  compile the .po files into the committed .mo files
# After `update`, fill the new (empty) msgstr entries in both .po files, then `compile`.
# tests/report/test_report_catalogue.py fails while a msgid is missing or a .mo is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
LOC=src/bip/report/locale
POT=$(mktemp --suffix=.pot)
trap 'rm -f "$POT"' EXIT
BABEL=.venv/bin/pybabel
case "${1:-}" in
  update)
    "$BABEL" -q extract -F "$LOC/babel.cfg" -o "$POT" -w 100 --no-location --omit-header \
      --sort-output -k _ -k N_ -k n_:1,2 -k p_:1c,2 .
    # The code formats with str.format ({name}); a "%" in a message is a percent sign, not a
    # printf placeholder, so Babel's python-format guess is dropped.
    sed -i -e 's/^#, python-format$//' -e 's/^#, python-format, /#, /' -e 's/, python-format//' \
      "$POT"
    for lang in da en; do
      if [ ! -f "$LOC/$lang/LC_MESSAGES/report.po" ]; then
        "$BABEL" -q init -D report -i "$POT" -d "$LOC" -l "$lang"
      fi
      "$BABEL" -q update -D report -i "$POT" -d "$LOC" -l "$lang" \
        --no-fuzzy-matching --ignore-obsolete -w 100
    done
    ;;
  compile)
    "$BABEL" -q compile -D report -d "$LOC"
    ;;
  *)
    echo "usage: bash scripts/report-messages.sh update|compile" >&2
    exit 2
    ;;
esac
