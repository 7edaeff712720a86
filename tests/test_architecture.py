"""The domain core imports nothing outside immex.domain and the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1] / "immex" / "domain"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import stays inside the package
                found.append((node.lineno, "immex.domain." + (node.module or "")))
            else:
                found.append((node.lineno, node.module or ""))
    return found


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return (
        module == "immex.domain"
        or module.startswith("immex.domain.")
        or (top in sys.stdlib_module_names and top != "immex")
    )


def test_domain_imports_only_itself_and_stdlib() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files
    bad = [
        f"{path.relative_to(DOMAIN.parents[1])}:{line}: imports {module}"
        for path in files
        for line, module in _imports(path)
        if not _allowed(module)
    ]
    assert bad == [], "\n".join(bad)
