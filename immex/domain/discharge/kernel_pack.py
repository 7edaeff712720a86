"""The columnar form of the FIFO discharge (numpy): a plant packed into arrays, a journal
of arrays, and the conversions from and to the domain records.

Quantities are integers in micro-units (6 decimals), values in 1/10,000 USD, dates days
since 1970-01-01; the fast engine (:mod:`immex.domain.discharge.kernel`) works on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from immex.domain.discharge.rules import shipment_order
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

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
MICRO = 10**6
E4 = 10**4
NO_LIMIT = np.int32(2**31 - 1)
DAY_MIN = -(2**30)
DAY_MAX = 2**30
EPOCH = date(1970, 1, 1).toordinal()
KIND_CODES = {"export": 0, "domestic": 1, "transfer": 2, "destruction": 3}
#: discharge key codes stored in the journal
KEY_NAMES = ("RT", "F4", "F5", "V1", "DESTR")


def day(d: date) -> int:
    return d.toordinal() - EPOCH


def from_day(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH)


def to_micro(x: Decimal) -> int:
    return int(x.scaleb(6))


def to_e4(x: Decimal) -> int:
    return int(x.scaleb(4))


@dataclass
class Plant:
    """Columnar inputs. Shipments in processing order; parts = sorted component names."""

    parts: list[str]
    products: list[str]
    # lots (temporary imports only)
    lot_id: I64
    lot_part: I32
    lot_entry: I32
    lot_limit: I32
    lot_qty: I64
    lot_value: I64
    lot_ped: I64  # the 15-digit number as an integer (same order as the text)
    lot_af: npt.NDArray[np.bool_]
    # shipments, sorted by (date, document, line, id)
    ship_id: I64
    ship_date: I32
    ship_kind: npt.NDArray[np.int8]
    ship_product: I32
    ship_qty: I64
    ship_ped: I64  # -1 = not directed
    # BOM lines
    bom_product: I32
    bom_comp: I32
    bom_factor: I64  # qty_per_unit (micro) × (10^6 + scrap_pct × 10^4): scale 10^12
    bom_from: I32
    bom_to: I32


@dataclass
class Journal:
    """Columnar result; rows in journal order (shipment order, component, FIFO walk)."""

    consumptions: int
    # allocations
    a_ship: I32  # index into the Plant's shipments
    a_comp: I32
    a_lot: I32  # index into the Plant's lots
    a_qty: I64
    a_value: I64
    a_key: npt.NDArray[np.int8]
    a_directed: npt.NDArray[np.bool_]
    # shortfalls
    s_ship: I32
    s_comp: I32
    s_required: I64
    s_missing: I64
    # expired lots reached and skipped
    e_lot: I32
    e_ship: I32
    e_open: I64
    # shipments with no BOM in force
    u_ship: I32


# --------------------------------------------------------------------------- domain records


def plant_from_domain(
    lots: Iterable[ImportLot],
    shipments: Iterable[Shipment],
    bom: Iterable[BomLine],
    temporary_keys: tuple[str, ...] = TEMPORARY_KEYS,
) -> Plant:
    """Columnar inputs from domain records (tests, small runs)."""
    lots = [lot for lot in lots if lot.clave in temporary_keys]
    ships = sorted(shipments, key=shipment_order)
    bom = list(bom)
    parts = sorted({lot.part for lot in lots} | {b.component for b in bom})
    products = sorted({s.product for s in ships} | {b.product for b in bom})
    pi = {p: i for i, p in enumerate(parts)}
    qi = {p: i for i, p in enumerate(products)}
    return Plant(
        parts=parts,
        products=products,
        lot_id=np.asarray([lot.lot_id for lot in lots], dtype=np.int64),
        lot_part=np.asarray([pi[lot.part] for lot in lots], dtype=np.int32),
        lot_entry=np.asarray([day(lot.entry_date) for lot in lots], dtype=np.int32),
        lot_limit=np.asarray(
            [NO_LIMIT if lot.limit_date is None else day(lot.limit_date) for lot in lots],
            dtype=np.int32,
        ),
        lot_qty=np.asarray([to_micro(lot.quantity) for lot in lots], dtype=np.int64),
        lot_value=np.asarray([to_e4(lot.value_usd) for lot in lots], dtype=np.int64),
        lot_ped=np.asarray([int(lot.pedimento) for lot in lots], dtype=np.int64),
        lot_af=np.asarray([lot.clave == "AF" for lot in lots], dtype=np.bool_),
        ship_id=np.asarray([s.shipment_id for s in ships], dtype=np.int64),
        ship_date=np.asarray([day(s.date) for s in ships], dtype=np.int32),
        ship_kind=np.asarray([KIND_CODES[s.kind] for s in ships], dtype=np.int8),
        ship_product=np.asarray([qi[s.product] for s in ships], dtype=np.int32),
        ship_qty=np.asarray([to_micro(s.quantity) for s in ships], dtype=np.int64),
        ship_ped=np.asarray(
            [int(s.pedimento) if s.pedimento else -1 for s in ships], dtype=np.int64
        ),
        bom_product=np.asarray([qi[b.product] for b in bom], dtype=np.int32),
        bom_comp=np.asarray([pi[b.component] for b in bom], dtype=np.int32),
        bom_factor=np.asarray(
            [to_micro(b.qty_per_unit) * (MICRO + to_e4(b.scrap_pct)) for b in bom], dtype=np.int64
        ),
        bom_from=np.asarray(
            [DAY_MIN if b.valid_from is None else day(b.valid_from) for b in bom], dtype=np.int32
        ),
        bom_to=np.asarray(
            [DAY_MAX if b.valid_to is None else day(b.valid_to) for b in bom], dtype=np.int32
        ),
    )


def _dq(n: int) -> Decimal:
    return Decimal(n).scaleb(-6)


def _dv(n: int) -> Decimal:
    return Decimal(n).scaleb(-4)


def journal_to_domain(plant: Plant, j: Journal) -> DischargeResult:
    """The journal as domain records (to compare with the reference)."""
    sid = plant.ship_id.tolist()
    sdate = plant.ship_date.tolist()
    sprod = plant.ship_product.tolist()
    lid = plant.lot_id.tolist()
    llim = plant.lot_limit.tolist()
    parts = plant.parts
    allocs = tuple(
        Allocation(sid[s], parts[c], lid[lt], _dq(q), _dv(v), KEY_NAMES[k], bool(dr))
        for s, c, lt, q, v, k, dr in zip(
            j.a_ship.tolist(),
            j.a_comp.tolist(),
            j.a_lot.tolist(),
            j.a_qty.tolist(),
            j.a_value.tolist(),
            j.a_key.tolist(),
            j.a_directed.tolist(),
            strict=True,
        )
    )
    shorts = tuple(
        Shortfall(sid[s], parts[c], _dq(r), _dq(m))
        for s, c, r, m in zip(
            j.s_ship.tolist(),
            j.s_comp.tolist(),
            j.s_required.tolist(),
            j.s_missing.tolist(),
            strict=True,
        )
    )
    lot_part = plant.lot_part.tolist()
    expired = tuple(
        ExpiredLotUse(
            lid[lt], parts[lot_part[lt]], from_day(llim[lt]), sid[s], from_day(sdate[s]), _dq(o)
        )
        for lt, s, o in zip(j.e_lot.tolist(), j.e_ship.tolist(), j.e_open.tolist(), strict=True)
    )
    unexp = tuple(
        UnexplodedShipment(sid[s], plant.products[sprod[s]], from_day(sdate[s]))
        for s in j.u_ship.tolist()
    )
    return DischargeResult(allocs, shorts, expired, unexp, j.consumptions)
