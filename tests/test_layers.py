"""The layers' import rules (docs/architecture.md), read from the source: no database needed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The project's packages: every top-level folder with an __init__.py (graph, loaders, values, ...).
PROJECT = {p.parent.name for p in ROOT.glob("*/__init__.py")}


def imported_packages(source: str, package: str) -> set[str]:
    """The top-level packages a module of ``package`` imports, anywhere in it (relative: ``package``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def project_imports(path: Path) -> set[str]:
    package = path.relative_to(ROOT).parts[0]
    return imported_packages(path.read_text(encoding="utf-8"), package) & PROJECT


def test_the_project_packages_are_found() -> None:
    assert {"values", "graph", "loaders", "analytics"} <= PROJECT
    assert modules("values") and modules("analytics")


def test_imports_are_read_at_any_depth_and_relative_ones_stay_home() -> None:
    source = (
        "import os.path\nfrom graph.errors import InputError\nfrom . import text\n\n"
        "def f():\n    import loaders.kinds\n"
    )
    assert imported_packages(source, "values") == {"os", "graph", "values", "loaders"}


@pytest.mark.parametrize("path", modules("values"), ids=lambda p: p.name)
def test_values_imports_no_project_package(path: Path) -> None:
    assert project_imports(path) <= {"values"}


@pytest.mark.parametrize("path", modules("analytics"), ids=lambda p: p.name)
def test_analytics_imports_nothing_from_loaders(path: Path) -> None:
    assert "loaders" not in project_imports(path)
