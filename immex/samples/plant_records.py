"""Domain records of a synthetic plant's rows, for runs without a store — ILLUSTRATIVE DATA.

Tests and benchmarks discharge :func:`immex.samples.plant_generator.generate`'s rows and
price the F4 directly on the domain; the store path (``immex import …``) is what the demo
uses.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from immex.domain.codes import parse_pedimento_number
from immex.domain.discharge.rules import limit_date
from immex.domain.errors import InvalidInput
from immex.domain.ledger import BomLine, ImportLot, Shipment
from immex.domain.messages import Template
from immex.domain.money import D

NOT_MATERIALS = Template(
    "samples.not_materials",
    "pedimento rows name parts that are not materials: {items}",
)


def records_from_rows(
    data: dict[str, list[list[str]]], months_limit: int = 18
) -> tuple[list[Any], list[Any], list[Any]]:
    """Lots, shipments and BOM lines (domain records) of a plant generator's rows.

    For tests and benchmarks that run the discharge and the F4 pricing without a store;
    the store path (``immex import …``) is what the demo itself uses. Every lot gets the
    18-month limit of inputs (RULES I-2), fixed assets (AF) none; every part of a pedimento
    row must be one of the materials.
    """
    fracs = {r[0]: r[3] for r in data["materials"]}
    kinds = {r[0]: r[2] for r in data["materials"]}
    unknown = sorted({r[3] for r in data["pedimentos"]} - set(kinds))
    if unknown:
        raise InvalidInput(
            NOT_MATERIALS(items=", ".join(unknown[:5])),
            field="part_number",
        )
    lots = []
    for i, r in enumerate(data["pedimentos"], start=1):
        ped, clave, day, part, qty, value, origin, frac, _fx, cert = r[:10]
        entry = date.fromisoformat(day)
        months = None if clave == "AF" else months_limit
        lots.append(
            ImportLot(
                lot_id=i,
                pedimento=parse_pedimento_number(ped, check_year=False).compact,
                clave=clave,
                entry_date=entry,
                part=part,
                quantity=D(qty),
                value_usd=D(value),
                origin=origin,
                fraccion=frac or fracs[part],
                certificate=cert or None,
                kind=kinds[part],
                limit_date=limit_date(entry, months),
            )
        )
    ships = []
    lines: dict[str, int] = {}
    for i, r in enumerate(data["shipments"], start=1):
        doc, kind, day, product, qty, dest, value = r[:7]
        ped = r[7] if len(r) > 7 else ""
        lines[doc] = lines.get(doc, 0) + 1
        ships.append(
            Shipment(
                shipment_id=i,
                document=doc,
                line=lines[doc],
                kind=kind,
                date=date.fromisoformat(day),
                product=product,
                quantity=D(qty),
                destination=dest,
                value_usd=D(value) if value else None,
                pedimento=parse_pedimento_number(ped, check_year=False).compact if ped else None,
            )
        )
    bom = [
        BomLine(
            r[0],
            r[1],
            D(r[2]),
            D(r[3] or "0"),
            date.fromisoformat(r[4]) if r[4] else None,
            date.fromisoformat(r[5]) if r[5] else None,
        )
        for r in data["bom"]
    ]
    return lots, ships, bom
