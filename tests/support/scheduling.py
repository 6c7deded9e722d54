"""How the suite is spread over pytest-xdist workers (`-n N --dist loadgroup`, scripts/test.sh).

- A module whose tests share a module-scoped fixture (a service, a browser) runs on one worker, so
  the fixture starts once; the tests of other modules are spread one by one.
- Tests that stop or hold a machine-wide resource are grouped onto one worker: the RabbitMQ broker
  (tests/test_amqp.py stops and starts it).
- Modules with slow tests (storms, fault injection) are handed out first, so that no worker is
  left with a storm at the end while the others are idle.
Without xdist only the order changes (modules stay whole, in the same order within each rank)."""

from __future__ import annotations

import pytest

# fixtures that are module-scoped but cheap enough to start on every worker
CHEAP_MODULE_FIXTURES = {"fake"}
SHARED_GROUPS = {  # file -> group: these files' tests run on one worker
    "tests/test_amqp.py": "rabbitmq",
    "tests/test_unavailable.py": "rabbitmq",
    "tests/test_metrics.py": "rabbitmq",
    "tests/faults/test_rabbitmq_cut.py": "rabbitmq",
}


def _module_scoped(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name, defs in info.name2fixturedefs.items():
        # session-scoped ones (a schema template, pytest-asyncio's loops) are made once per worker anyway
        if name not in CHEAP_MODULE_FIXTURES and defs and defs[-1].scope in ("module", "package"):
            return True
    return False


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    by_module: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_module.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    for path, module_items in by_module.items():
        group = SHARED_GROUPS.get(path) or (path if any(_module_scoped(i) for i in module_items) else None)
        if group:
            for item in module_items:
                item.add_marker(pytest.mark.xdist_group(group))
    ranked = sorted(by_module.values(), key=lambda its: not any(i.get_closest_marker("slow") for i in its))
    items[:] = [item for module_items in ranked for item in module_items]
