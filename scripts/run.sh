#!/usr/bin/env bash
# The run command: install what the service needs, then serve with ./config.yaml (or pass --config FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python main.py serve "$@"
