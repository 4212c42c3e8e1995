#!/usr/bin/env bash
# pytwoway in its own environment, for tests/analysis/test_a6_kss.py's comparison of A6's KSS
# leave-out variance with pytwoway's (the test skips while it is missing; docs/a6-inference.md).
#   bash scripts/pytwoway-venv.sh [DIR]     default DIR: ./.venv-pytwoway
# pytwoway 0.3.21 needs numpy < 2 (its pandas), scipy < 1.12 (it calls minres(tol=...) and its
# ichol preconditioner breaks on newer scipy's LinearOperator) and pyamg < 5.2 (newer pyamg
# imports scipy.sparse.eye_array). Not part of scripts/setup.sh: 100 s to 4.5 min of numba/llvmlite
# wheels on the shared machine, and four pins against packages that move.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-.venv-pytwoway}
PY=${PYTHON:-python3}
[ -x "$DIR/bin/python" ] || "$PY" -m venv "$DIR"
"$DIR/bin/python" -m pip install --quiet "pytwoway==0.3.21" "numpy<2" "scipy==1.11.4" "pyamg<5.2"
"$DIR/bin/python" -c "import pytwoway, bipartitepandas" && echo "pytwoway ready: $DIR/bin/python"
