"""The fast FIFO discharge engine (numpy): same rules, same journal as the reference.

The rules are those of :mod:`immex.domain.discharge.rules`; the oracle is
:func:`immex.domain.discharge.discharge_reference`. This module and :mod:`.kernel_pack`
(the columnar plant and journal, and their conversions from and to domain records) are
the only modules of the domain that use numpy. Quantities are integers in micro-units
(6 decimals), values in 1/10,000 USD; all arithmetic is exact (int64 where the product
cannot overflow, Python integers where it could).

How it is fast: shipments explode through precomputed BOM versions in one vectorised
step (one more per level of sub-assemblies, the leaves then merged per shipment and
material); each component is then discharged on its own. FIFO with entry dates has a closed
form: after consumption i the part's cumulative use is
``C_i = P_i + min(0, min_{j<=i}(S_j - P_j))`` (P = cumulative need, S = quantity of lots
entered by the date), and the allocations are the pieces of the merged cumulative axes
of consumptions and lots. When a part has a directed discharge, or the closed form would
touch a lot after its limit, that part runs through a plain loop instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from immex.domain.discharge.kernel_pack import (
    DAY_MAX,
    DAY_MIN,
    E4,
    EPOCH,
    I32,
    I64,
    KEY_NAMES,
    KIND_CODES,
    MICRO,
    NO_LIMIT,
    Journal,
    PartUse,
    Plant,
    day,
    explode,
    from_day,
    journal_to_domain,
    lot_uses,
    lots_digest,
    muldiv_half_up,
    parts_consumed_on,
    parts_reaching,
    plant_from_domain,
    to_e4,
    to_micro,
)
from immex.domain.ledger import TEMPORARY_KEYS, BomLine, DischargeResult, ImportLot, Shipment

__all__ = [
    "DAY_MAX",
    "DAY_MIN",
    "E4",
    "EPOCH",
    "KEY_NAMES",
    "KIND_CODES",
    "MICRO",
    "NO_LIMIT",
    "Journal",
    "PartUse",
    "Plant",
    "day",
    "discharge_domain",
    "discharge_fast",
    "explode",
    "from_day",
    "journal_to_domain",
    "lot_uses",
    "lots_digest",
    "muldiv_half_up",
    "parts_consumed_on",
    "parts_reaching",
    "plant_from_domain",
    "to_e4",
    "to_micro",
]

Progress = Callable[[int, int], None]
#: consumptions per closed-form window: the largest, and the first after a late lot
WINDOW_MAX = 1 << 16
WINDOW_AFTER_LATE = 256


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


class _Pieces:
    """One part's allocations and write-offs, collected in journal order, and the balances
    of its lots (FIFO order) as they go."""

    def __init__(self, n: int, lqty: I64, used: I64 | None = None) -> None:
        self.lqty = lqty
        self.bal = lqty.copy() if used is None else lqty - used
        self.served = np.zeros(n, dtype=np.int64)
        self.cons: list[I64] = []
        self.lot: list[I64] = []
        self.qty: list[I64] = []
        self.before: list[I64] = []
        self.directed: list[npt.NDArray[np.bool_]] = []
        self.e_cons: list[int] = []
        self.e_lot: list[int] = []
        self.e_open: list[int] = []

    def take(self, cons: I64, lot: I64, qty: I64, pos: I64) -> None:
        """FIFO pieces of a window (``pos``: where in the lot's balance each one starts)."""
        if not len(qty):
            return
        self.cons.append(cons)
        self.lot.append(lot)
        self.qty.append(qty)
        self.before.append(self.lqty[lot] - self.bal[lot] + pos)
        self.directed.append(np.zeros(len(qty), dtype=np.bool_))
        np.subtract.at(self.bal, lot, qty)
        np.add.at(self.served, cons, qty)

    def take_directed(self, cons: int, lots: list[int], qty: list[int], before: list[int]) -> None:
        """Pieces of a directed walk (balances already updated by the walk)."""
        self.cons.append(np.full(len(lots), cons, dtype=np.int64))
        self.lot.append(np.asarray(lots, dtype=np.int64))
        self.qty.append(np.asarray(qty, dtype=np.int64))
        self.before.append(np.asarray(before, dtype=np.int64))
        self.directed.append(np.ones(len(lots), dtype=np.bool_))
        self.served[cons] += sum(qty)

    def write_off(self, cons: int, lot: int, open_qty: int) -> None:
        """A lot reached after its limit: reported once with its open balance, then empty."""
        self.e_cons.append(cons)
        self.e_lot.append(lot)
        self.e_open.append(open_qty)
        self.bal[lot] = 0

    def result(self) -> _PartResult:
        return _PartResult(
            _cat(self.cons, np.int64),
            _cat(self.lot, np.int64),
            _cat(self.qty, np.int64),
            _cat(self.before, np.int64),
            _cat(self.directed, np.bool_),
            self.served,
            self.e_cons,
            self.e_lot,
            self.e_open,
        )


def _directed_walk(
    pieces: _Pieces, i0: int, need: int, d: int, lots: list[int], entry: I32, limit: I32
) -> int:
    """Consumption ``i0`` (dated ``d``) takes first from ``lots``, the lots of its
    pedimento in FIFO order; returns the need left for the FIFO walk."""
    bal, lqty = pieces.bal, pieces.lqty
    dc: list[int] = []
    dq: list[int] = []
    db: list[int] = []
    for k in lots:
        if need == 0 or entry[k] > d:
            break
        b = int(bal[k])
        if b == 0:
            continue
        if d > limit[k]:
            pieces.write_off(i0, k, b)
            continue
        take = min(need, b)
        dc.append(k)
        dq.append(take)
        db.append(int(lqty[k]) - b)
        bal[k] = b - take
        need -= take
    if dc:
        pieces.take_directed(i0, dc, dq, db)
    return need


def _discharge_part(
    q: I64, t: I32, cped: I64, entry: I32, limit: I32, lqty: I64, lped: I64,
    used: I64 | None = None,
) -> _PartResult:  # fmt: skip
    """One part's consumptions (journal order) against its lots (FIFO order).

    Windows of consumptions go through the closed form; a directed consumption first walks
    its pedimento's lots; a lot reached after its limit is written off (reported) and the
    window restarts at that consumption. Between these events the state is just the lots'
    balances, so the windows chain exactly as the row-by-row walk does — which is also why
    the walk can start from balances left by earlier shipments (``used``).
    """
    n = len(q)
    pieces = _Pieces(n, lqty, used)
    directed_at: list[int] = []
    ped_lots: dict[int, list[int]] = {}
    dmask = cped >= 0
    if dmask.any():
        dmask &= np.isin(cped, lped)
        directed_at = np.flatnonzero(dmask).tolist()
        for k, pd in enumerate(lped.tolist()):
            ped_lots.setdefault(pd, []).append(k)
    i0 = 0
    di = 0
    width = WINDOW_MAX
    carry: int | None = None  # remaining need of consumption i0 when resuming inside it
    walked = False  # the directed walk of consumption i0 is done
    while i0 < n:
        if di < len(directed_at) and directed_at[di] == i0 and not walked:
            need = int(q[i0]) if carry is None else carry
            lots = ped_lots[int(cped[i0])]
            carry = _directed_walk(pieces, i0, need, int(t[i0]), lots, entry, limit)
            walked = True
            di += 1
        i1 = directed_at[di] if di < len(directed_at) else n
        i1 = min(i1, i0 + width)
        qs = q[i0:i1].copy()
        if carry is not None:
            qs[0] = carry
        k_cons, k_lot, qty, pos, v = _window(qs, t[i0:i1], entry, limit, pieces.bal)
        if v >= 0:
            # keep the pieces before the first late one; write that lot off (reported once,
            # with its balance when reached) and resume inside the consumption that reached it
            lot = int(k_lot[v])
            cons = int(k_cons[v])
            open_qty = int(pieces.bal[lot]) - int(pos[v])
            k_cons, k_lot, qty, pos = k_cons[:v], k_lot[:v], qty[:v], pos[:v]
            pieces.take(k_cons + i0, k_lot, qty, pos)
            pieces.write_off(i0 + cons, lot, open_qty)
            carry = int(qs[cons]) - int(qty[k_cons == cons].sum())
            walked = True
            i0 += cons
            width = WINDOW_AFTER_LATE
            continue
        pieces.take(k_cons + i0, k_lot, qty, pos)
        i0 = i1
        carry = None
        walked = False
        width = min(width * 4, WINDOW_MAX)
    return pieces.result()


def discharge_fast(
    plant: Plant, through: int | None = None, progress: Progress | None = None
) -> Journal:
    """Discharge ``plant`` (shipments up to day ``through``) into a :class:`Journal`; each
    lot's balance starts at its quantity less ``plant.lot_used`` when given."""
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
            None if plant.lot_used is None else plant.lot_used[lp],
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
    key = np.where(
        kind == 0,
        0,
        np.where(kind == 2, 3, np.where(kind == 3, 4, np.where(plant.lot_af[a_lot], 2, 1))),
    )
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
    return replace(
        plant,
        ship_id=plant.ship_id[:cut],
        ship_date=plant.ship_date[:cut],
        ship_kind=plant.ship_kind[:cut],
        ship_product=plant.ship_product[:cut],
        ship_qty=plant.ship_qty[:cut],
        ship_ped=plant.ship_ped[:cut],
    )


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
