"""Stored statuses are named in views and queries: no bare `status__in=[0, 1]` or `status[0] in (2, 4)`
in handlers/ (PacketStatus and friends say which state is meant, and a renumbering cannot miss one)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTTP_CODES = range(100, 600)  # `status=404` on a response is an HTTP status, not a stored one


def _bare_numbers(node: ast.AST) -> list[int]:
    if isinstance(node, ast.Constant) and type(node.value) is int and node.value not in HTTP_CODES:
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [n for e in node.elts for n in _bare_numbers(e)]
    return []


def _mentions_status(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and "status" in n.id or isinstance(n, ast.Attribute) and "status" in n.attr
               or isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value == "status"
               for n in ast.walk(node))


def bare_statuses(source: str) -> list[int]:
    """Line numbers where a status is compared with, filtered by or set to a bare integer."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] == "status":
            if _bare_numbers(node.value):
                lines.append(node.value.lineno)
        elif isinstance(node, ast.Compare) and _mentions_status(node.left):
            if any(_bare_numbers(c) for c in node.comparators):
                lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and k.value == "status" and _bare_numbers(v):
                    lines.append(v.lineno)
    return sorted(lines)


def test_the_check_finds_bare_statuses() -> None:
    src = ('q = RedPacket.filter(status__in=[0, 1])\nok = status[0] in (2, 4) if status else status == 3\n'
           'd = {"status": 2}\nr = html("", status=404)\nq = RedPacket.filter(status__in=list(LIVE_STATUSES))\n')
    assert bare_statuses(src) == [1, 2, 2, 3]


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "handlers").rglob("*.py")))
def test_no_bare_status_numbers(path: str) -> None:
    assert bare_statuses((ROOT / path).read_text(encoding="utf-8")) == []
