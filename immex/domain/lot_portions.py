"""Lot portions: what the discharge journal says of one temporary-import lot.

A lot portion is a quantity and USD value of one temporary-import lot consumed by shipments:
one journal allocation (shipment → lot), or the sum of a lot's allocations of a period. The
F4 plan, the 63-A report and the savings price lot portions; this module says how journal
rows become portions (:class:`PortionSplit`), with no store and no clock.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.money import ZERO


class PortionSplit(enum.StrEnum):
    """How journal rows are grouped into lot portions."""

    #: one portion per journal row
    ALLOCATION = "allocation"
    #: one portion per lot (what the F4 declares: each original pedimento line)
    LOT = "lot"
    #: per lot and shipment document (63-A compares duties per exported good)
    LOT_DOCUMENT = "lot_document"
    #: per lot and month of shipment (the savings price each month's F4)
    LOT_MONTH = "lot_month"


@dataclass(frozen=True, slots=True)
class LotPortion:
    """A portion of one temporary-import lot: one journal allocation (shipment → lot), or
    the sum of a lot's allocations (:func:`merge_by_lot`), with what the duty engine needs."""

    allocation_id: int
    shipment_id: int
    document: str
    shipment_date: date
    destination: str
    product: str
    key: str  # RT | F4 | F5 | V1
    lot_id: int
    pedimento: str
    part: str
    fraccion: str
    origin: str
    entry_date: date
    certificate: str | None
    quantity: Decimal
    value_usd: Decimal
    documents: tuple[str, ...] = ()  # when merged: every shipment document of the portion
    allocations: int = 1  # journal rows in the portion


def sum_decimals(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def merge_by_lot(portions: Iterable[LotPortion], *, per_document: bool = False) -> list[LotPortion]:
    """One portion per lot (per lot and document with ``per_document``): what the F4
    declares is the quantity of each original pedimento line changing regime, so each
    lot's allocations of the period are priced together (one computation, one rounding).
    Order: first appearance in the journal."""
    groups: dict[tuple[Any, ...], list[LotPortion]] = {}
    for p in portions:
        key = (p.lot_id, p.document) if per_document else (p.lot_id,)
        groups.setdefault(key, []).append(p)
    if all(len(m) == 1 for m in groups.values()):  # already one portion per key
        return [m[0] for m in groups.values()]
    out = []
    for members in groups.values():
        first = members[0]
        docs = tuple(sorted({d for m in members for d in (m.documents or (m.document,))}))
        out.append(
            replace(
                first,
                shipment_date=max(m.shipment_date for m in members),
                quantity=sum_decimals(m.quantity for m in members),
                value_usd=sum_decimals(m.value_usd for m in members),
                documents=docs,
                allocations=sum(m.allocations for m in members),
            )
        )
    return out


def portions_from_allocations(
    allocations: Iterable[Any],
    lots: dict[int, Any],
    shipments: dict[int, Any],
    *,
    keys: tuple[str, ...] = ("F4",),
    date_from: date | None = None,
    date_to: date | None = None,
    allocation_ids: Sequence[int] | None = None,
) -> list[LotPortion]:
    """Journal rows (domain :class:`~immex.domain.ledger.Allocation`) as lot portions.

    ``lots`` / ``shipments`` map ids to :class:`~immex.domain.ledger.ImportLot` /
    :class:`~immex.domain.ledger.Shipment`; only rows with a key in ``keys`` whose shipment
    date is within ``date_from … date_to`` are kept, in journal order.
    """
    out: list[LotPortion] = []
    for n, a in enumerate(allocations):
        if a.key not in keys:
            continue
        s = shipments[a.shipment_id]
        if (date_from and s.date < date_from) or (date_to and s.date > date_to):
            continue
        lot = lots[a.lot_id]
        out.append(
            LotPortion(
                allocation_id=allocation_ids[n] if allocation_ids is not None else n + 1,
                shipment_id=s.shipment_id,
                document=s.document,
                shipment_date=s.date,
                destination=s.destination or "",
                product=s.product,
                key=a.key,
                lot_id=lot.lot_id,
                pedimento=lot.pedimento,
                part=a.component,
                fraccion=lot.fraccion,
                origin=lot.origin,
                entry_date=lot.entry_date,
                certificate=lot.certificate or None,
                quantity=a.quantity,
                value_usd=a.value_usd,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One journal allocation as the store keeps it (integer micro-units, 1/10,000 USD)."""

    ship_id: int
    lot_id: int
    qty_micro: int
    value_e4: int
    key: str


@dataclass(frozen=True, slots=True)
class PortionShipment:
    """What a lot portion needs of a shipment line."""

    id: int
    document: str
    ship_date: date
    product: str
    destination: str | None


@dataclass(frozen=True, slots=True)
class PortionLot:
    """What a lot portion needs of a temporary-import lot."""

    id: int
    pedimento: str
    entry_date: date
    part_number: str
    origin: str
    fraccion: str
    certificate: str | None


def _group_key(
    split: PortionSplit, ships: dict[int, PortionShipment]
) -> Callable[[int, JournalEntry], Any]:
    """The key of a journal entry's portion (chosen once per split)."""
    if split is PortionSplit.LOT:
        return lambda _n, e: (e.lot_id, e.key)
    if split is PortionSplit.LOT_DOCUMENT:
        return lambda _n, e: (e.lot_id, e.key, ships[e.ship_id].document)
    if split is PortionSplit.LOT_MONTH:

        def by_month(_n: int, e: JournalEntry) -> Any:
            day = ships[e.ship_id].ship_date
            return (e.lot_id, e.key, day.year, day.month)

        return by_month
    return lambda n, _e: n


def group_journal(
    entries: Sequence[JournalEntry],
    ships: dict[int, PortionShipment],
    lots: dict[int, PortionLot],
    split: PortionSplit,
) -> list[LotPortion]:
    """Journal entries grouped into lot portions by ``split``; order: first journal row."""
    key = _group_key(split, ships)
    groups: dict[Any, list[JournalEntry]] = {}
    for n, e in enumerate(entries):
        groups.setdefault(key(n, e), []).append(e)
    out = []
    for number, members in enumerate(groups.values(), start=1):
        first = members[0]
        lot = lots[first.lot_id]
        ship = ships[first.ship_id]
        member_ships = [ships[m.ship_id] for m in members]
        docs = tuple(sorted({s.document for s in member_ships}))
        out.append(
            LotPortion(
                allocation_id=number,
                shipment_id=ship.id,
                document=ship.document,
                shipment_date=max(s.ship_date for s in member_ships),
                destination=ship.destination or "",
                product=ship.product,
                key=first.key,
                lot_id=lot.id,
                pedimento=lot.pedimento,
                part=lot.part_number,
                fraccion=lot.fraccion,
                origin=lot.origin,
                entry_date=lot.entry_date,
                certificate=lot.certificate or None,
                quantity=Decimal(sum(m.qty_micro for m in members)).scaleb(-6),
                value_usd=Decimal(sum(m.value_e4 for m in members)).scaleb(-4),
                documents=docs if split is not PortionSplit.ALLOCATION else (),
                allocations=len(members),
            )
        )
    return out
