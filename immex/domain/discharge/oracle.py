"""The reference discharge: row by row, no cleverness — the oracle for the fast engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from immex.domain.discharge.bom_tree import BomTree
from immex.domain.discharge.rules import (
    allocation_value,
    discharge_key,
    fifo_key,
    shipment_order,
)
from immex.domain.ledger import (
    TEMPORARY_KEYS,
    Allocation,
    BomLine,
    DischargeResult,
    ExpiredLotUse,
    ImportLot,
    Shipment,
    Shortfall,
    UnexplodedShipment,
)

ZERO = Decimal(0)


def discharge_reference(
    lots: Iterable[ImportLot],
    shipments: Iterable[Shipment],
    bom: Iterable[BomLine],
    *,
    through: date | None = None,
    temporary_keys: tuple[str, ...] = TEMPORARY_KEYS,
) -> DischargeResult:
    """Allocate every shipment (up to ``through``) to lots, following :mod:`.rules` (and
    :mod:`.bom_tree` for the explosion through sub-assemblies)."""
    by_part: dict[str, list[ImportLot]] = defaultdict(list)
    for lot in lots:
        if lot.clave in temporary_keys:
            by_part[lot.part].append(lot)
    for queue in by_part.values():
        queue.sort(key=fifo_key)
    used: dict[int, Decimal] = {lot.lot_id: ZERO for q in by_part.values() for lot in q}
    tree = BomTree(bom)

    allocations: list[Allocation] = []
    shortfalls: list[Shortfall] = []
    expired: list[ExpiredLotUse] = []
    unexploded: list[UnexplodedShipment] = []
    reported: set[int] = set()
    consumptions = 0

    for ship in sorted(shipments, key=shipment_order):
        if through is not None and ship.date > through:
            continue
        needs = tree.needs(ship.product, ship.quantity, ship.date)
        if needs is None:
            unexploded.append(UnexplodedShipment(ship.shipment_id, ship.product, ship.date))
            continue
        for component, need in needs:
            required = need
            consumptions += 1
            queue = by_part.get(component, [])
            walks: list[tuple[list[ImportLot], bool]] = []
            if ship.pedimento:
                walks.append(([lot for lot in queue if lot.pedimento == ship.pedimento], True))
            walks.append((queue, False))
            for candidates, directed in walks:
                for lot in candidates:
                    if need == ZERO:
                        break
                    if lot.entry_date > ship.date:
                        break  # FIFO order: every later lot entered later still
                    open_qty = lot.quantity - used[lot.lot_id]
                    if open_qty == ZERO:
                        continue
                    if lot.limit_date is not None and ship.date > lot.limit_date:
                        if lot.lot_id not in reported:
                            reported.add(lot.lot_id)
                            expired.append(
                                ExpiredLotUse(
                                    lot.lot_id,
                                    lot.part,
                                    lot.limit_date,
                                    ship.shipment_id,
                                    ship.date,
                                    open_qty,
                                )
                            )
                        continue
                    take = min(need, open_qty)
                    before = used[lot.lot_id]
                    used[lot.lot_id] = before + take
                    need -= take
                    allocations.append(
                        Allocation(
                            ship.shipment_id,
                            component,
                            lot.lot_id,
                            take,
                            allocation_value(lot.value_usd, lot.quantity, before, before + take),
                            discharge_key(ship.kind, lot.clave),
                            directed,
                        )
                    )
            if need > ZERO:
                shortfalls.append(Shortfall(ship.shipment_id, component, required, need))
    return DischargeResult(
        tuple(allocations), tuple(shortfalls), tuple(expired), tuple(unexploded), consumptions
    )
