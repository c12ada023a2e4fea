"""Dependencies point one way: the pure layers import neither Django nor the apps and entry points."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "stellwerk"
PURE = ("domain", "reference", "normalize", "sources", "search", "dedup")
FORBIDDEN = ("django", "ninja", "stellwerk.postings", "stellwerk.web", "stellwerk.api", "stellwerk.cli")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", PURE)
def test_pure_layers_stay_pure(layer: str) -> None:
    files = list((SRC / layer).rglob("*.py"))
    assert files
    offending = {
        f"{path.relative_to(SRC)}: {name}"
        for path in files
        for name in imports(path)
        if name.startswith(FORBIDDEN)
    }
    assert not offending


def test_domain_imports_nothing_but_the_standard_library_and_itself() -> None:
    for path in (SRC / "domain").rglob("*.py"):
        for name in imports(path):
            assert name.split(".")[0] in {
                "__future__",
                "dataclasses",
                "math",
                "re",
                "unicodedata",
                "datetime",
                "typing",
                "enum",
                "stellwerk",
            }, (path, name)
