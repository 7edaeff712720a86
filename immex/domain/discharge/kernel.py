"""The fast FIFO discharge engine (numpy): same rules, same journal as the reference.

The rules are those of :mod:`immex.domain.discharge.rules`; the oracle is
:func:`immex.domain.discharge.discharge_reference`. This module lives outside the
stdlib-only domain because it uses numpy. Quantities are integers in micro-units
(6 decimals), values in 1/10,000 USD; all arithmetic is exact (int64 where the product
cannot overflow, Python integers where it could).

How it is fast: shipments explode through precomputed BOM versions in one vectorised
step; each component is then discharged on its own. FIFO with entry dates has a closed
form: after consumption i the part's cumulative use is
``C_i = P_i + min(0, min_{j<=i}(S_j - P_j))`` (P = cumulative need, S = quantity of lots
entered by the date), and the allocations are the pieces of the merged cumulative axes
of consumptions and lots. When a part has a directed discharge, or the closed form would
touch a lot after its limit, that part runs through a plain loop instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

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
KIND_CODES = {"export": 0, "domestic": 1, "transfer": 2}
#: discharge key codes stored in the journal
KEY_NAMES = ("RT", "F4", "F5", "V1")
Progress = Callable[[int, int], None]
#: consumptions per closed-form window: the largest, and the first after a late lot
WINDOW_MAX = 1 << 16
WINDOW_AFTER_LATE = 256


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


# --------------------------------------------------------------------------- explosion


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


def explode(plant: Plant) -> tuple[I32, I32, I64, I32]:
    """Consumptions in journal order: (shipment index, component, need µ, unexploded idx)."""
    keys, offs, lens, flat_comp, flat_factor = _bom_versions(plant)
    n = len(plant.ship_id)
    if n == 0 or len(keys) == 0:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty, np.zeros(0, dtype=np.int64), np.arange(n, dtype=np.int32)
    skey = (plant.ship_product.astype(np.int64) << 32) + (plant.ship_date.astype(np.int64) + 2**31)
    ver = np.searchsorted(keys, skey, side="right") - 1
    ok = ver >= 0
    ver_c = np.where(ok, ver, 0)
    ok &= (keys[ver_c] >> 32) == plant.ship_product
    counts = np.where(ok, lens[ver_c], 0)
    unexploded = np.flatnonzero(counts == 0).astype(np.int32)
    total = int(counts.sum())
    ship_idx = np.repeat(np.arange(n, dtype=np.int32), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(starts, counts)
    line = np.repeat(offs[ver_c], counts) + within
    comp = flat_comp[line]
    g = np.gcd(flat_factor, np.int64(10**12))
    line_num = flat_factor // g
    line_den = np.int64(10**12) // g
    need = muldiv_half_up(plant.ship_qty[ship_idx], line_num[line], line_den[line])
    return ship_idx, comp, need, unexploded


# --------------------------------------------------------------------------- FIFO


def _window(q: I64, t: I32, entry: I32, limit: I32, bal: I64) -> tuple[I64, I64, I64, I64, int]:
    """FIFO of consumptions ``q`` (dates ``t``) over lots with balances ``bal`` (FIFO order).

    The closed form: C_i = P_i + min(0, min_{j<=i}(S_j - P_j)), S = balance of the lots
    entered by the date; allocations are the pieces of the merged cumulative axes.
    Returns (consumption, lot, quantity, position in the lot's balance before the piece,
    index of the first piece that uses a lot after its limit, or -1).
    """
    lcum = np.zeros(len(bal) + 1, dtype=np.int64)
    np.cumsum(bal, out=lcum[1:])
    s = lcum[np.searchsorted(entry, t, side="right")]
    p = np.cumsum(q)
    c = np.zeros(len(q) + 1, dtype=np.int64)
    c[1:] = p + np.minimum(np.minimum.accumulate(s - p), 0)
    total = c[-1]
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, -1
    # the union of both cumulative axes (both sorted: a stable sort merges the two runs)
    merged = np.concatenate((c, lcum[lcum <= total]))
    merged.sort(kind="stable")
    fresh = np.ones(len(merged), dtype=np.bool_)
    fresh[1:] = merged[1:] != merged[:-1]
    bounds = merged[fresh]
    a = bounds[:-1]
    k_cons = np.searchsorted(c, a, side="right") - 1
    k_lot = np.searchsorted(lcum, a, side="right") - 1
    late = t[k_cons] > limit[k_lot]
    v = int(np.argmax(late)) if late.any() else -1
    return k_cons, k_lot, np.diff(bounds), a - lcum[k_lot], v


@dataclass
class _PartResult:
    cons: I64
    lot: I64
    qty: I64
    before: I64  # the lot's use before the piece (for the value)
    directed: npt.NDArray[np.bool_]
    served: I64
    e_cons: list[int]
    e_lot: list[int]
    e_open: list[int]


def _discharge_part(
    q: I64, t: I32, cped: I64, entry: I32, limit: I32, lqty: I64, lped: I64
) -> _PartResult:
    """One part's consumptions (journal order) against its lots (FIFO order).

    Windows of consumptions go through the closed form; a directed consumption first walks
    its pedimento's lots; a lot reached after its limit is written off (reported) and the
    window restarts at that consumption. Between these events the state is just the lots'
    balances, so the windows chain exactly as the row-by-row walk does.
    """
    n = len(q)
    bal = lqty.copy()
    served = np.zeros(n, dtype=np.int64)
    directed_at: list[int] = []
    ped_lots: dict[int, list[int]] = {}
    dmask = cped >= 0
    if dmask.any():
        dmask &= np.isin(cped, lped)
        directed_at = np.flatnonzero(dmask).tolist()
        for k, pd in enumerate(lped.tolist()):
            ped_lots.setdefault(pd, []).append(k)
    pc: list[I64] = []
    pl: list[I64] = []
    pq: list[I64] = []
    pb: list[I64] = []
    pd_: list[npt.NDArray[np.bool_]] = []
    ec: list[int] = []
    el: list[int] = []
    eo: list[int] = []
    i0 = 0
    di = 0
    width = WINDOW_MAX
    carry: int | None = None  # remaining need of consumption i0 when resuming inside it
    walked = False  # the directed walk of consumption i0 is done
    while i0 < n:
        if di < len(directed_at) and directed_at[di] == i0 and not walked:
            need = int(q[i0]) if carry is None else carry
            d = int(t[i0])
            dc: list[int] = []
            dq: list[int] = []
            db: list[int] = []
            for k in ped_lots[int(cped[i0])]:
                if need == 0 or entry[k] > d:
                    break
                b = int(bal[k])
                if b == 0:
                    continue
                if d > limit[k]:
                    ec.append(i0)
                    el.append(k)
                    eo.append(b)
                    bal[k] = 0
                    continue
                take = min(need, b)
                dc.append(k)
                dq.append(take)
                db.append(int(lqty[k]) - b)
                bal[k] = b - take
                need -= take
            if dc:
                pc.append(np.full(len(dc), i0, dtype=np.int64))
                pl.append(np.asarray(dc, dtype=np.int64))
                pq.append(np.asarray(dq, dtype=np.int64))
                pb.append(np.asarray(db, dtype=np.int64))
                pd_.append(np.ones(len(dc), dtype=np.bool_))
                served[i0] += sum(dq)
            carry = need
            walked = True
            di += 1
        i1 = directed_at[di] if di < len(directed_at) else n
        i1 = min(i1, i0 + width)
        qs = q[i0:i1].copy()
        if carry is not None:
            qs[0] = carry
        k_cons, k_lot, qty, pos, v = _window(qs, t[i0:i1], entry, limit, bal)
        if v >= 0:
            # keep the pieces before the first late one; write that lot off (reported once,
            # with its balance when reached) and resume inside the consumption that reached it
            lot = int(k_lot[v])
            cons = int(k_cons[v])
            open_qty = int(bal[lot]) - int(pos[v])
            k_cons, k_lot, qty, pos = k_cons[:v], k_lot[:v], qty[:v], pos[:v]
            if len(qty):
                pc.append(k_cons + i0)
                pl.append(k_lot)
                pq.append(qty)
                pb.append(lqty[k_lot] - bal[k_lot] + pos)
                pd_.append(np.zeros(len(qty), dtype=np.bool_))
                np.subtract.at(bal, k_lot, qty)
                np.add.at(served, k_cons + i0, qty)
            ec.append(i0 + cons)
            el.append(lot)
            eo.append(open_qty)
            bal[lot] = 0
            carry = int(qs[cons]) - int(qty[k_cons == cons].sum())
            walked = True
            i0 += cons
            width = WINDOW_AFTER_LATE
            continue
        if len(qty):
            pc.append(k_cons + i0)
            pl.append(k_lot)
            pq.append(qty)
            pb.append(lqty[k_lot] - bal[k_lot] + pos)
            pd_.append(np.zeros(len(qty), dtype=np.bool_))
            np.subtract.at(bal, k_lot, qty)
            np.add.at(served, k_cons + i0, qty)
        i0 = i1
        carry = None
        walked = False
        width = min(width * 4, WINDOW_MAX)
    return _PartResult(
        _cat(pc, np.int64),
        _cat(pl, np.int64),
        _cat(pq, np.int64),
        _cat(pb, np.int64),
        _cat(pd_, np.bool_),
        served,
        ec,
        el,
        eo,
    )


def discharge_fast(
    plant: Plant, through: int | None = None, progress: Progress | None = None
) -> Journal:
    """Discharge ``plant`` (shipments up to day ``through``) into a :class:`Journal`."""
    if through is not None:
        cut = int(np.searchsorted(plant.ship_date, through, side="right"))
        if cut < len(plant.ship_id):
            plant = _cut_shipments(plant, cut)
    c_ship, c_comp, c_need, unexploded = explode(plant)
    nc = len(c_ship)
    c_date = plant.ship_date[c_ship]
    c_ped = plant.ship_ped[c_ship]
    # stable sort by component: a radix sort when the part index fits 16 bits
    sort_key = c_comp.astype(np.uint16) if len(plant.parts) < 65536 else c_comp
    by_comp = np.argsort(sort_key, kind="stable")
    del sort_key
    comp_sorted = c_comp[by_comp]
    lot_order = np.lexsort((plant.lot_id, plant.lot_ped, plant.lot_entry, plant.lot_part))
    lot_part_sorted = plant.lot_part[lot_order]
    parts = np.unique(comp_sorted)
    cs = np.searchsorted(comp_sorted, parts, side="left")
    ce = np.searchsorted(comp_sorted, parts, side="right")
    ls = np.searchsorted(lot_part_sorted, parts, side="left")
    le = np.searchsorted(lot_part_sorted, parts, side="right")
    served = np.zeros(nc, dtype=np.int64)
    out_c: list[I64] = []
    out_l: list[I64] = []
    out_q: list[I64] = []
    out_v: list[I64] = []
    out_d: list[npt.NDArray[np.bool_]] = []
    ex_c: list[I64] = []
    ex_l: list[I64] = []
    ex_o: list[I64] = []
    done = 0
    for j in range(len(parts)):
        ci = by_comp[cs[j] : ce[j]]
        lp = lot_order[ls[j] : le[j]]
        lqty = plant.lot_qty[lp]
        r = _discharge_part(
            c_need[ci],
            c_date[ci],
            c_ped[ci],
            plant.lot_entry[lp],
            plant.lot_limit[lp],
            lqty,
            plant.lot_ped[lp],
        )
        served[ci] = r.served
        if len(r.qty):
            lval = plant.lot_value[lp][r.lot]
            lq = lqty[r.lot]
            r_after = muldiv_half_up(lval, r.before + r.qty, lq)
            # a piece that follows a piece of the same lot starts where that one ended
            r_before = np.zeros_like(r_after)
            follows = np.zeros(len(r_after), dtype=np.bool_)
            follows[1:] = r.lot[1:] == r.lot[:-1]
            r_before[1:][follows[1:]] = r_after[:-1][follows[1:]]
            other = np.flatnonzero(~follows & (r.before > 0))
            if len(other):
                r_before[other] = muldiv_half_up(lval[other], r.before[other], lq[other])
            out_v.append(r_after - r_before)
            out_c.append(ci[r.cons])
            out_l.append(lp[r.lot])
            out_q.append(r.qty)
            out_d.append(r.directed)
        if r.e_cons:
            ex_c.append(ci[np.asarray(r.e_cons, dtype=np.int64)])
            ex_l.append(lp[np.asarray(r.e_lot, dtype=np.int64)])
            ex_o.append(np.asarray(r.e_open, dtype=np.int64))
        done += len(ci)
        if progress is not None and (j % 256 == 0 or j == len(parts) - 1):
            progress(done, nc)
    return _assemble(
        plant,
        c_ship,
        c_comp,
        c_need,
        served,
        unexploded,
        out_c,
        out_l,
        out_q,
        out_v,
        out_d,
        ex_c,
        ex_l,
        ex_o,
    )


def _cat(chunks: Sequence[npt.NDArray[np.generic]], dtype: type) -> Any:
    if not chunks:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(chunks).astype(dtype, copy=False)


def _assemble(
    plant: Plant,
    c_ship: I32,
    c_comp: I32,
    c_need: I64,
    served: I64,
    unexploded: I32,
    out_c: list[I64],
    out_l: list[I64],
    out_q: list[I64],
    out_v: list[I64],
    out_d: list[npt.NDArray[np.bool_]],
    ex_c: list[I64],
    ex_l: list[I64],
    ex_o: list[I64],
) -> Journal:
    nc = len(c_ship)
    a_cons = _cat(out_c, np.int64)
    n = len(a_cons)
    # journal order = consumption order; a consumption's pieces are contiguous and in walk
    # order already, so a counting placement replaces a sort
    counts = np.bincount(a_cons, minlength=nc)
    offs = np.cumsum(counts) - counts
    idx = np.arange(n, dtype=np.int64)
    first = np.ones(n, dtype=np.bool_)
    first[1:] = a_cons[1:] != a_cons[:-1]
    rank = idx - np.maximum.accumulate(np.where(first, idx, 0))
    order = np.empty(n, dtype=np.int64)
    order[offs[a_cons] + rank] = idx
    del idx, first, rank, counts, offs
    a_cons = a_cons[order]
    a_lot = _cat(out_l, np.int64)[order]
    a_qty = _cat(out_q, np.int64)[order]
    value = _cat(out_v, np.int64)[order]
    a_dir = _cat(out_d, np.bool_)[order]
    del order
    a_ship = c_ship[a_cons]
    kind = plant.ship_kind[a_ship]
    key = np.where(kind == 0, 0, np.where(kind == 2, 3, np.where(plant.lot_af[a_lot], 2, 1)))
    e_cons = _cat(ex_c, np.int64)
    eo = np.argsort(e_cons, kind="stable")
    e_cons = e_cons[eo]
    missing = c_need - served
    short = np.flatnonzero(missing > 0)
    return Journal(
        consumptions=nc,
        a_ship=a_ship.astype(np.int32),
        a_comp=c_comp[a_cons].astype(np.int32),
        a_lot=a_lot.astype(np.int32),
        a_qty=a_qty,
        a_value=value,
        a_key=key.astype(np.int8),
        a_directed=a_dir,
        s_ship=c_ship[short].astype(np.int32),
        s_comp=c_comp[short].astype(np.int32),
        s_required=c_need[short],
        s_missing=missing[short],
        e_lot=_cat(ex_l, np.int64)[eo].astype(np.int32),
        e_ship=c_ship[e_cons].astype(np.int32),
        e_open=_cat(ex_o, np.int64)[eo],
        u_ship=unexploded,
    )


def _cut_shipments(plant: Plant, cut: int) -> Plant:
    from dataclasses import replace

    return replace(
        plant,
        ship_id=plant.ship_id[:cut],
        ship_date=plant.ship_date[:cut],
        ship_kind=plant.ship_kind[:cut],
        ship_product=plant.ship_product[:cut],
        ship_qty=plant.ship_qty[:cut],
        ship_ped=plant.ship_ped[:cut],
    )


# --------------------------------------------------------------------------- adapters


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


def discharge_domain(
    lots: Iterable[ImportLot],
    shipments: Iterable[Shipment],
    bom: Iterable[BomLine],
    *,
    through: date | None = None,
    temporary_keys: tuple[str, ...] = TEMPORARY_KEYS,
) -> DischargeResult:
    """The fast engine with the reference's signature."""
    plant = plant_from_domain(lots, shipments, bom, temporary_keys)
    journal = discharge_fast(plant, None if through is None else day(through))
    return journal_to_domain(plant, journal)
