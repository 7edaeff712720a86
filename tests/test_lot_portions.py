"""Journal entries grouped into lot portions, one split at a time (the domain, no store)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from immex.domain.lot_portions import (
    JournalEntry,
    PortionLot,
    PortionShipment,
    PortionSplit,
    group_journal,
)

SHIPS = {
    1: PortionShipment(1, "FAC-1", date(2025, 3, 5), "P1", "MEX"),
    2: PortionShipment(2, "FAC-2", date(2025, 3, 20), "P1", "MEX"),
    3: PortionShipment(3, "FAC-2", date(2025, 4, 2), "P2", None),
}
LOTS = {
    10: PortionLot(10, "252430125000001", date(2025, 1, 10), "MCU", "CHN", "8542.31.03", None),
    11: PortionLot(11, "252430125000002", date(2025, 2, 1), "BOX", "USA", "4819.10.01", "TMEC"),
}
# lot 10 feeds every shipment; lot 11 only the first
ENTRIES = [
    JournalEntry(1, 10, 1_000_000, 10_000, "F4"),
    JournalEntry(1, 11, 2_000_000, 5_000, "F4"),
    JournalEntry(2, 10, 3_000_000, 30_000, "F4"),
    JournalEntry(3, 10, 500_000, 5_000, "F4"),
]


def _shape(split: PortionSplit) -> list[tuple[int, tuple[str, ...], int, Decimal, Decimal, date]]:
    return [
        (p.lot_id, p.documents, p.allocations, p.quantity, p.value_usd, p.shipment_date)
        for p in group_journal(ENTRIES, SHIPS, LOTS, split)
    ]


def test_one_portion_per_lot() -> None:
    assert _shape(PortionSplit.LOT) == [
        (10, ("FAC-1", "FAC-2"), 3, Decimal("4.5"), Decimal("4.5"), date(2025, 4, 2)),
        (11, ("FAC-1",), 1, Decimal(2), Decimal("0.5"), date(2025, 3, 5)),
    ]


def test_per_lot_and_document() -> None:
    assert _shape(PortionSplit.LOT_DOCUMENT) == [
        (10, ("FAC-1",), 1, Decimal(1), Decimal(1), date(2025, 3, 5)),
        (11, ("FAC-1",), 1, Decimal(2), Decimal("0.5"), date(2025, 3, 5)),
        (10, ("FAC-2",), 2, Decimal("3.5"), Decimal("3.5"), date(2025, 4, 2)),
    ]


def test_per_lot_and_month() -> None:
    assert _shape(PortionSplit.LOT_MONTH) == [
        (10, ("FAC-1", "FAC-2"), 2, Decimal(4), Decimal(4), date(2025, 3, 20)),
        (11, ("FAC-1",), 1, Decimal(2), Decimal("0.5"), date(2025, 3, 5)),
        (10, ("FAC-2",), 1, Decimal("0.5"), Decimal("0.5"), date(2025, 4, 2)),
    ]


def test_one_portion_per_allocation_keeps_the_lot_and_shipment() -> None:
    portions = group_journal(ENTRIES, SHIPS, LOTS, PortionSplit.ALLOCATION)
    assert [p.allocation_id for p in portions] == [1, 2, 3, 4]
    assert all(p.documents == () and p.allocations == 1 for p in portions)
    box = portions[1]
    assert (box.part, box.certificate, box.origin, box.pedimento) == (
        "BOX", "TMEC", "USA", "252430125000002",
    )  # fmt: skip
    assert portions[3].destination == ""  # no destination recorded


def test_an_unknown_split_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        PortionSplit("per_lot")
