"""Multi-level bills of materials: a product whose component is another product.

A component that is itself the product of BOM lines is a *sub-assembly* (a harness inside a
module); the explosion goes down every level (Annex 24 inventory control follows the
imported materials into every exit: RULES I-9, RGCE 4.3.1):

- each level uses the BOM version of its own product in force on the shipment date;
- each level's quantity is rounded like a shipment line: the need of a sub-assembly is
  ``round6(quantity × qty_per_unit × (1 + scrap_pct / 100))`` (its own scrap), and that
  quantity explodes through the sub-assembly's BOM as if it were shipped on the same date;
- the needs of one material reached by several routes add up: a shipment consumes each
  material once (one consumption per shipment and material, in part-number order);
- a sub-assembly with no BOM version in force on the date is not exploded: it is needed as
  a part of its own (it has no imported lots, so the need shows as a shortfall of it);
- a cycle (a product that, through its sub-assemblies, contains itself) is refused with
  its path, ``P1 → S2 → P1``.

Both discharge engines (the reference and the fast one) follow these rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.discharge.rules import consumption_quantity
from immex.domain.errors import InvalidInput
from immex.domain.ledger import BomLine
from immex.domain.messages import Template

ARROW = " → "
CYCLE = Template(
    "bom.cycle",
    "the bill of materials contains a cycle: {path}; a product cannot be a component of "
    "itself, directly or through its sub-assemblies",
)


class BomCycle(InvalidInput):
    """A product that contains itself through its sub-assemblies (``path``: P1, S2, P1)."""

    def __init__(self, path: Sequence[str]) -> None:
        self.path = tuple(path)
        super().__init__(CYCLE(path=ARROW.join(self.path)), field="component")


def find_cycle(edges: Mapping[str, Iterable[str]]) -> tuple[str, ...] | None:
    """The first cycle of the graph product → components (in name order), as the path from
    a product back to itself (``("P1", "S2", "P1")``), or None."""
    graph = {p: sorted(set(cs)) for p, cs in edges.items()}
    done: set[str] = set()
    for root in sorted(graph):
        if root in done:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        on_path = [root]
        on_set = {root}
        while stack:
            node, i = stack[-1]
            children = graph.get(node, [])
            if i == len(children):
                stack.pop()
                on_path.pop()
                on_set.discard(node)
                done.add(node)
                continue
            stack[-1] = (node, i + 1)
            child = children[i]
            if child in on_set:
                return (*on_path[on_path.index(child) :], child)
            if child in done or child not in graph:
                continue
            stack.append((child, 0))
            on_path.append(child)
            on_set.add(child)
    return None


def route_between(
    edges: Mapping[str, Iterable[str]], start: str, goal: str
) -> tuple[str, ...] | None:
    """A path of the graph from ``start`` to ``goal`` (both included), or None."""
    seen = {start}
    frontier: list[tuple[str, ...]] = [(start,)]
    while frontier:
        path = frontier.pop()
        if path[-1] == goal:
            return path
        for nxt in sorted(edges.get(path[-1], ()), reverse=True):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append((*path, nxt))
    return None


def check_acyclic(bom: Iterable[BomLine]) -> None:
    """Raise :class:`BomCycle` when a product contains itself (whatever the dates)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for line in bom:
        edges[line.product].add(line.component)
    cycle = find_cycle(edges)
    if cycle is not None:
        raise BomCycle(cycle)


@dataclass(frozen=True, slots=True)
class RouteNeed:
    """One route of an explosion: the chain of BOM lines from the shipped product down to a
    material, and the material's quantity through it (rounded at every level)."""

    lines: tuple[BomLine, ...]
    quantity: Decimal

    @property
    def material(self) -> str:
        return self.lines[-1].component

    @property
    def route(self) -> tuple[str, ...]:
        """Part numbers from the shipped product down to the material."""
        return (self.lines[0].product, *(line.component for line in self.lines))


class BomTree:
    """The BOM lines of a plant by product, to explode a shipment through every level."""

    def __init__(self, bom: Iterable[BomLine]) -> None:
        lines = list(bom)
        check_acyclic(lines)
        by_product: dict[str, list[BomLine]] = defaultdict(list)
        for line in lines:
            by_product[line.product].append(line)
        self._lines = {p: sorted(ls, key=lambda b: b.component) for p, ls in by_product.items()}

    def is_assembly(self, part: str) -> bool:
        """Whether ``part`` has BOM lines (a product; as a component, a sub-assembly)."""
        return part in self._lines

    def in_force(self, product: str, when: date) -> list[BomLine]:
        """The lines of ``product``'s version in force on ``when``, in component order."""
        return [b for b in self._lines.get(product, ()) if b.in_force(when)]

    def routes(self, product: str, quantity: Decimal, when: date) -> list[RouteNeed] | None:
        """Every route from ``product`` down to a material (depth first, component order),
        or None when ``product`` has no BOM version in force on ``when``."""
        top = self.in_force(product, when)
        if not top:
            return None
        out: list[RouteNeed] = []
        self._walk(top, (), quantity, when, out)
        return out

    def _walk(
        self,
        lines: list[BomLine],
        above: tuple[BomLine, ...],
        quantity: Decimal,
        when: date,
        out: list[RouteNeed],
    ) -> None:
        for line in lines:
            need = consumption_quantity(quantity, line.qty_per_unit, line.scrap_pct)
            chain = (*above, line)
            below = self.in_force(line.component, when)
            if below:
                self._walk(below, chain, need, when, out)
            else:
                out.append(RouteNeed(chain, need))

    def needs(
        self, product: str, quantity: Decimal, when: date
    ) -> list[tuple[str, Decimal]] | None:
        """(material, quantity) of a shipment of ``quantity`` ``product`` on ``when``: one
        per material in part-number order, the routes to it added up; None when
        ``product`` has no BOM version in force."""
        routes = self.routes(product, quantity, when)
        if routes is None:
            return None
        total: dict[str, Decimal] = {}
        for r in routes:
            total[r.material] = total.get(r.material, Decimal(0)) + r.quantity
        return sorted(total.items())


def _dated(line: Any, when: date) -> bool:
    return (line.valid_from is None or line.valid_from <= when) and (
        line.valid_to is None or when <= line.valid_to
    )


def parts_consumed(bom: Sequence[Any], product: str, when: date) -> set[str]:
    """The parts a line of ``product`` shipped on ``when`` consumes: its components in force,
    a sub-assembly's replaced by its own (every level), as in :meth:`BomTree.routes`.
    ``bom``: lines with product, component, valid_from, valid_to (records or rows)."""
    products = {b.product for b in bom}
    frontier, out, seen = {product}, set(), {product}
    while frontier:
        comps = {b.component for b in bom if b.product in frontier and _dated(b, when)}
        below = {c for c in comps if c in products and any(
            b.product == c and _dated(b, when) for b in bom
        )}  # fmt: skip
        out |= comps - below
        frontier = below - seen
        seen |= below
    return out


def assemblies_reaching(bom: Sequence[Any], parts: Iterable[str]) -> set[str]:
    """The products whose BOM (any version, any level) reaches one of ``parts``."""
    wanted = set(parts)
    found: set[str] = set()
    while True:
        more = {b.product for b in bom if b.component in wanted or b.component in found}
        if more <= found:
            return found
        found |= more
