#!/usr/bin/env bash
# Create .venv and install pinned dependencies (runtime; add "dev" for the test tools). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-runtime}
if [[ ! -x .venv/bin/python ]]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
req=requirements.txt
[[ $want == dev ]] && req=requirements-dev.txt
stamp=".venv/.installed-$(sha1sum "$req" requirements.txt | sha1sum | cut -c1-12)"
if [[ ! -f $stamp ]]; then
  .venv/bin/pip install -q -r "$req"
  touch "$stamp"
fi
