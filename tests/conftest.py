"""The suite's conftest: the repository on sys.path, the shared fixtures (tests/support/fixtures.py)
and how tests are spread over xdist workers (tests/support/scheduling.py)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytest_plugins = ["tests.support.fixtures", "tests.support.scheduling"]
