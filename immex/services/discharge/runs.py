"""Discharge use cases: run the FIFO discharge from the store into an append-only journal,
show a run, lot balances, expiry watch, and the journal rows other areas read (F4 planning).

A run loads the company's lots (temporary imports), BOM and shipments, runs the fast
engine (:mod:`immex.domain.discharge.kernel`), and appends a run header (inputs hash,
parameters, who, when, the run it supersedes) with its allocations, shortfalls, expired
lots reached and shipments without BOM. The company's current run is its latest; older
runs stay. Allocations are stored as compressed numpy columns in 1,000,000-row chunks.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, func, insert, select

from immex.domain.discharge import kernel as fe
from immex.domain.discharge.rules import add_months
from immex.domain.errors import DataCoverageError, NotFound, ParameterNotInForce
from immex.domain.ledger import TEMPORARY_KEYS, BomLine, ImportLot, Shipment
from immex.services.workspace.companies import (
    IVA_IEPS_CERTIFICATION,
    Authorization,
    Company,
    audit,
    authorizations,
    current_actor,
    now_utc,
)
from immex.store.bulk import bulk_insert
from immex.store.database import inserted_id
from immex.store.tables import ledger as t

CHUNK_ROWS = 1_000_000
Progress = Callable[[str, int, int], None]
#: material kind → name of the IMMEX time-limit parameter (RULES.md I-2; LA 108)
LIMIT_PARAMETERS = {
    "input": "immex.limit.inputs",
    "consumable": "immex.limit.inputs",
    "packaging": "immex.limit.inputs",
    "container": "immex.limit.containers",
    "fixed_asset": "immex.limit.fixed_assets",
}


# --------------------------------------------------------------------------- parameters


def limit_months(kind: str, start: date) -> int | None:
    """IMMEX time limit in months for a kind of good whose clock starts on ``start``
    (None: while the program is in force), from the reference parameters."""
    from immex.refdata.bundled import param

    name = LIMIT_PARAMETERS.get(kind)
    if name is None:
        raise DataCoverageError(f"no IMMEX time limit known for goods of kind {kind!r}")
    value = param(name, start).value
    if isinstance(value, str):
        return None
    return int(value)


CERTIFIED_LIMIT = "immex.limit.inputs_certified"


@dataclass
class LimitPolicy:
    """The company's IMMEX time limits: the parameters by kind of good (LA 108), and — only
    when the company recorded an IVA/IEPS certification (``immex company certify``) — the
    longer limit of certified companies for inputs whose clock starts within it (RULES I-6,
    confidence L). ``notes`` says what was applied or could not be."""

    certifications: tuple[Authorization, ...] = ()
    notes: list[str] = field(default_factory=list)

    def months(self, kind: str, start: date) -> int | None:
        base = limit_months(kind, start)
        if LIMIT_PARAMETERS.get(kind) != "immex.limit.inputs":
            return base
        cert = next((c for c in self.certifications if c.covers(start)), None)
        if cert is None:
            return base
        from immex.refdata.bundled import param

        try:
            p = param(CERTIFIED_LIMIT, start)
        except ParameterNotInForce:
            note = (
                f"certified limit ({CERTIFIED_LIMIT}) not in the data for clocks starting "
                f"{start}: the general limit of {base} months applied"
            )
            if note not in self.notes:
                self.notes.append(note)
            return base
        note = (
            f"IVA/IEPS certification ({cert.reference}, from {cert.valid_from}): inputs get "
            f"{p.value} months ({p.source}; confidence {p.confidence} — a person must confirm)"
        )
        if note not in self.notes:
            self.notes.append(note)
        return int(p.value)

    def describe(self) -> list[dict[str, str]]:
        return [
            {"from": str(c.valid_from), "to": str(c.valid_to or ""), "reference": c.reference}
            for c in self.certifications
        ]


def limit_policy(conn: Connection, company: Company) -> LimitPolicy:
    return LimitPolicy(tuple(authorizations(conn, company, IVA_IEPS_CERTIFICATION)))


def _limit_sources() -> dict[str, str]:
    from immex.refdata.bundled import load_parameters

    params = load_parameters()
    return {
        name: params[name].values[-1].source
        for name in sorted(set(LIMIT_PARAMETERS.values()))
        if name in params
    }


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: int | None
    company: str
    dry_run: bool
    created_at: str
    actor: str
    through: date | None
    inputs_hash: str
    journal_hash: str
    supersedes: int | None
    same_as_previous: bool
    lots: int
    shipments: int
    consumptions: int
    allocations: int
    allocated_quantity: Decimal
    allocated_value_usd: Decimal
    shortfalls: int
    expired_lots: int
    unexploded_shipments: int
    by_key: dict[str, int]
    parameters: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    #: shipment lines dated on or before ``through`` (all of them without it)
    shipments_through: int = 0


@dataclass(frozen=True, slots=True)
class JournalRow:
    """An allocation with its shipment and its lot (what F4 planning reads)."""

    run_id: int
    shipment_id: int
    document: str
    line: int
    shipment_kind: str
    shipment_date: date
    product: str
    component: str
    lot_id: int
    pedimento: str
    clave: str
    entry_date: date
    origin: str
    fraccion: str
    fx: Decimal | None
    certificate: str | None
    quantity: Decimal
    value_usd: Decimal
    key: str
    directed: bool


@dataclass(frozen=True, slots=True)
class LotBalance:
    lot_id: int
    pedimento: str
    clave: str
    part: str
    kind: str
    entry_date: date
    limit_date: date | None
    days_left: int | None
    quantity: Decimal
    allocated: Decimal
    open_quantity: Decimal
    open_value_usd: Decimal
    status: str  # open | near | expired


# --------------------------------------------------------------------------- loading


@dataclass
class _Loaded:
    plant: fe.Plant
    lot_meta: dict[str, Any]
    ship_rows: list[Any]
    limits: LimitPolicy


def _day_sql(conn: Connection, column: str) -> str:
    """SQL for a date column as days since 1970-01-01 (an integer on both stores)."""
    if conn.dialect.name == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _fetch(conn: Connection, sql: str) -> list[Any]:
    """Rows as plain tuples straight from the driver (no per-row wrapping: 1M rows/s)."""
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.execute(sql)
        return list(cur.fetchall())
    finally:
        cur.close()


def _load(conn: Connection, company: Company, temporary_keys: tuple[str, ...]) -> _Loaded:
    cid = int(company.id)
    mats = conn.execute(
        select(t.materials.c.id, t.materials.c.part_number, t.materials.c.kind).where(
            t.materials.c.company_id == cid
        )
    ).all()
    keys_sql = ", ".join(f"'{k}'" for k in temporary_keys if k.isalnum())
    is_pg = conn.dialect.name == "postgresql"
    lots = _fetch(
        conn,
        f"SELECT l.id, l.part_number, {_day_sql(conn, 'l.entry_date')}, "
        f"{_day_sql(conn, 'COALESCE(l.start_date, l.entry_date)')}, l.quantity_micro, "
        f"l.value_e4, CAST(l.pedimento AS {'BIGINT' if is_pg else 'INTEGER'}), "
        "CASE WHEN l.clave = 'AF' THEN 1 ELSE 0 END "
        "FROM ledger_lots l "
        f"WHERE l.company_id = {cid} AND l.clave IN ({keys_sql}) ORDER BY l.id",
    )
    bom = conn.execute(select(t.bom).where(t.bom.c.company_id == cid)).all()
    ships = _fetch(
        conn,
        f"SELECT id, {_day_sql(conn, 'ship_date')}, document, line, kind, product, "
        f"quantity_micro, pedimento FROM ledger_shipments WHERE company_id = {cid}",
    )
    ships.sort(key=lambda r: (r[1], r[2], r[3], r[0]))
    parts = sorted(r.part_number for r in mats)
    products = sorted({r[5] for r in ships} | {b.product for b in bom})
    pi = {p: i for i, p in enumerate(parts)}
    qi = {p: i for i, p in enumerate(products)}
    # material id → (part index, kind index)
    kind_names = sorted({r.kind for r in mats})
    max_id = max((r.id for r in mats), default=0)
    part_of = np.zeros(max_id + 1, dtype=np.int32)
    kind_of = np.zeros(max_id + 1, dtype=np.int32)
    for r in mats:
        part_of[r.id] = pi[r.part_number]
        kind_of[r.id] = kind_names.index(r.kind)
    n = len(lots)
    mat_id = {r.part_number: r.id for r in mats}
    lots = [(r[0], mat_id[r[1]], *r[2:]) for r in lots]
    arr = np.array(lots, dtype=np.int64).reshape(n, 8) if n else np.zeros((0, 8), np.int64)
    del lots
    mat_ids = arr[:, 1]
    start_days = arr[:, 3].astype(np.int32)
    # time limit per (kind, clock start): few distinct pairs, computed once each
    pair = kind_of[mat_ids].astype(np.int64) * (1 << 32) + (start_days.astype(np.int64) + (1 << 31))
    uniq, inv = np.unique(pair, return_inverse=True)
    lim_u = np.empty(len(uniq), dtype=np.int32)
    policy = limit_policy(conn, company)
    for i, code in enumerate(uniq.tolist()):
        kind = kind_names[code >> 32]
        start = fe.from_day((code & 0xFFFFFFFF) - (1 << 31))
        months = policy.months(kind, start)
        lim_u[i] = fe.NO_LIMIT if months is None else fe.day(add_months(start, months))
    limits = lim_u[inv].astype(np.int32)
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
        bom_product=np.asarray([qi[b.product] for b in bom], dtype=np.int32),
        bom_comp=np.asarray([pi[b.component] for b in bom], dtype=np.int32),
        bom_factor=np.asarray(
            [b.qty_per_unit_micro * (fe.MICRO + b.scrap_pct_e4) for b in bom], dtype=np.int64
        ),
        bom_from=np.asarray(
            [fe.DAY_MIN if b.valid_from is None else fe.day(b.valid_from) for b in bom],
            dtype=np.int32,
        ),
        bom_to=np.asarray(
            [fe.DAY_MAX if b.valid_to is None else fe.day(b.valid_to) for b in bom],
            dtype=np.int32,
        ),
    )
    return _Loaded(plant, {}, ships, policy)


def _hash_arrays(arrays: Iterable[np.ndarray], extra: Any) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _inputs_hash(p: fe.Plant, params: dict[str, Any]) -> str:
    return _hash_arrays(
        [
            p.lot_id,
            p.lot_part,
            p.lot_entry,
            p.lot_limit,
            p.lot_qty,
            p.lot_value,
            p.lot_ped,
            p.ship_id,
            p.ship_date,
            p.ship_kind,
            p.ship_product,
            p.ship_qty,
            p.ship_ped,
            p.bom_product,
            p.bom_comp,
            p.bom_factor,
            p.bom_from,
            p.bom_to,
        ],
        {"parts": p.parts, "products": p.products, "params": params},
    )


# --------------------------------------------------------------------------- journal storage


def _alloc_columns(p: fe.Plant, j: fe.Journal) -> dict[str, np.ndarray]:
    return {
        "ship_id": p.ship_id[j.a_ship].astype(np.int64),
        "ship_date": p.ship_date[j.a_ship].astype(np.int32),
        "lot_id": p.lot_id[j.a_lot].astype(np.int64),
        "qty": j.a_qty,
        "value": j.a_value,
        "key": j.a_key,
        "directed": j.a_directed,
    }


def _pack(cols: dict[str, np.ndarray], lo: int, hi: int) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **{k: v[lo:hi] for k, v in cols.items()})  # type: ignore[arg-type]
    return zlib.compress(buf.getvalue(), 1)


def _unpack(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(zlib.decompress(data))) as z:
        return {k: z[k] for k in z.files}


def load_allocations(conn: Connection, run_id: int) -> dict[str, np.ndarray]:
    """The allocations of a run as columns: ship_id, ship_date (days since 1970), lot_id,
    qty (micro-units), value (1/10,000 USD), key (index into KEY_NAMES), directed."""
    parts = [
        _unpack(r.data)
        for r in conn.execute(
            select(t.allocation_chunks.c.data)
            .where(t.allocation_chunks.c.run_id == run_id)
            .order_by(t.allocation_chunks.c.chunk_no)
        )
    ]
    names = ("ship_id", "ship_date", "lot_id", "qty", "value", "key", "directed")
    dtypes = (np.int64, np.int32, np.int64, np.int64, np.int64, np.int8, np.bool_)
    if not parts:
        return {n: np.zeros(0, dtype=d) for n, d in zip(names, dtypes, strict=True)}
    return {n: np.concatenate([p[n] for p in parts]) for n in names}


def _journal_hash(cols: dict[str, np.ndarray], p: fe.Plant, j: fe.Journal) -> str:
    return _hash_arrays(
        [
            cols["ship_id"],
            cols["lot_id"],
            cols["qty"],
            cols["value"],
            cols["key"],
            cols["directed"],
            p.ship_id[j.s_ship],
            j.s_comp,
            j.s_missing,
            p.lot_id[j.e_lot],
            p.ship_id[j.e_ship],
            j.e_open,
            p.ship_id[j.u_ship],
        ],
        None,
    )


def current_run_id(conn: Connection, company: Company) -> int | None:
    value = conn.execute(
        select(func.max(t.discharge_runs.c.id)).where(t.discharge_runs.c.company_id == company.id)
    ).scalar()
    return None if value is None else int(value)


# --------------------------------------------------------------------------- run


def run_discharge(
    engine: Engine,
    company: Company,
    through: date | None = None,
    dry_run: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    temporary_keys: tuple[str, ...] = TEMPORARY_KEYS,
) -> RunSummary:
    """Discharge every shipment up to ``through`` and append the journal (unless dry run)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    actor = actor or current_actor()
    with engine.connect() as conn:
        loaded = _load(conn, company, temporary_keys)
        previous = current_run_id(conn, company)
        prev_row = (
            conn.execute(select(t.discharge_runs).where(t.discharge_runs.c.id == previous)).first()
            if previous is not None
            else None
        )
    plant = loaded.plant
    params: dict[str, Any] = {
        "through": through.isoformat() if through else None,
        "temporary_keys": list(temporary_keys),
        "order": "FIFO by entry date, pedimento, lot id; directed pedimento first",
        "limits": LIMIT_PARAMETERS,
        "limit_sources": _limit_sources(),
        "iva_ieps_certification": loaded.limits.describe(),
        "limit_notes": loaded.limits.notes,
        "rounding": "need half-up to 6 decimals; value = round4(V×used/Q) differences",
    }
    inputs_hash = _inputs_hash(plant, params)
    timings["load"] = time.perf_counter() - t0
    if progress:
        progress("load", 1, 1)
    t1 = time.perf_counter()

    def engine_progress(done: int, total: int) -> None:
        if progress:
            progress("discharge", done, total)

    journal = fe.discharge_fast(
        plant, None if through is None else fe.day(through), progress=engine_progress
    )
    timings["discharge"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    cols = _alloc_columns(plant, journal)
    journal_hash = _journal_hash(cols, plant, journal)
    n_alloc = len(journal.a_qty)
    by_key = {
        fe.KEY_NAMES[k]: int(c)
        for k, c in enumerate(np.bincount(journal.a_key, minlength=4).tolist())
        if c
    }
    same = bool(
        prev_row is not None
        and prev_row.journal_hash == journal_hash
        and prev_row.inputs_hash == inputs_hash
    )
    created = now_utc()
    run_id: int | None = None
    summary_core = {
        "lots": len(plant.lot_id),
        "shipments": len(plant.ship_id),
        "consumptions": journal.consumptions,
        "allocations": n_alloc,
        "shortfalls": len(journal.s_ship),
        "expired_lots": len(journal.e_lot),
        "unexploded_shipments": len(journal.u_ship),
        "by_key": by_key,
    }
    if not dry_run:
        with engine.begin() as conn:
            run_id = int(
                inserted_id(
                    conn.execute(
                        insert(t.discharge_runs).values(
                            company_id=company.id,
                            created_at=created,
                            actor=actor,
                            through=through,
                            inputs_hash=inputs_hash,
                            journal_hash=journal_hash,
                            parameters=params,
                            summary=summary_core,
                            supersedes=previous,
                        )
                    )
                )
            )
            # zlib releases the GIL: compress the chunks on both cores
            starts = list(range(0, n_alloc, CHUNK_ROWS))
            with ThreadPoolExecutor(max_workers=2) as pool:
                packed = list(pool.map(lambda lo: _pack(cols, lo, lo + CHUNK_ROWS), starts))
            chunks = [
                (run_id, no, min(CHUNK_ROWS, n_alloc - lo), data)
                for no, (lo, data) in enumerate(zip(starts, packed, strict=True))
            ]
            del packed
            for no, (rid, cno, rows, data) in enumerate(chunks):
                conn.execute(
                    insert(t.allocation_chunks).values(
                        run_id=rid, chunk_no=cno, rows=rows, data=data
                    )
                )
                if progress:
                    progress("write", no + 1, len(chunks))
            parts = plant.parts
            bulk_insert(
                conn,
                t.shortfalls,
                ["run_id", "shipment_id", "part_number", "required_micro", "missing_micro"],
                list(
                    zip(
                        [run_id] * len(journal.s_ship),
                        plant.ship_id[journal.s_ship].tolist(),
                        [parts[c] for c in journal.s_comp.tolist()],
                        journal.s_required.tolist(),
                        journal.s_missing.tolist(),
                        strict=True,
                    )
                ),
            )
            bulk_insert(
                conn,
                t.expired_uses,
                ["run_id", "lot_id", "shipment_id", "open_micro"],
                list(
                    zip(
                        [run_id] * len(journal.e_lot),
                        plant.lot_id[journal.e_lot].tolist(),
                        plant.ship_id[journal.e_ship].tolist(),
                        journal.e_open.tolist(),
                        strict=True,
                    )
                ),
            )
            bulk_insert(
                conn,
                t.unexploded,
                ["run_id", "shipment_id"],
                [(run_id, s) for s in plant.ship_id[journal.u_ship].tolist()],
            )
            audit(
                conn,
                "discharge.run",
                {
                    "run_id": run_id,
                    "inputs_hash": inputs_hash,
                    "journal_hash": journal_hash,
                    **summary_core,
                },
                company.id,
            )
    timings["write"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    return RunSummary(
        run_id=run_id,
        company=company.rfc,
        dry_run=dry_run,
        created_at=created.isoformat(),
        actor=actor,
        through=through,
        inputs_hash=inputs_hash,
        journal_hash=journal_hash,
        supersedes=previous,
        same_as_previous=same,
        lots=len(plant.lot_id),
        shipments=len(plant.ship_id),
        consumptions=journal.consumptions,
        allocations=n_alloc,
        allocated_quantity=Decimal(int(journal.a_qty.sum())).scaleb(-6),
        allocated_value_usd=Decimal(int(journal.a_value.sum())).scaleb(-4),
        shortfalls=len(journal.s_ship),
        expired_lots=len(journal.e_lot),
        unexploded_shipments=len(journal.u_ship),
        by_key=by_key,
        parameters=params,
        seconds={k: round(v, 3) for k, v in timings.items()},
        shipments_through=len(plant.ship_id)
        if through is None
        else int((plant.ship_date <= fe.day(through)).sum()),
    )


# --------------------------------------------------------------------------- reading runs


def _run_row(conn: Connection, company: Company, run_id: int | None) -> Any:
    rid = run_id if run_id is not None else current_run_id(conn, company)
    if rid is None:
        return None
    row = conn.execute(
        select(t.discharge_runs).where(
            t.discharge_runs.c.id == rid, t.discharge_runs.c.company_id == company.id
        )
    ).first()
    if row is None:
        raise NotFound(f"no discharge run {rid} for company {company.rfc}", field="run")
    return row


def _lots_by_id(
    conn: Connection, company: Company, ids: Iterable[int] | None = None
) -> dict[int, Any]:
    q = select(t.lots).where(t.lots.c.company_id == company.id)
    if ids is not None:
        wanted = sorted(set(ids))
        out: dict[int, Any] = {}
        for i in range(0, len(wanted), 5000):
            for r in conn.execute(q.where(t.lots.c.id.in_(wanted[i : i + 5000]))):
                out[r.id] = r
        return out
    return {r.id: r for r in conn.execute(q)}


def _ships_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, Any]:
    wanted = sorted(set(ids))
    out: dict[int, Any] = {}
    for i in range(0, len(wanted), 5000):
        for r in conn.execute(
            select(t.shipments).where(t.shipments.c.id.in_(wanted[i : i + 5000]))
        ):
            out[r.id] = r
    return out


def journal_rows(
    engine: Engine,
    company: Company,
    *,
    run_id: int | None = None,
    keys: Iterable[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = None,
) -> list[JournalRow]:
    """Allocations of a run (default: the current one), optionally only some discharge keys
    (e.g. ``("F4",)`` for domestic sales) and shipment dates, each with its lot's pedimento,
    value, origin, fracción and entry date."""
    with engine.connect() as conn:
        run = _run_row(conn, company, run_id)
        if run is None:
            return []
        cols = load_allocations(conn, run.id)
        mask = np.ones(len(cols["qty"]), dtype=np.bool_)
        if keys is not None:
            codes = [fe.KEY_NAMES.index(k) for k in keys if k in fe.KEY_NAMES]
            mask &= np.isin(cols["key"], codes)
        if date_from is not None:
            mask &= cols["ship_date"] >= fe.day(date_from)
        if date_to is not None:
            mask &= cols["ship_date"] <= fe.day(date_to)
        idx = np.flatnonzero(mask)
        if limit is not None:
            idx = idx[:limit]
        lot_ids = cols["lot_id"][idx].tolist()
        ship_ids = cols["ship_id"][idx].tolist()
        lots = _lots_by_id(conn, company, lot_ids)
        ships = _ships_by_id(conn, ship_ids)
    out = []
    for i, lid, sid in zip(idx.tolist(), lot_ids, ship_ids, strict=True):
        lot, ship = lots[lid], ships[sid]
        out.append(
            JournalRow(
                run.id,
                sid,
                ship.document,
                ship.line,
                ship.kind,
                ship.ship_date,
                ship.product,
                lot.part_number,
                lid,
                lot.pedimento,
                lot.clave,
                lot.entry_date,
                lot.origin,
                lot.fraccion,
                Decimal(lot.fx) if lot.fx else None,
                lot.certificate,
                Decimal(int(cols["qty"][i])).scaleb(-6),
                Decimal(int(cols["value"][i])).scaleb(-4),
                fe.KEY_NAMES[int(cols["key"][i])],
                bool(cols["directed"][i]),
            )
        )
    return out


def show_run(
    engine: Engine, company: Company, run_id: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """A run's header, its allocations (up to ``limit``), shortfalls, expired lots reached."""
    with engine.connect() as conn:
        run = _run_row(conn, company, run_id)
        if run is None:
            raise NotFound(
                f"company {company.rfc} has no discharge run yet; run `immex discharge run`",
                field="run",
            )
        shorts = conn.execute(
            select(
                t.shortfalls, t.shipments.c.document, t.shipments.c.line, t.shipments.c.ship_date
            )
            .join(t.shipments, t.shipments.c.id == t.shortfalls.c.shipment_id)
            .where(t.shortfalls.c.run_id == run.id)
            .order_by(t.shortfalls.c.id)
        ).all()
        expired = conn.execute(
            select(
                t.expired_uses,
                t.lots.c.pedimento,
                t.lots.c.part_number,
                t.lots.c.entry_date,
                t.lots.c.value_e4,
                t.lots.c.quantity_micro,
            )
            .join(t.lots, t.lots.c.id == t.expired_uses.c.lot_id)
            .where(t.expired_uses.c.run_id == run.id)
            .order_by(t.expired_uses.c.id)
        ).all()
        unexp = conn.execute(
            select(
                t.shipments.c.id,
                t.shipments.c.document,
                t.shipments.c.line,
                t.shipments.c.product,
                t.shipments.c.ship_date,
            )
            .join(t.unexploded, t.unexploded.c.shipment_id == t.shipments.c.id)
            .where(t.unexploded.c.run_id == run.id)
            .order_by(t.unexploded.c.id)
        ).all()
    rows = journal_rows(engine, company, run_id=run.id, limit=limit)
    return {
        "run_id": run.id,
        "created_at": run.created_at,
        "actor": run.actor,
        "through": run.through,
        "inputs_hash": run.inputs_hash,
        "journal_hash": run.journal_hash,
        "supersedes": run.supersedes,
        "parameters": run.parameters,
        "summary": run.summary,
        "allocations": rows,
        "shortfalls": [
            {
                "shipment_id": s.shipment_id,
                "document": s.document,
                "line": s.line,
                "date": s.ship_date,
                "part": s.part_number,
                "required": Decimal(s.required_micro).scaleb(-6),
                "missing": Decimal(s.missing_micro).scaleb(-6),
            }
            for s in shorts
        ],
        "expired_lots": [
            {
                "lot_id": e.lot_id,
                "pedimento": e.pedimento,
                "part": e.part_number,
                "entry_date": e.entry_date,
                "first_reached_by_shipment": e.shipment_id,
                "open_quantity": Decimal(e.open_micro).scaleb(-6),
                "open_value_usd": _open_value(
                    e.value_e4, e.quantity_micro, e.quantity_micro - e.open_micro
                ),
                "action": "regularise with pedimento A3 (LA 108; RULES.md I-4)",
            }
            for e in expired
        ],
        "unexploded_shipments": [
            {
                "shipment_id": u.id,
                "document": u.document,
                "line": u.line,
                "product": u.product,
                "date": u.ship_date,
                "problem": "no BOM version in force on the shipment date",
            }
            for u in unexp
        ],
    }


def _open_value(value_e4: int, qty: int, used: int) -> Decimal:
    """Lot value not yet allocated: V − round4(V × used / Q) (the rules' value step)."""
    allocated = (2 * value_e4 * used + qty) // (2 * qty)
    return Decimal(value_e4 - allocated).scaleb(-4)


def list_runs(engine: Engine, company: Company) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.discharge_runs)
            .where(t.discharge_runs.c.company_id == company.id)
            .order_by(t.discharge_runs.c.id)
        ).all()
    current = rows[-1].id if rows else None  # the latest run supersedes the others
    return [
        {
            "run_id": r.id,
            "current": r.id == current,
            "created_at": r.created_at,
            "actor": r.actor,
            "through": r.through,
            "supersedes": r.supersedes,
            "journal_hash": r.journal_hash,
            **r.summary,
        }
        for r in rows
    ]


# --------------------------------------------------------------------------- caveats


def _naive(moment: Any) -> Any:
    return moment.replace(tzinfo=None) if getattr(moment, "tzinfo", None) else moment


def _run_caveats(conn: Connection, company: Company, run: Any, date_to: date) -> list[str]:
    """Why the current run may not cover a period ending ``date_to``: it stops before it,
    or the ledger was imported into after the run (the journal is older than the data)."""
    out: list[str] = []
    if run.through is not None and run.through < date_to:
        out.append(
            f"the current discharge run {run.id} covers shipments through "
            f"{run.through.isoformat()} only: later shipments are not in these figures "
            "(run `immex discharge run`)"
        )
    b = t.import_batches
    later = conn.execute(
        select(b.c.entity, b.c.file_name, b.c.imported_at)
        .where(b.c.company_id == company.id)
        .order_by(b.c.id.desc())
        .limit(50)
    ).all()
    later = [r for r in later if _naive(r.imported_at) > _naive(run.created_at)]
    if later:
        files = ", ".join(f"{r.entity} {r.file_name}" for r in reversed(later[:3]))
        out.append(
            f"the ledger changed after discharge run {run.id} ({run.created_at:%Y-%m-%d %H:%M}): "
            f"imported since: {files}{' …' if len(later) > 3 else ''} — these figures use the "
            "old journal; run `immex discharge run` again"
        )
    return out


def journal_caveats(
    engine: Engine,
    company: Company,
    date_from: date,
    date_to: date,
    kinds: tuple[str, ...],
    destinations: tuple[str, ...] | None = None,
    limit: int = 5,
) -> list[str]:
    """What a figure built from the current run's journal for shipments of ``kinds`` (and
    ``destinations``) dated ``date_from`` … ``date_to`` leaves out: shipment lines the run
    could not discharge in full (shortfall) or could not explode (no BOM version in force
    on their date), a run that stops before ``date_to`` and imports made after the run.
    Empty when there is no run (callers say so themselves)."""
    s = t.shipments

    def period(q: Any) -> Any:
        q = q.where(s.c.ship_date >= date_from, s.c.ship_date <= date_to, s.c.kind.in_(kinds))
        return q if destinations is None else q.where(s.c.destination.in_(destinations))

    with engine.connect() as conn:
        run = _run_row(conn, company, None)
        if run is None:
            return []
        out = _run_caveats(conn, company, run, date_to)
        short = conn.execute(
            period(
                select(
                    s.c.document,
                    s.c.line,
                    s.c.ship_date,
                    t.shortfalls.c.part_number,
                    t.shortfalls.c.missing_micro,
                )
                .join(s, s.c.id == t.shortfalls.c.shipment_id)
                .where(t.shortfalls.c.run_id == run.id)
            ).order_by(s.c.ship_date, s.c.document, s.c.line, t.shortfalls.c.id)
        ).all()
        unexp = conn.execute(
            period(
                select(s.c.document, s.c.line, s.c.ship_date, s.c.product)
                .join(t.unexploded, t.unexploded.c.shipment_id == s.c.id)
                .where(t.unexploded.c.run_id == run.id)
            ).order_by(s.c.ship_date, s.c.document, s.c.line)
        ).all()
    if short:
        lines = {(r.document, r.line) for r in short}
        shown = "; ".join(
            f"{r.document}/{r.line} {r.ship_date.isoformat()} {r.part_number} missing "
            f"{Decimal(r.missing_micro).scaleb(-6).normalize():f}"
            for r in short[:limit]
        )
        out.append(
            f"{len(lines)} shipment line(s) of these dates could not be discharged in full "
            f"(not enough open temporary imports on the date; {len(short)} component "
            f"shortfall(s)): {shown}{' …' if len(short) > limit else ''} — the missing inputs "
            f"are not in these figures (see `immex discharge show {run.id}`)"
        )
    if unexp:
        shown = "; ".join(
            f"{r.document}/{r.line} {r.ship_date.isoformat()} {r.product}" for r in unexp[:limit]
        )
        out.append(
            f"{len(unexp)} shipment line(s) of these dates have no BOM version in force on "
            f"their date and were not discharged: {shown}{' …' if len(unexp) > limit else ''}"
            " — their inputs are not in these figures (import the BOM, then run "
            "`immex discharge run`)"
        )
    return out


# --------------------------------------------------------------------------- balances


def _balances(
    engine: Engine, company: Company, as_of: date, part: str | None, within: int | None
) -> tuple[list[LotBalance], list[str]]:
    notes: list[str] = []
    with engine.connect() as conn:
        kinds = dict(
            conn.execute(
                select(t.materials.c.part_number, t.materials.c.kind).where(
                    t.materials.c.company_id == company.id
                )
            ).all()
        )
        q = select(t.lots).where(
            t.lots.c.company_id == company.id,
            t.lots.c.clave.in_(TEMPORARY_KEYS),
            t.lots.c.entry_date <= as_of,
        )
        if part:
            q = q.where(t.lots.c.part_number == part)
        lots = conn.execute(q.order_by(t.lots.c.entry_date, t.lots.c.pedimento, t.lots.c.id)).all()
        policy = limit_policy(conn, company)
        run = _run_row(conn, company, None)
        used: dict[int, int] = {}
        if run is None:
            notes.append("no discharge run yet: every lot is shown whole")
        else:
            notes += _run_caveats(conn, company, run, as_of)
            cols = load_allocations(conn, run.id)
            m = cols["ship_date"] <= fe.day(as_of)
            ids, inv = np.unique(cols["lot_id"][m], return_inverse=True)
            totals = np.zeros(len(ids), dtype=np.int64)
            np.add.at(totals, inv, cols["qty"][m])
            used = dict(zip(ids.tolist(), totals.tolist(), strict=True))
    out: list[LotBalance] = []
    limit_cache: dict[tuple[str, date], date | None] = {}
    for lot in lots:
        taken = used.get(lot.id, 0)
        open_micro = lot.quantity_micro - taken
        if open_micro <= 0:
            continue
        kind = kinds.get(lot.part_number, "input")
        start = lot.start_date or lot.entry_date
        key = (kind, start)
        if key not in limit_cache:
            months = policy.months(kind, start)
            limit_cache[key] = None if months is None else add_months(start, months)
        lim = limit_cache[key]
        days_left = None if lim is None else (lim - as_of).days
        status = "open"
        if days_left is not None and days_left < 0:
            status = "expired"
        elif days_left is not None and within is not None and days_left <= within:
            status = "near"
        if within is not None and status == "open":
            continue
        out.append(
            LotBalance(
                lot.id,
                lot.pedimento,
                lot.clave,
                lot.part_number,
                kind,
                lot.entry_date,
                lim,
                days_left,
                Decimal(lot.quantity_micro).scaleb(-6),
                Decimal(taken).scaleb(-6),
                Decimal(open_micro).scaleb(-6),
                _open_value(lot.value_e4, lot.quantity_micro, taken),
                status,
            )
        )
    return out, notes + policy.notes


def balance(
    engine: Engine, company: Company, as_of: date, part: str | None = None
) -> tuple[list[LotBalance], list[str]]:
    """Open quantity and value per lot on ``as_of`` (current run's allocations up to that
    date), with its limit date and days left. Returns (balances, notes)."""
    return _balances(engine, company, as_of, part, None)


def expiry(
    engine: Engine, company: Company, within_days: int, as_of: date
) -> tuple[list[LotBalance], list[str]]:
    """Lots with open quantity past their limit or within ``within_days`` of it, with the
    value at risk (open value). Sorted by limit date."""
    rows, notes = _balances(engine, company, as_of, None, within_days)
    rows.sort(key=lambda b: (b.limit_date or date.max, b.lot_id))
    return rows, notes


# --------------------------------------------------------------------------- domain records


def load_domain_inputs(
    engine: Engine, company: Company, temporary_keys: tuple[str, ...] = TEMPORARY_KEYS
) -> tuple[list[ImportLot], list[Shipment], list[BomLine]]:
    """The company's lots, shipments and BOM as domain records (for the reference engine,
    audits and small tools; the fast path reads columns directly)."""
    with engine.connect() as conn:
        kinds = dict(
            conn.execute(
                select(t.materials.c.part_number, t.materials.c.kind).where(
                    t.materials.c.company_id == company.id
                )
            ).all()
        )
        lot_rows = conn.execute(
            select(t.lots).where(
                t.lots.c.company_id == company.id, t.lots.c.clave.in_(temporary_keys)
            )
        ).all()
        ship_rows = conn.execute(
            select(t.shipments).where(t.shipments.c.company_id == company.id)
        ).all()
        bom_rows = conn.execute(select(t.bom).where(t.bom.c.company_id == company.id)).all()
        policy = limit_policy(conn, company)
    lots = []
    for r in lot_rows:
        kind = kinds.get(r.part_number, "input")
        start = r.start_date or r.entry_date
        months = policy.months(kind, start)
        lots.append(
            ImportLot(
                r.id,
                r.pedimento,
                r.clave,
                r.entry_date,
                r.part_number,
                Decimal(r.quantity_micro).scaleb(-6),
                Decimal(r.value_e4).scaleb(-4),
                r.origin,
                r.fraccion,
                Decimal(r.fx) if r.fx else None,
                r.certificate,
                kind,
                r.start_date,
                None if months is None else add_months(start, months),
            )
        )
    ships = [
        Shipment(
            r.id,
            r.document,
            r.line,
            r.kind,
            r.ship_date,
            r.product,
            Decimal(r.quantity_micro).scaleb(-6),
            r.destination or "",
            None if r.value_e4 is None else Decimal(r.value_e4).scaleb(-4),
            r.pedimento,
        )
        for r in ship_rows
    ]
    bom = [
        BomLine(
            r.product,
            r.component,
            Decimal(r.qty_per_unit_micro).scaleb(-6),
            Decimal(r.scrap_pct_e4).scaleb(-4),
            r.valid_from,
            r.valid_to,
        )
        for r in bom_rows
    ]
    return lots, ships, bom


def run_domain_result(
    engine: Engine, company: Company, run_id: int | None = None
) -> list[tuple[int, int, Decimal, Decimal, str, bool]]:
    """A stored run's allocations as (shipment_id, lot_id, quantity, value, key, directed)."""
    with engine.connect() as conn:
        run = _run_row(conn, company, run_id)
        if run is None:
            return []
        cols = load_allocations(conn, run.id)
    return [
        (s, lt, Decimal(q).scaleb(-6), Decimal(v).scaleb(-4), fe.KEY_NAMES[k], bool(d))
        for s, lt, q, v, k, d in zip(
            cols["ship_id"].tolist(),
            cols["lot_id"].tolist(),
            cols["qty"].tolist(),
            cols["value"].tolist(),
            cols["key"].tolist(),
            cols["directed"].tolist(),
            strict=True,
        )
    ]
