"""What a discharge reads: the company's temporary-import lots (with their time limits),
BOM and shipments — packed into the fast engine's columns, or as domain records for the
reference engine, audits and small tools."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from immex.domain.company import Company
from immex.domain.discharge import kernel as fe
from immex.domain.discharge.limits import GoodsKind, LimitPolicy
from immex.domain.errors import NotFound
from immex.domain.ledger import TEMPORARY_KEYS, BomLine, ImportLot, Shipment
from immex.domain.messages import Template
from immex.services.discharge.limits import limit_policy
from immex.services.workspace.context import Workspace
from immex.store.unit import Repositories

LOT_NOT_MATERIAL = Template(
    "plant.lot_not_material",
    "lot {lot_id} is of part {part}, which is not among the company's materials: its kind of "
    "good (and so its IMMEX time limit) is unknown; import the material with `immex import "
    "materials`",
)


def unknown_part(lot_id: int, part: str) -> NotFound:
    """A lot whose part is not among the company's materials (the import refuses such a
    lot; the store does not forbid it): its kind of good, hence its time limit, is unknown."""
    return NotFound(
        LOT_NOT_MATERIAL(lot_id=lot_id, part=repr(part)),
        field="part_number",
    )


def lot_kind(lot: Any) -> GoodsKind:
    """The kind of good of a lot row read with its material's kind."""
    if lot.kind is None:
        raise unknown_part(lot.id, lot.part_number)
    return GoodsKind.of(lot.kind)


# --------------------------------------------------------------------------- fast path


def _limit_column(
    policy: LimitPolicy, kind_names: list[str], kind_codes: np.ndarray, start_days: np.ndarray
) -> np.ndarray:
    """Each lot's limit day: few distinct (kind, clock start) pairs, computed once each."""
    pair = kind_codes.astype(np.int64) * (1 << 32) + (start_days.astype(np.int64) + (1 << 31))
    uniq, inv = np.unique(pair, return_inverse=True)
    lim_u = np.empty(len(uniq), dtype=np.int32)
    for i, code in enumerate(uniq.tolist()):
        start = fe.from_day((code & 0xFFFFFFFF) - (1 << 31))
        limit = policy.limit_date(kind_names[code >> 32], start)
        lim_u[i] = fe.NO_LIMIT if limit is None else fe.day(limit)
    return lim_u[inv].astype(np.int32)


def _lot_array(lots: list[tuple[Any, ...]], mat_id: dict[str, int]) -> np.ndarray:
    """Lot tuples as an (n, 8) int64 array, the part replaced by its material id."""
    rows = []
    for r in lots:
        material = mat_id.get(r[1])
        if material is None:
            raise unknown_part(int(r[0]), r[1])
        rows.append((r[0], material, *r[2:]))
    if not rows:
        return np.zeros((0, 8), np.int64)
    return np.array(rows, dtype=np.int64).reshape(len(rows), 8)


def bom_columns(
    bom: Sequence[Any], product_index: dict[str, int], part_index: dict[str, int]
) -> dict[str, np.ndarray]:
    """The kernel's BOM columns of ``bom`` lines (product, component, quantity per unit µ
    with its scrap, validity in kernel days; open ends as the kernel's bounds)."""
    qi, pi = product_index, part_index
    return {
        "bom_product": np.asarray([qi[b.product] for b in bom], dtype=np.int32),
        "bom_comp": np.asarray([pi[b.component] for b in bom], dtype=np.int32),
        "bom_factor": np.asarray(
            [b.qty_per_unit_micro * (fe.MICRO + b.scrap_pct_e4) for b in bom], dtype=np.int64
        ),
        "bom_from": np.asarray(
            [fe.DAY_MIN if b.valid_from is None else fe.day(b.valid_from) for b in bom],
            dtype=np.int32,
        ),
        "bom_to": np.asarray(
            [fe.DAY_MAX if b.valid_to is None else fe.day(b.valid_to) for b in bom],
            dtype=np.int32,
        ),
    }


def load_plant(
    repos: Repositories, company: Company, temporary_keys: Sequence[str] = TEMPORARY_KEYS
) -> tuple[fe.Plant, LimitPolicy]:
    """The company's lots of ``temporary_keys``, shipments and BOM as the fast engine's
    columns, with each lot's limit day under the company's limit policy."""
    inputs = repos.discharge_inputs
    cid = int(company.id)
    mats = inputs.materials(cid)
    lots = inputs.lot_tuples(cid, temporary_keys)
    bom = inputs.bom(cid)
    ships = inputs.shipment_tuples(cid)
    # the materials, and the sub-assemblies (products that are components of products)
    parts = sorted({part for _id, part, _kind in mats} | {b.component for b in bom})
    products = sorted({r[5] for r in ships} | {b.product for b in bom})
    pi = {p: i for i, p in enumerate(parts)}
    qi = {p: i for i, p in enumerate(products)}
    # material id → (part index, kind index)
    kind_names = sorted({kind for _id, _part, kind in mats})
    max_id = max((mid for mid, _part, _kind in mats), default=0)
    part_of = np.zeros(max_id + 1, dtype=np.int32)
    kind_of = np.zeros(max_id + 1, dtype=np.int32)
    for mid, part, kind in mats:
        part_of[mid] = pi[part]
        kind_of[mid] = kind_names.index(kind)
    arr = _lot_array(lots, {part: mid for mid, part, _kind in mats})
    del lots
    mat_ids = arr[:, 1]
    policy = limit_policy(repos, company)
    limits = _limit_column(policy, kind_names, kind_of[mat_ids], arr[:, 3].astype(np.int32))
    plant = fe.Plant(
        parts=parts,
        products=products,
        lot_id=arr[:, 0].copy(),
        lot_part=part_of[mat_ids],
        lot_entry=arr[:, 2].astype(np.int32),
        lot_limit=limits,
        lot_qty=arr[:, 4].copy(),
        lot_value=arr[:, 5].copy(),
        lot_ped=arr[:, 6].copy(),
        lot_af=arr[:, 7].astype(np.bool_),
        ship_id=np.asarray([r[0] for r in ships], dtype=np.int64),
        ship_date=np.asarray([r[1] for r in ships], dtype=np.int32),
        ship_kind=np.asarray([fe.KIND_CODES[r[4]] for r in ships], dtype=np.int8),
        ship_product=np.asarray([qi[r[5]] for r in ships], dtype=np.int32),
        ship_qty=np.asarray([r[6] for r in ships], dtype=np.int64),
        ship_ped=np.asarray([int(r[7]) if r[7] else -1 for r in ships], dtype=np.int64),
        **bom_columns(bom, qi, pi),
    )
    return plant, policy


# --------------------------------------------------------------------------- domain records


def _import_lot(r: Any, limit: date | None, kind: GoodsKind) -> ImportLot:
    return ImportLot(
        r.id, r.pedimento, r.clave, r.entry_date, r.part_number,
        Decimal(r.quantity_micro).scaleb(-6), Decimal(r.value_e4).scaleb(-4), r.origin,
        r.fraccion, Decimal(r.fx) if r.fx else None, r.certificate, kind, r.start_date, limit,
    )  # fmt: skip


def _shipment(r: Any) -> Shipment:
    return Shipment(
        r.id, r.document, r.line, r.kind, r.ship_date, r.product,
        Decimal(r.quantity_micro).scaleb(-6), r.destination or "",
        None if r.value_e4 is None else Decimal(r.value_e4).scaleb(-4), r.pedimento,
    )  # fmt: skip


def _bom_line(r: Any) -> BomLine:
    return BomLine(
        r.product, r.component, Decimal(r.qty_per_unit_micro).scaleb(-6),
        Decimal(r.scrap_pct_e4).scaleb(-4), r.valid_from, r.valid_to,
    )  # fmt: skip


def bom_lines(repos: Repositories, company_id: int) -> list[BomLine]:
    """The company's BOM lines (every version, sub-assemblies included) as domain records."""
    return [_bom_line(r) for r in repos.discharge_inputs.bom(company_id)]


def load_domain_inputs(
    ws: Workspace, temporary_keys: Sequence[str] = TEMPORARY_KEYS
) -> tuple[list[ImportLot], list[Shipment], list[BomLine]]:
    """The company's lots, shipments and BOM as domain records (for the reference engine,
    audits and small tools; the fast path reads columns directly)."""
    company = ws.the_company
    with ws.read() as repos:
        inputs = repos.discharge_inputs
        lot_rows = inputs.lots_with_kind(company.id, temporary_keys)
        ship_rows = inputs.shipments(company.id)
        bom_rows = inputs.bom(company.id)
        policy = limit_policy(repos, company)
    lots = []
    for r in lot_rows:
        kind = lot_kind(r)
        lots.append(_import_lot(r, policy.limit_date(kind, r.start_date or r.entry_date), kind))
    return lots, [_shipment(r) for r in ship_rows], [_bom_line(r) for r in bom_rows]
