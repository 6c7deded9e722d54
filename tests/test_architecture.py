"""The import rules of the layout (docs/architecture.md), read from the source with `ast`:

- R1 pure rules: `models/*_rules.py` (and models/money.py) import only the standard library,
  defusedxml (safe XML parsing is no I/O), `models.enums`, `models.money` and other rules modules;
  nothing in `models/` imports bot, handlers, imaging, sanic, redis or httpx;
- R2 `imaging/` imports only the standard library, Pillow, segno and fontTools (and itself);
- R3 `bot/` never imports `handlers`; from `models/` it uses only the platform's own tables and
  enums (PLATFORM_MODELS); `bot/infra` imports no other part of `bot` but settings, errors, keys,
  clock (infrastructure knows no transport, job or page);
- R4 a feature never imports `bot.app` or `main`; features import each other only downward along
  FEATURE_LAYERS (no cycle, no upward edge);
- R6 `main.py` is the only module importing both `bot.app` and `handlers`.

Each rule is checked against the tree and, so that it can fail, against a planted violation.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = frozenset(sys.stdlib_module_names)
PLATFORM_MODELS = frozenset({"models", "models.MODEL_MODULES", "models.outbox", "models.user", "models.subscription",
                             "models.audit", "models.enums", "models.money"})
INFRA_MAY_IMPORT = frozenset({"bot.settings", "bot.errors", "bot.keys", "bot.clock", "bot.infra"})
# lower features first; a feature may import only features listed before it
FEATURE_LAYERS: dict[str, frozenset[str]] = {
    "redpacket": frozenset(),  # the campaign's base: it owns the budget and the pause switch
    "coupons": frozenset({"redpacket"}),
    "lottery": frozenset({"redpacket", "coupons"}),
    "payments": frozenset({"redpacket", "coupons", "lottery"}),
    "account": frozenset({"redpacket"}),
    "admin": frozenset({"redpacket", "coupons", "lottery", "payments", "account"}),
}


def imports_of(source: str) -> Iterator[str]:
    """Every module a file imports (absolute names; `from x import y` also yields `x.y`)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def files(*dirs: str) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def _pure_may_import(name: str) -> bool:
    return (top(name) in STDLIB or top(name) == "defusedxml" or name in {"models", "models.enums", "models.money"}
            or name.startswith(("models.enums.", "models.money.")) or "_rules" in name)


def rules_violations(path: Path, source: str) -> list[str]:
    pure = path.name.endswith("_rules.py") or path.name == "money.py"
    service = {"bot", "handlers", "imaging", "sanic", "redis", "httpx"}
    return [n for n in imports_of(source) if top(n) in service or (pure and not _pure_may_import(n))]


def imaging_violations(source: str) -> list[str]:
    return [n for n in imports_of(source) if top(n) not in STDLIB | {"PIL", "segno", "fontTools", "imaging"}]


def _model(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[:2])


def _bot_may_import(rel: str, name: str) -> bool:
    if top(name) in {"handlers", "main"}:
        return False
    if top(name) == "models":
        return _model(name) in PLATFORM_MODELS or _model(name).endswith("_rules")
    if rel.startswith("bot/infra/") and top(name) == "bot":
        return any(name == m or name.startswith(m + ".") for m in INFRA_MAY_IMPORT)
    return True


def bot_violations(path: Path, source: str) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    return [n for n in imports_of(source) if not _bot_may_import(rel, n)]


def feature_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[1] if len(parts) > 2 and parts[0] == "handlers" else None


def feature_violations(path: Path, source: str) -> list[str]:
    mine = feature_of(path)
    out = []
    for name in imports_of(source):
        if name in {"bot.app", "main"} or name.startswith("bot.app."):
            out.append(name)
        parts = name.split(".")
        if mine and parts[0] == "handlers" and len(parts) > 1 and parts[1] in FEATURE_LAYERS and parts[1] != mine \
                and parts[1] not in FEATURE_LAYERS[mine]:
            out.append(name)
    return out


def composition_violations(path: Path, source: str) -> list[str]:
    names = set(imports_of(source))
    both = any(n == "bot.app" or n.startswith("bot.app.") for n in names) and any(top(n) == "handlers" for n in names)
    return [path.name] if both and path.relative_to(ROOT).as_posix() != "main.py" else []


def test_models_rules_are_pure_and_models_know_no_service() -> None:
    found = {p.name: v for p in files("models") if (v := rules_violations(p, p.read_text()))}
    assert found == {}


def test_imaging_uses_only_pillow_and_the_standard_library() -> None:
    found = {p.name: v for p in files("imaging") if (v := imaging_violations(p.read_text()))}
    assert found == {}


def test_bot_names_no_feature() -> None:
    found = {str(p.relative_to(ROOT)): v for p in files("bot") if (v := bot_violations(p, p.read_text()))}
    assert found == {}


def test_features_depend_downward_only() -> None:
    assert set(FEATURE_LAYERS) == {p.name for p in (ROOT / "handlers").iterdir() if (p / "__init__.py").exists()}
    found = {str(p.relative_to(ROOT)): v for p in files("handlers") if (v := feature_violations(p, p.read_text()))}
    assert found == {}


def test_only_main_composes_the_platform_with_the_features() -> None:
    found = [v for p in [*files("bot", "handlers", "models", "imaging"), ROOT / "main.py"]
             for v in composition_violations(p, p.read_text())]
    assert found == []
    assert composition_violations(ROOT / "main.py", (ROOT / "main.py").read_text()) == []


@pytest.mark.parametrize(("checker", "path", "source"), [
    (rules_violations, "models/x_rules.py", "import asyncio\nfrom models.redpacket import RedPacket\n"),
    (rules_violations, "models/x.py", "from bot.infra import db\n"),
    (bot_violations, "bot/jobs/x.py", "from handlers.redpacket import expiry\n"),
    (bot_violations, "bot/web/x.py", "from models.lottery import LotteryPrize\n"),
    (bot_violations, "bot/infra/x.py", "from bot.web import session\n"),
    (feature_violations, "handlers/coupons/x.py", "from handlers.lottery.draw import DrawContext\n"),
    (feature_violations, "handlers/redpacket/x.py", "from handlers.admin.api import bp\n"),
    (feature_violations, "handlers/lottery/x.py", "from bot.app import create_app\n"),
    (composition_violations, "bot/x.py", "from bot.app import create_app\nimport handlers.redpacket\n"),
])
def test_each_rule_catches_a_planted_violation(checker: object, path: str, source: str) -> None:
    """The rules are not vacuous: each refuses a file that breaks it."""
    p = ROOT / path
    result = checker(source) if checker is imaging_violations else checker(p, source)  # type: ignore[operator]
    assert result, (path, source)


def test_imaging_rule_catches_a_planted_violation() -> None:
    assert imaging_violations("import httpx\n") == ["httpx"]
