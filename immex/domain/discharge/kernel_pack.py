"""The columnar form of the FIFO discharge (numpy): a plant packed into arrays, a journal
of arrays, and the conversions from and to the domain records.

Quantities are integers in micro-units (6 decimals), values in 1/10,000 USD, dates days
since 1970-01-01; the fast engine (:mod:`immex.domain.discharge.kernel`) works on these.
The explosion of shipments into consumptions — BOM versions by date, down every level of
sub-assemblies (:mod:`.bom_tree`) — is here too, vectorised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from immex.domain.discharge.bom_tree import check_acyclic
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
    #: quantity already used from each lot before the first of ``ship_*`` (a stored run's
    #: journal: :func:`lot_uses`); None = every lot whole
    lot_used: I64 | None = None


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


# --------------------------------------------------------------------------- explosion


def muldiv_half_up(a: I64, b: I64, d: I64 | int) -> I64:
    """round_half_up(a × b / d) for non-negative integers, exactly.

    int64 where the product cannot overflow; else the fraction b/d is reduced first; what
    still could overflow is done with Python integers."""
    n = len(a)
    dd = np.broadcast_to(np.asarray(d, dtype=np.int64), (n,))
    safe = a.astype(np.float64) * b.astype(np.float64) < 2.0**60
    if safe.all():
        return (2 * a * b + dd) // (2 * dd)
    out = np.empty(n, dtype=np.int64)
    s = np.flatnonzero(safe)
    out[s] = (2 * a[s] * b[s] + dd[s]) // (2 * dd[s])
    u = np.flatnonzero(~safe)
    au, bu, du = a[u], b[u], dd[u]
    g = np.gcd(bu, du)
    bu = bu // g
    du = du // g
    safe2 = au.astype(np.float64) * bu.astype(np.float64) < 2.0**60
    s2 = np.flatnonzero(safe2)
    out[u[s2]] = (2 * au[s2] * bu[s2] + du[s2]) // (2 * du[s2])
    u2 = np.flatnonzero(~safe2)
    out[u[u2]] = [
        (2 * x * y + z) // (2 * z)
        for x, y, z in zip(au[u2].tolist(), bu[u2].tolist(), du[u2].tolist(), strict=True)
    ]
    return out


def _bom_versions(plant: Plant) -> tuple[I64, I64, I64, I32, I64]:
    """BOM versions per product: (key, offset, length) sorted by key, and flat lines."""
    order = np.lexsort((plant.bom_comp, plant.bom_product))
    prod = plant.bom_product[order]
    keys: list[int] = []
    offs: list[int] = []
    lens: list[int] = []
    flat_comp: list[int] = []
    flat_factor: list[int] = []
    bounds = np.flatnonzero(np.diff(prod)) + 1
    starts = np.concatenate(([0], bounds)).tolist()
    ends = np.concatenate((bounds, [len(prod)])).tolist()
    comp_all = plant.bom_comp[order].tolist()
    fac_all = plant.bom_factor[order].tolist()
    vf_all = plant.bom_from[order].tolist()
    vt_all = plant.bom_to[order].tolist()
    for s, e in zip(starts, ends, strict=True):
        if s == e:
            continue
        p = int(prod[s])
        lines = list(range(s, e))
        cuts = sorted(
            {vf_all[i] for i in lines} | {vt_all[i] + 1 for i in lines if vt_all[i] < DAY_MAX}
        )
        if cuts[0] > DAY_MIN:
            cuts.insert(0, DAY_MIN)
        for c in cuts:
            keys.append((p << 32) + (c + 2**31))
            offs.append(len(flat_comp))
            inforce = [i for i in lines if vf_all[i] <= c <= vt_all[i]]
            inforce.sort(key=lambda i: comp_all[i])
            flat_comp.extend(comp_all[i] for i in inforce)
            flat_factor.extend(fac_all[i] for i in inforce)
            lens.append(len(inforce))
    return (
        np.asarray(keys, dtype=np.int64),
        np.asarray(offs, dtype=np.int64),
        np.asarray(lens, dtype=np.int64),
        np.asarray(flat_comp, dtype=np.int32),
        np.asarray(flat_factor, dtype=np.int64),
    )


def _explode_items(
    versions: tuple[I64, I64, I64, I32, I64, I64], prod: I32, when: I32, qty: I64
) -> tuple[I32, I32, I64, I64]:
    """Items (product, date, quantity µ) through the BOM version of each product in force
    on its date: (item index, component, need µ) per line, and each item's line count."""
    keys, offs, lens, flat_comp, line_num, line_den = versions
    skey = (prod.astype(np.int64) << 32) + (when.astype(np.int64) + 2**31)
    ver = np.searchsorted(keys, skey, side="right") - 1
    ok = ver >= 0
    ver_c = np.where(ok, ver, 0)
    ok &= (keys[ver_c] >> 32) == prod
    counts = np.where(ok, lens[ver_c], 0)
    total = int(counts.sum())
    item = np.repeat(np.arange(len(prod), dtype=np.int32), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(starts, counts)
    line = np.repeat(offs[ver_c], counts) + within
    need = muldiv_half_up(qty[item], line_num[line], line_den[line])
    return item, flat_comp[line], need, counts


def assemblies(plant: Plant) -> I32 | None:
    """Per part, the product index of the sub-assembly of that part number (-1: a
    material); None when no BOM line has a sub-assembly for component."""
    with_bom = {plant.products[i] for i in np.unique(plant.bom_product).tolist()}
    used = {plant.parts[i] for i in np.unique(plant.bom_comp).tolist()}
    if not with_bom & used:
        return None
    check_acyclic(
        BomLine(plant.products[p], plant.parts[c], Decimal(1))
        for p, c in zip(plant.bom_product.tolist(), plant.bom_comp.tolist(), strict=True)
    )
    qi = {p: i for i, p in enumerate(plant.products)}
    return np.asarray(
        [qi[p] if p in with_bom else -1 for p in plant.parts] or [-1], dtype=np.int32
    )


def _merge_leaves(ship: I32, comp: I32, need: I64) -> tuple[I32, I32, I64]:
    """Leaves of every level in journal order (shipment, component), one per pair."""
    order = np.lexsort((comp, ship))
    ship, comp, need = ship[order], comp[order], need[order]
    if not len(ship):
        return ship, comp, need
    first = np.ones(len(ship), dtype=np.bool_)
    first[1:] = (ship[1:] != ship[:-1]) | (comp[1:] != comp[:-1])
    starts = np.flatnonzero(first)
    return ship[starts], comp[starts], np.add.reduceat(need, starts)


def explode(plant: Plant) -> tuple[I32, I32, I64, I32]:
    """Consumptions in journal order: (shipment index, component, need µ, unexploded idx).

    A component that is a sub-assembly explodes again, level by level, through its own
    version in force on the shipment date (:mod:`.bom_tree`); the leaves of a shipment are
    then one per material (routes added up), in component order."""
    keys, offs, lens, flat_comp, flat_factor = _bom_versions(plant)
    n = len(plant.ship_id)
    if n == 0 or len(keys) == 0:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, np.zeros(0, dtype=np.int64), np.arange(n, dtype=np.int32)
    g = np.gcd(flat_factor, np.int64(10**12))
    versions = (keys, offs, lens, flat_comp, flat_factor // g, np.int64(10**12) // g)
    ship_idx, comp, need, counts = _explode_items(
        versions, plant.ship_product, plant.ship_date, plant.ship_qty
    )
    unexploded = np.flatnonzero(counts == 0).astype(np.int32)
    assembly = assemblies(plant)
    if assembly is None:
        return ship_idx, comp, need, unexploded
    leaves: list[tuple[I32, I32, I64]] = []
    for _level in range(len(plant.products) + 1):
        sub = assembly[comp]
        at = np.flatnonzero(sub >= 0)
        if not len(at):
            break
        s_ship = ship_idx[at]
        item, r_comp, r_need, r_counts = _explode_items(
            versions, sub[at], plant.ship_date[s_ship], need[at]
        )
        leaf = sub < 0
        leaf[at[r_counts == 0]] = True  # no version in force: needed as a part of its own
        leaves.append((ship_idx[leaf], comp[leaf], need[leaf]))
        ship_idx, comp, need = s_ship[item], r_comp, r_need
    leaves.append((ship_idx, comp, need))
    c_ship, c_comp, c_need = _merge_leaves(
        np.concatenate([x[0] for x in leaves]),
        np.concatenate([x[1] for x in leaves]),
        np.concatenate([x[2] for x in leaves]),
    )
    return c_ship, c_comp, c_need, unexploded


def parts_consumed_on(plant: Plant, product: int, when: int) -> I32:
    """The parts a line of ``product`` on day ``when`` consumes, through every level of
    its sub-assemblies in force that day (:func:`explode` of one line)."""
    on = (plant.bom_from <= when) & (plant.bom_to >= when)
    assembly = assemblies(plant)
    frontier = np.asarray([product], dtype=np.int32)
    leaves: list[I32] = []
    while len(frontier):
        comps = np.unique(plant.bom_comp[on & np.isin(plant.bom_product, frontier)])
        if assembly is None:
            leaves.append(comps)
            break
        sub = assembly[comps]
        deeper = (sub >= 0) & np.isin(sub, plant.bom_product[on])
        leaves.append(comps[~deeper])
        frontier = np.unique(sub[deeper])
    return np.unique(np.concatenate(leaves)).astype(np.int32)


def parts_reaching(plant: Plant, parts: I32) -> I32:
    """``parts`` and the sub-assemblies (as parts) whose BOM, at any level and in any
    version, reaches one of them: the BOM lines of these components are the ones a
    discharge of ``parts`` needs."""
    keep = np.unique(parts)
    assembly = assemblies(plant)
    if assembly is None:
        return keep
    as_part = np.full(len(plant.products), -1, dtype=np.int64)
    is_sub = np.flatnonzero(assembly >= 0)
    as_part[assembly[is_sub]] = is_sub
    while True:
        users = np.unique(plant.bom_product[np.isin(plant.bom_comp, keep)])
        more = as_part[users]
        grown = np.union1d(keep, more[more >= 0])
        if len(grown) == len(keep):
            return keep.astype(np.int32)
        keep = grown


# --------------------------------------------------------------------------- domain records


@dataclass(frozen=True, slots=True)
class PartUse:
    """What a journal used of one part's lots: the lots by id, the quantity (µ) allocated
    from each, and the digest of what the FIFO read of them (:func:`lots_digest`)."""

    part: str
    lot_id: I64
    used: I64
    digest: str


def lots_digest(plant: Plant, index: I64) -> str:
    """SHA-256 of what the FIFO reads of the lots ``index`` (id, entry, limit, quantity,
    value, pedimento, AF): equal digests, the same lots to discharge from."""
    h = hashlib.sha256()
    for a in (plant.lot_id, plant.lot_entry, plant.lot_limit, plant.lot_qty, plant.lot_value,
              plant.lot_ped, plant.lot_af):  # fmt: skip
        h.update(np.ascontiguousarray(a[index], dtype=np.int64).tobytes())
    return h.hexdigest()


def lot_uses(plant: Plant, journal: Journal) -> list[PartUse]:
    """Per part with lots in ``plant``: its lots (ascending id), the quantity ``journal``
    allocated from each (0 for a lot untouched) and their digest — the FIFO's state after
    the journal's last shipment (written-off lots included: a later walk that reaches one
    writes it off again, with the same allocations)."""
    used = np.zeros(len(plant.lot_id), dtype=np.int64)
    np.add.at(used, journal.a_lot, journal.a_qty)
    order = np.lexsort((plant.lot_id, plant.lot_part))
    part_sorted = plant.lot_part[order]
    parts, starts = np.unique(part_sorted, return_index=True)
    ends = [*starts[1:].tolist(), len(order)] if len(starts) else []  # no lots: no parts
    out = []
    for p, lo, hi in zip(parts.tolist(), starts.tolist(), ends, strict=True):
        idx = order[lo:hi]
        out.append(PartUse(plant.parts[p], plant.lot_id[idx].astype(np.int64), used[idx],
                           lots_digest(plant, idx)))  # fmt: skip
    return out


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
