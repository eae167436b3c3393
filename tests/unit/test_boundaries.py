"""The storage engine and the content format stay free of Flask and the database models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workspace"
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "workspace.models")


def imported_modules(path: Path) -> set[str]:
    """Return every absolute module name a source file imports (relative ones resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package_parts = ["workspace", *path.relative_to(PACKAGE).parent.parts]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


@pytest.mark.parametrize("area", ["git", "content"])
def test_engine_and_content_import_neither_flask_nor_models(area: str):
    files = sorted((PACKAGE / area).rglob("*.py"))
    assert files, f"workspace/{area} has no modules"
    for path in files:
        for module in imported_modules(path):
            for forbidden in FORBIDDEN:
                assert not (module == forbidden or module.startswith(forbidden + ".")), (
                    f"{path.relative_to(PACKAGE)} imports {module}"
                )
    other = "content" if area == "git" else "git"
    for path in files:
        assert not any(m.startswith(f"workspace.{other}") for m in imported_modules(path))
