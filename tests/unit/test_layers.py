"""The layers of DESIGN.md, enforced: each package imports only the layers below it.

cli ──► master ──► cluster ──► worker ──► core ──► settings, errors
          ├──────► web ─────────────────► core
          └──────► rpc ─────────────────► core
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pykue"

BASE = {"settings", "errors"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "settings": {"errors"},
    "core": BASE,
    "app": {"core", *BASE},
    "worker": {"core", *BASE},
    "cluster": {"worker", "core", *BASE},
    "web": {"core", *BASE},
    "rpc": {"core", *BASE},
    "master": {"cluster", "worker", "web", "rpc", "core", *BASE},
    "cli": {"master", "cluster", "worker", "web", "rpc", "core", *BASE},
    "__init__": {"core", *BASE},
}


def layer_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def imported_layers(path: Path) -> set[str]:
    """Top-level pykue packages that ``path`` imports (anywhere in the file)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "pykue" and len(parts) > 1:
                found.add(parts[1])
    return found


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_lower_layers(path: Path) -> None:
    layer = layer_of(path)
    assert layer in ALLOWED, f"{layer} is not a known layer: add it to DESIGN.md and here"
    illegal = imported_layers(path) - ALLOWED[layer] - {layer}
    assert not illegal, f"{path.relative_to(SRC)} ({layer}) imports {sorted(illegal)}"


def test_the_check_sees_imports() -> None:
    assert imported_layers(SRC / "master.py") >= {"cluster", "web", "rpc"}
