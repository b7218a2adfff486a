#!/usr/bin/env bash
# Set up a fresh machine (Python 3.11 only) and run every check: ruff, then the test suite.
# Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --disable-pip-version-check -q -e '.[test]'
.venv/bin/ruff check pipeline tests bench
.venv/bin/python -m pytest -q "$@"
