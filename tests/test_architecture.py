"""The layer map, checked on the source (imports inside functions included).

    immex.domain      pure core: the standard library and itself (numpy in the FIFO kernel only)
    immex.store       tables, frozen migrations, repositories: domain + SQLAlchemy
    immex.refdata     builders/loaders of the bundled tables: domain
    immex.datastage   SAT file readers: domain, files
    immex.files       readers of the files people bring (encodings, separators, workbooks): domain
    immex.reports     renderers of a finished model: domain (never a service or the store)
    immex.services    use cases: domain, store repositories, refdata, datastage, reports
    immex.samples     illustrative data: domain, services (the demo builds on them)
    immex.cli / api   entry points: anything above; the API never imports the CLI
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "immex"
DOMAIN = PKG / "domain"

#: the only domain modules allowed to use numpy (the fast FIFO kernel beside its oracle, and
#: its columnar plant and journal)
NUMPY_KERNEL = frozenset({"immex.domain.discharge.kernel", "immex.domain.discharge.kernel_pack"})

#: layer → the immex layers it may import
LAYERS: dict[str, set[str]] = {
    "domain": {"domain"},
    "store": {"domain", "store"},
    "refdata": {"domain", "refdata"},
    "datastage": {"domain", "datastage", "files"},
    "files": {"domain", "files"},
    "reports": {"domain", "reports"},
    "services": {"domain", "store", "refdata", "datastage", "reports", "services", "files"},
    "samples": {"domain", "services", "samples", "refdata", "datastage"},
    "api": {"domain", "services", "api", "reports"},
    "web": {"domain", "services", "api", "web", "reports"},
    "cli": {"domain", "services", "api", "web", "cli", "reports", "samples"},
}

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 120


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _files() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every import of the module, at any depth, as absolute module names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from immex.x import y` may name a submodule y
            for alias in node.names:
                found.append((node.lineno, f"{module}.{alias.name}"))
    return found


def _known_modules() -> set[str]:
    return {_module_name(p) for p in PKG.rglob("*.py")}


def _resolve(name: str, known: set[str]) -> str | None:
    """The immex module an import names (a name imported from a module resolves to it)."""
    while name:
        if name in known:
            return name
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return None


def _graph() -> dict[str, set[str]]:
    known = _known_modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for path in _files():
        me = _module_name(path)
        for _line, name in _imports(path):
            if not name.startswith("immex"):
                continue
            target = _resolve(name, known)
            if target and target != me and not me.startswith(target + "."):
                # importing a package runs its __init__: count it unless it is our parent
                graph[me].add(target)
    return graph


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_domain_imports_only_itself_and_stdlib() -> None:
    files = sorted(DOMAIN.rglob("*.py"))
    assert files
    bad = []
    for path in files:
        me = _module_name(path)
        for line, module in _imports(path):
            top = module.split(".")[0]
            if module.startswith("immex.domain") or module == "immex.domain":
                continue
            if top in sys.stdlib_module_names and top != "immex":
                continue
            if top == "numpy" and me in NUMPY_KERNEL:
                continue
            if module.startswith("immex.domain"):
                continue
            # `from immex.domain import x` yields "immex.domain.x" (fine) and "immex.domain"
            bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    bad = [b for b in bad if not b.endswith("imports immex")]
    assert bad == [], "\n".join(bad)


def test_layer_map() -> None:
    bad = []
    for module, targets in sorted(_graph().items()):
        layer = _layer(module)
        if layer is None or layer not in LAYERS:
            continue
        for target in sorted(targets):
            other = _layer(target)
            if other is None or other == "data":
                continue
            if other not in LAYERS[layer]:
                bad.append(f"{module} ({layer}) imports {target} ({other})")
    assert bad == [], "\n".join(bad)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circles_counting_function_level_imports() -> None:
    cycles = _cycles(_graph())
    assert cycles == [], "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    # guards the check itself
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_services_do_not_use_sqlalchemy() -> None:
    bad = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in sorted((PKG / "services").rglob("*.py"))
        for line, module in _imports(path)
        if module.split(".")[0] == "sqlalchemy"
    ]
    assert bad == [], "\n".join(bad)


def _generated(path: Path) -> bool:
    return "data" in path.relative_to(PKG).parts[:1]


def test_module_and_function_sizes() -> None:
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        if _generated(path):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + 1
        if lines > MAX_MODULE_LINES:
            bad.append(f"{path.relative_to(ROOT)}: {lines} lines (max {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    bad.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: {node.name}() is {length} "
                        f"lines (max {MAX_FUNCTION_LINES})"
                    )
    assert bad == [], "\n".join(bad)


def test_migrations_import_no_live_tables_or_layouts() -> None:
    versions = PKG / "store" / "migrations" / "versions"
    bad = [
        f"{path.relative_to(ROOT)}:{line}: imports {module}"
        for path in sorted(versions.glob("*.py"))
        for line, module in _imports(path)
        if module.startswith("immex")
    ]
    assert bad == [], "\n".join(bad)


#: stems that meant several unrelated things (three `reference.py`, three "engines")
AMBIGUOUS_STEMS = {"reference", "engine", "utils", "helpers", "misc"}


def _sublayer(module: str) -> str:
    """The layer, with the store's parts apart: store/tables/rates.py (the table) and
    store/repositories/rates.py (its SQL) are one area in two sub-layers."""
    parts = module.split(".")
    if len(parts) > 3 and parts[1] == "store":
        return ".".join(parts[1:3])
    return _layer(module) or ""


def test_no_two_modules_share_a_name_for_different_jobs() -> None:
    """Within a layer a module name says one job; across layers a shared name is an area
    (domain/ledger.py, store/tables/ledger.py, services/ledger/)."""
    per_layer: dict[tuple[str, str], list[str]] = defaultdict(list)
    bad = []
    for path in _files():
        if path.name in {"__init__.py", "__main__.py"}:
            continue
        rel = str(path.relative_to(ROOT))
        if path.stem in AMBIGUOUS_STEMS:
            bad.append(f"{rel}: the name {path.stem!r} says nothing of the job")
        per_layer[(_sublayer(_module_name(path)), path.stem)].append(rel)
    bad += [f"{stem}: {paths}" for (_layer_, stem), paths in per_layer.items() if len(paths) > 1]
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_map_names_existing_layers(layer: str) -> None:
    assert (PKG / layer).is_dir() or layer == "web", layer
