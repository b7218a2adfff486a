#!/usr/bin/env bash
# Set up a fresh machine (Python 3.11 only) and run every check: ruff, then the test suite.
# Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --disable-pip-version-check -q -e '.[test]'
.venv/bin/ruff check pipeline tests bench
# Browser tests (tests/test_review_browser.py) drive Debian's chromium through Playwright's Python
# package; `playwright install` is never used (it downloads a browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "scripts/test.sh: no /usr/bin/chromium and not root: the browser tests will be skipped" >&2
  fi
fi
.venv/bin/python -m pytest -q "$@"
