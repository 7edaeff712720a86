"""What a what-if reads: the slice of the plant one shipment line can touch.

The FIFO is per component, so a simulated line of a product needs only the lots of the
components of its BOM in force on its date (through every level of its sub-assemblies) and
the recorded shipments of the products that use those components at any level
(:func:`immex.services.decide.simulate.restrict` says the same on a whole plant). This reads
just that slice and packs it into the fast engine's columns as
:func:`immex.services.discharge.plant.load_plant` packs a whole plant:

- the BOM lines going down from the product (its sub-assemblies, every level) and up from
  its components (the products that use them, every level) — not the whole BOM;
- the lots of those components from the covering index ``ix_ledger_lots_company_part``
  (migration 0017: one contiguous range per part, the table itself not read);
- the shipments of the products that use them, in processing order, sorted by the store —
  their date, product, quantity and directed pedimento (what the FIFO depends on);
- dates, pedimentos and kinds converted by numpy, not row by row.

So a what-if on a ten-million-consumption plant reads the lots of forty parts and the
shipment lines that consume them, never the whole ledger nor the journal.

When the line is dated on or after the last shipment of those products that the company's
current discharge run discharged, and the run still covers the ledger, those shipment lines
are not read: the run recorded what it used of each part's lots (``ledger_lot_uses``,
migration 0018) and the FIFO starts from those balances (:class:`RunStart`), followed by
the lines imported since the run (all dated after the run's). The run covers the ledger when
it discharged every shipment with the default temporary keys and the limit parameters in
force now, no import batch but shipment batches and no correction was added since it read
the ledger (every change of the discharge inputs adds one), and the lots it recorded for
each part are the slice's lots with the same digest (id, entry, limit, quantity, value,
pedimento). Otherwise the recorded shipments are replayed from the beginning, as before;
both give the same allocations (the property test runs both against a real run).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, NamedTuple

import numpy as np

from immex.domain.company import Company
from immex.domain.discharge import kernel as fe
from immex.domain.discharge.bom_tree import assemblies_reaching, parts_consumed
from immex.domain.discharge.limits import LimitPolicy
from immex.domain.errors import NotFound
from immex.domain.ledger import TEMPORARY_KEYS
from immex.services.decide.simulate import NO_BOM, NO_BOM_ON
from immex.services.discharge.limits import limit_policy
from immex.services.discharge.plant import _limit_column, bom_columns, unknown_part
from immex.services.discharge.runs import run_parameters
from immex.store.unit import Repositories


class SliceBomLine(NamedTuple):
    product: str
    component: str
    qty_per_unit_micro: int
    scrap_pct_e4: int
    valid_from: date | None
    valid_to: date | None


def _date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def _bom(rows: Iterable[tuple[Any, ...]]) -> dict[int, SliceBomLine]:
    return {
        int(i): SliceBomLine(p, c, int(q), int(s), _date(f), _date(t))
        for i, p, c, q, s, f, t in rows
    }


#: the engine's day 0 (1970-01-01) as a proleptic ordinal
_EPOCH = date(1970, 1, 1).toordinal()


def _days(values: Sequence[Any]) -> np.ndarray:
    """ISO dates (SQLite's text) or ``date`` objects (PostgreSQL's) as engine days."""
    if not len(values):
        return np.zeros(0, dtype=np.int32)
    if isinstance(values[0], date):  # numpy converts date objects one by one, slowly
        return np.fromiter((d.toordinal() - _EPOCH for d in values), np.int32, len(values))
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64).astype(np.int32)


def slice_bom(repos: Repositories, company_id: int, product: str) -> list[SliceBomLine]:
    """The BOM lines a line of ``product`` can involve: down from it through its
    sub-assemblies (every level, every version), then up from every part so reached to the
    products that use it (every level)."""
    dec = repos.decisions
    lines: dict[int, SliceBomLine] = {}
    asked: set[str] = set()
    frontier = {product}
    while frontier:  # down: the product, then each component that is itself assembled
        asked |= frontier
        new = _bom(dec.bom_of_products(company_id, sorted(frontier)))
        lines.update(new)
        frontier = {b.component for b in new.values()} - asked
    reached = {b.component for b in lines.values()} | {product}
    frontier = set(reached)
    while frontier:  # up: the products that use any part reached, every level
        new = _bom(dec.bom_of_components(company_id, sorted(frontier)))
        lines.update(new)
        frontier = {b.product for b in new.values()} - reached
        reached |= frontier
    return [lines[i] for i in sorted(lines)]


class RunStart(NamedTuple):
    """The slice's lots start from run ``run_id``'s balances after ``lines`` shipment lines
    (the plant then holds only the lines imported since the run, all dated after them)."""

    run_id: int
    lines: int


class Slice(NamedTuple):
    plant: fe.Plant
    policy: LimitPolicy
    #: None: the plant holds the recorded shipments to replay
    start: RunStart | None


def _normal(value: Any) -> Any:
    return json.loads(json.dumps(value, sort_keys=True, default=str))


class _Covering(NamedTuple):
    run_id: int
    #: shipment lines of the slice's products the run discharged, and the last one's day
    lines: int
    last: int
    #: the ledger now, and the shipment batches imported since the run (none: the same)
    mark: dict[str, list[int]]
    batches: list[int]


def _batches_since(
    repos: Repositories, cid: int, recorded: dict[str, list[int]], now: dict[str, list[int]]
) -> list[int] | None:
    """The import batches added since the run read the ledger when they are all shipment
    batches (appended lines, nothing else changed); None otherwise."""
    if _normal(recorded) == _normal(now):
        return []
    if _normal(recorded["corrections"]) != _normal(now["corrections"]):
        return None
    added = repos.decisions.batches_after(cid, int(recorded["batches"][1]))
    # every batch since is after the run's last one (none committed late with a lower id)
    if len(added) != now["batches"][0] - recorded["batches"][0]:
        return None
    if any(entity != "shipments" for _id, entity in added):
        return None
    return [i for i, _entity in added]


def _run_covering(
    repos: Repositories, cid: int, policy: LimitPolicy, temporary_keys: Sequence[str],
    users: set[str], day: date,
) -> _Covering | None:  # fmt: skip
    """The current run when it covers the ledger but for shipment batches imported since
    and every shipment line of ``users`` it discharged is dated on or before ``day``."""
    run = repos.journal.current_run(cid)
    if run is None or run.through is not None or tuple(temporary_keys) != TEMPORARY_KEYS:
        return None
    state = repos.journal.run_state(run.id)
    if state is None:
        return None
    recorded_mark, products = state
    mark = repos.journal.ledger_mark(cid)
    batches = _batches_since(repos, cid, recorded_mark, mark)
    if batches is None:
        return None
    if _normal(run.parameters) != _normal(run_parameters(None, tuple(temporary_keys), policy)):
        return None
    mine = [products[p] for p in users if p in products]
    last = max((fe.day(date.fromisoformat(d)) for _n, d in mine), default=fe.DAY_MIN)
    if last > fe.day(day):
        return None
    return _Covering(run.id, sum(int(n) for n, _d in mine), last, mark, batches)


def _opening_use(repos: Repositories, run_id: int, plant: fe.Plant) -> np.ndarray | None:
    """Each slice lot's use by the run, or None when the run recorded other lots."""
    if not len(plant.lot_id):
        return np.zeros(0, dtype=np.int64)
    present = np.unique(plant.lot_part)
    stored = repos.journal.lot_uses(run_id, [plant.parts[p] for p in present.tolist()])
    used = np.zeros(len(plant.lot_id), dtype=np.int64)
    for p in present.tolist():
        got = stored.get(plant.parts[p])
        idx = np.flatnonzero(plant.lot_part == p)  # ascending id: the slice is by id
        if got is None:
            return None
        ids, use, digest = got
        if not np.array_equal(ids, plant.lot_id[idx]) or digest != fe.lots_digest(plant, idx):
            return None
        used[idx] = use
    return used


def load_slice(
    repos: Repositories,
    company: Company,
    product: str,
    day: date,
    temporary_keys: Sequence[str] = TEMPORARY_KEYS,
    *,
    from_run: bool = True,
) -> Slice:
    """The plant slice a line of ``product`` shipped on ``day`` can touch: with the
    current run's balances when it covers them (and ``from_run``), else with the recorded
    shipments to replay."""
    cid = int(company.id)
    bom = slice_bom(repos, cid, product)
    # the materials it consumes through every level of its sub-assemblies (bom_tree)
    consumed = sorted(parts_consumed(bom, product, day))
    if not consumed:
        known = any(b.product == product for b in bom)
        raise NotFound(
            NO_BOM_ON(product=repr(product), day=day) if known else NO_BOM(product=repr(product)),
            field="product",
        )
    users = assemblies_reaching(bom, consumed)  # the products (at any level) that use them
    keep = users | set(consumed)
    bom = [b for b in bom if b.component in keep]
    dec = repos.decisions
    policy = limit_policy(repos, company)
    covering = _run_covering(repos, cid, policy, temporary_keys, users, day) if from_run else None
    lots = dec.lots_of_parts(cid, temporary_keys, consumed)
    kinds = dec.material_kinds(cid, sorted({r[1] for r in lots}))
    parts = sorted(set(kinds) | {b.component for b in bom})
    if covering is not None:
        # shipment lines imported since the run, all after the lines it discharged
        later = dec.shipments_of_batches(cid, sorted(users), covering.batches)
        if all(d > covering.last for d in _days([r[0] for r in later]).tolist()):
            products = sorted({r[1] for r in later} | {b.product for b in bom})
            plant = _pack(parts, products, lots, later, bom, kinds, policy)
            used = _opening_use(repos, covering.run_id, plant)
            # nothing imported or corrected while the slice was read
            if used is not None and repos.journal.ledger_mark(cid) == covering.mark:
                start = RunStart(covering.run_id, covering.lines)
                return Slice(replace(plant, lot_used=used), policy, start)
    ships = dec.shipments_of_products(cid, sorted(users))
    products = sorted({r[1] for r in ships} | {b.product for b in bom})
    return Slice(_pack(parts, products, lots, ships, bom, kinds, policy), policy, None)


def _ints(values: Sequence[Any]) -> np.ndarray:
    """Integers (or digit strings: pedimento numbers) as int64."""
    return np.fromiter(map(int, values), np.int64, len(values))


def _lot_columns(
    lots: list[tuple[Any, ...]], pi: dict[str, int], kinds: dict[str, str], kind_names: list[str]
) -> tuple[np.ndarray, ...]:
    """(id, part, entry, start, kind, quantity, value, pedimento, AF) of the lot rows, by
    column rather than row by row."""
    if not lots:
        z = np.zeros(0, np.int64)
        return z, z.astype(np.int32), z.astype(np.int32), z.astype(np.int32), z, z, z, z, \
            z.astype(np.bool_)  # fmt: skip
    ids, parts, entries, starts, qty, value, ped, clave = zip(*lots, strict=True)
    missing = set(parts) - kinds.keys()
    if missing:
        r = next(r for r in lots if r[1] in missing)
        raise unknown_part(int(r[0]), r[1])
    kind_of = {k: i for i, k in enumerate(kind_names)}
    by_part = {p: (pi[p], kind_of[kinds[p]]) for p in set(parts)}
    codes = np.array([by_part[p] for p in parts], dtype=np.int64).reshape(len(lots), 2)
    entry = _days(entries)
    start = _days([e if s is None else s for e, s in zip(entries, starts, strict=True)])
    af = np.fromiter((c == "AF" for c in clave), np.bool_, len(clave))
    return (_ints(ids), codes[:, 0].astype(np.int32), entry, start, codes[:, 1], _ints(qty),
            _ints(value), _ints(ped), af)  # fmt: skip


def _pack(
    parts: list[str],
    products: list[str],
    lots: list[tuple[Any, ...]],
    ships: list[tuple[Any, ...]],
    bom: list[SliceBomLine],
    kinds: dict[str, str],
    policy: LimitPolicy,
) -> fe.Plant:
    pi = {p: i for i, p in enumerate(parts)}
    qi = {p: i for i, p in enumerate(products)}
    kind_names = sorted(set(kinds.values()))
    ids, part, entry, start, kind, qty, value, ped, af = _lot_columns(lots, pi, kinds, kind_names)
    plant = fe.Plant(
        parts=parts,
        products=products,
        lot_id=ids,
        lot_part=part,
        lot_entry=entry,
        lot_limit=_limit_column(policy, kind_names, kind, start),
        lot_qty=qty,
        lot_value=value,
        lot_ped=ped,
        lot_af=af,
        # the recorded lines' ids and kinds do not change the FIFO (they name and key its
        # allocations): positions and "export" stand in; the simulated line is added after
        ship_id=np.arange(1, len(ships) + 1, dtype=np.int64),
        ship_date=_days([r[0] for r in ships]),
        ship_kind=np.zeros(len(ships), dtype=np.int8),
        ship_product=np.fromiter((qi[r[1]] for r in ships), np.int32, len(ships)),
        ship_qty=np.fromiter((r[2] for r in ships), np.int64, len(ships)),
        ship_ped=np.fromiter((int(r[3]) if r[3] else -1 for r in ships), np.int64, len(ships)),
        **bom_columns(bom, qi, pi),
    )
    return plant
