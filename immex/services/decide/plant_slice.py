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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def _days(values: Sequence[Any]) -> np.ndarray:
    """ISO dates (SQLite's text) or ``date`` objects (PostgreSQL's) as engine days."""
    if not len(values):
        return np.zeros(0, dtype=np.int32)
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


def load_slice(
    repos: Repositories,
    company: Company,
    product: str,
    day: date,
    temporary_keys: Sequence[str] = TEMPORARY_KEYS,
) -> tuple[fe.Plant, LimitPolicy]:
    """The plant slice a line of ``product`` shipped on ``day`` can touch."""
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
    lots = dec.lots_of_parts(cid, temporary_keys, consumed)
    ships = dec.shipments_of_products(cid, sorted(users))
    kinds = dec.material_kinds(cid, sorted({r[1] for r in lots}))
    parts = sorted(set(kinds) | {b.component for b in bom})
    products = sorted({r[1] for r in ships} | {b.product for b in bom})
    return _pack(parts, products, lots, ships, bom, kinds, limit_policy(repos, company))


def _col(rows: list[tuple[Any, ...]], i: int) -> np.ndarray:
    return np.fromiter((r[i] for r in rows), np.int64, len(rows))


def _pack(
    parts: list[str],
    products: list[str],
    lots: list[tuple[Any, ...]],
    ships: list[tuple[Any, ...]],
    bom: list[SliceBomLine],
    kinds: dict[str, str],
    policy: LimitPolicy,
) -> tuple[fe.Plant, LimitPolicy]:
    pi = {p: i for i, p in enumerate(parts)}
    qi = {p: i for i, p in enumerate(products)}
    kind_names = sorted(set(kinds.values()))
    for r in lots:
        if r[1] not in kinds:
            raise unknown_part(int(r[0]), r[1])
    lot_parts = [r[1] for r in lots]
    entry_days = _days([r[2] for r in lots])
    start_days = _days([r[2] if r[3] is None else r[3] for r in lots])
    kind_of = {k: i for i, k in enumerate(kind_names)}
    kind_codes = np.fromiter((kind_of[kinds[p]] for p in lot_parts), np.int64, len(lots))
    plant = fe.Plant(
        parts=parts,
        products=products,
        lot_id=_col(lots, 0),
        lot_part=np.fromiter((pi[p] for p in lot_parts), np.int32, len(lots)),
        lot_entry=entry_days,
        lot_limit=_limit_column(policy, kind_names, kind_codes, start_days),
        lot_qty=_col(lots, 4),
        lot_value=_col(lots, 5),
        lot_ped=np.fromiter((int(r[6]) for r in lots), np.int64, len(lots)),
        lot_af=np.fromiter((r[7] == "AF" for r in lots), np.bool_, len(lots)),
        # the recorded lines' ids and kinds do not change the FIFO (they name and key its
        # allocations): positions and "export" stand in; the simulated line is added after
        ship_id=np.arange(1, len(ships) + 1, dtype=np.int64),
        ship_date=_days([r[0] for r in ships]),
        ship_kind=np.zeros(len(ships), dtype=np.int8),
        ship_product=np.fromiter((qi[r[1]] for r in ships), np.int32, len(ships)),
        ship_qty=_col(ships, 2),
        ship_ped=np.fromiter((int(r[3]) if r[3] else -1 for r in ships), np.int64, len(ships)),
        **bom_columns(bom, qi, pi),
    )
    return plant, policy
