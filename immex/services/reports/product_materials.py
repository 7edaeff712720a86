"""Annex 24: the materials used per finished product, through every level of its BOM.

For each product shipped in the period (a sub-assembly sold on its own is one too), each
imported material its shipments consumed: the route from the product down to the material
through its sub-assemblies (``MOD-1 → HARN-2 → CU-WIRE``), the level, the quantity the BOM
in force on each shipment date requires (each level's scrap included, rounded at every
level: :mod:`immex.domain.discharge.bom_tree`), and what the discharge run took from the
lots, with its value — what an auditor follows from an exit back to the pedimentos
(RULES I-9; RGCE 4.3.1, Annex 24 "materiales utilizados").
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from immex.domain.discharge.bom_tree import ARROW, BomTree
from immex.domain.ledger import BomLine
from immex.domain.messages import Msg, Template
from immex.domain.money import ZERO
from immex.reports.model import Column, Table

NOT_EXPLODED = Template(
    "report.not_exploded",
    "{n} shipment line of the period has no BOM version in force on its date ({products}): no "
    "material is listed for it",
    "{n} shipment lines of the period have no BOM version in force on their date ({products}): "
    "no material is listed for them",
)


SCRAP_RANGE = Template(
    "unit.note.scrap_range",
    "Quantities consumed include the merma (scrap) of the bill of materials: units shipped × "
    "quantity per unit × (1 + merma % / 100), at each level of the BOM, rounded to 6 decimals; "
    "the BOM's merma runs from {low} % to {high} % a line, hence fractions of a piece",
)
SCRAP_ONE = Template(
    "unit.note.scrap_one",
    "Quantities consumed include the merma (scrap) of the bill of materials: units shipped × "
    "quantity per unit × (1 + merma % / 100), at each level of the BOM, rounded to 6 decimals; "
    "every BOM line has a merma of {pct} %, hence fractions of a piece",
)
SCRAP_NONE = Template(
    "unit.note.scrap_none",
    "Quantities consumed are units shipped × quantity per unit of the bill of materials, "
    "rounded to 6 decimals: no BOM line has a merma (scrap)",
)


def scrap_note(bom: Sequence[BomLine]) -> Msg | None:
    """The note that says how a consumption is computed and the BOM's merma (scrap)
    percentages, which make fractions of a piece (None without a BOM)."""
    if not bom:
        return None
    pcts = sorted({line.scrap_pct for line in bom})
    low, high = (f"{p.normalize():f}" for p in (pcts[0], pcts[-1]))
    if pcts[-1] == 0:
        return SCRAP_NONE()
    if low == high:
        return SCRAP_ONE(pct=low)
    return SCRAP_RANGE(low=low, high=high)


def _group(rows: dict[tuple[str, str], dict[str, Any]], product: str, part: str) -> dict[str, Any]:
    return rows.setdefault(
        (product, part),
        {
            "product": product,
            "part": part,
            "levels": set(),
            "routes": set(),
            "required": ZERO,
            "quantity": ZERO,
            "value_usd": ZERO,
        },
    )


def product_material_rows(
    exits: Sequence[Any],
    bom: Sequence[BomLine],
    journal: Sequence[Any],
    mats: dict[str, tuple[str, str]],
    units: dict[str, str] | None = None,
) -> tuple[tuple[dict[str, Any], ...], tuple[str, ...]]:
    """Rows by finished product and material (and the notes under the table).

    ``exits``: the period's shipment lines (product, quantity, ship_date); ``journal``: the
    current run's allocations of the period (product, component, quantity, value_usd);
    ``units``: part number → the unit shown next to its quantities (the product's next to
    the units shipped, the material's next to its own)."""
    units = units or {}
    tree = BomTree(bom)
    shipped: dict[str, Decimal] = {}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    missing: dict[str, int] = {}
    for e in exits:
        shipped[e.product] = shipped.get(e.product, ZERO) + e.quantity
        routes = tree.routes(e.product, e.quantity, e.ship_date)
        if routes is None:
            missing[e.product] = missing.get(e.product, 0) + 1
            continue
        for r in routes:
            g = _group(rows, e.product, r.material)
            g["levels"].add(len(r.lines))
            g["routes"].add(ARROW.join(r.route))
            g["required"] += r.quantity
    for j in journal:
        g = _group(rows, j.product, j.component)
        g["quantity"] += j.quantity
        g["value_usd"] += j.value_usd
    out = []
    for (product, part), g in sorted(rows.items()):
        desc, frac = mats.get(part, ("", ""))
        out.append(
            {
                "product": product,
                "shipped": shipped.get(product, ZERO),
                "product_umc": units.get(product, ""),
                "part": part,
                "description": desc,
                "fraccion": frac,
                "level": ", ".join(str(n) for n in sorted(g["levels"])),
                "route": "; ".join(sorted(g["routes"])),
                "required": g["required"],
                "quantity": g["quantity"],
                "umc": units.get(part, ""),
                "value_usd": g["value_usd"],
            }
        )
    notes: tuple[str, ...] = ()
    if missing:
        notes = (NOT_EXPLODED(n=sum(missing.values()), products=", ".join(sorted(missing))),)
    return tuple(out), notes


def product_materials_table(rows: tuple[dict[str, Any], ...], notes: tuple[str, ...]) -> Table:
    c = Column
    return Table(
        "materials_by_product",
        "sec.materials_by_product",
        (
            c("product", "col.product"),
            c("shipped", "col.shipped_qty", "qty"),
            c("product_umc", "col.umc"),
            c("part", "col.material"),
            c("description", "col.description"),
            c("fraccion", "col.fraccion"),
            c("level", "col.bom_level"),
            c("route", "col.bom_route"),
            c("required", "col.required_qty", "qty"),
            c("quantity", "col.allocated_qty", "qty"),
            c("umc", "col.umc"),
            c("value_usd", "col.allocated_value", "money", "USD"),
        ),
        rows,
        {"value_usd": sum((r["value_usd"] for r in rows), ZERO)},
        notes,
        sheet="sheet.materials_by_product",
    )
