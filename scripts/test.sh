#!/usr/bin/env bash
# The test command: set everything up on a fresh machine, lint and type-check (ruff, mypy: configured
# in pyproject.toml; any finding fails the run), then run the whole suite.
#   bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/mypy
[[ -x scripts/install_browser.sh ]] && bash scripts/install_browser.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1 || true
set +e
# spread over xdist workers (tests/support/scheduling.py says how): most tests wait on services,
# databases and subprocesses, so 4 workers beat 3 even on a 2-core machine; FISSION_TEST_WORKERS=0
# runs everything in this one process
.venv/bin/python -m pytest -n "${FISSION_TEST_WORKERS:-4}" --dist loadgroup "$@"
rc=$?
set -e
if [[ $rc -eq 5 ]]; then echo "no tests ran" >&2; exit 1; fi
exit $rc
