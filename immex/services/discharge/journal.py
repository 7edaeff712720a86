"""Reading the discharge journal: the current run, a run's allocations with their shipment
and lot (what F4 planning and the reports read), a run in full (``immex discharge show``)
and the list of runs (``immex discharge list``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from immex.domain.discharge import kernel as fe
from immex.domain.discharge.rules import open_value_e4
from immex.domain.errors import NotFound
from immex.domain.messages import Template
from immex.services.ledger.corrections import stale_notes
from immex.services.workspace.context import Workspace
from immex.store.repositories.journal import RunRecord
from immex.store.unit import Repositories

NO_BOM_ON_DATE = Template("journal.no_bom_on_date", "no BOM version in force on the shipment date")
REGULARISE_A3 = Template(
    "journal.regularise_a3", "regularise with pedimento A3 (LA 108; RULES.md I-4)"
)
NO_RUN = Template("journal.no_run", "no discharge run {run_id} for company {rfc}")
NO_RUN_YET = Template(
    "journal.no_run_yet",
    "company {rfc} has no discharge run yet; run `immex discharge run`",
)


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


def current_run(ws: Workspace) -> RunRecord | None:
    """The company's current (latest) run, read once per ``ws.read()`` block."""
    with ws.read() as repos:
        return repos.journal.current_run(ws.the_company.id)


def run_record(repos: Repositories, ws: Workspace, run_id: int | None) -> RunRecord | None:
    """Run ``run_id`` of the company (NotFound when it has no such run), or the current one
    (None before the first run)."""
    company = ws.the_company
    if run_id is None:
        return repos.journal.current_run(company.id)
    run = repos.journal.run(company.id, run_id)
    if run is None:
        raise NotFound(NO_RUN(run_id=run_id, rfc=company.rfc), field="run")
    return run


def open_value(value_e4: int, quantity_micro: int, used_micro: int) -> Decimal:
    """Lot value not yet allocated, in USD (:func:`immex.domain.discharge.rules.open_value_e4`)."""
    return Decimal(open_value_e4(value_e4, quantity_micro, used_micro)).scaleb(-4)


def _selected(
    cols: dict[str, np.ndarray], keys: Iterable[str] | None, date_from: date | None,
    date_to: date | None, limit: int | None,
) -> np.ndarray:  # fmt: skip
    mask = np.ones(len(cols["qty"]), dtype=np.bool_)
    if keys is not None:
        codes = [fe.KEY_NAMES.index(k) for k in keys if k in fe.KEY_NAMES]
        mask &= np.isin(cols["key"], codes)
    if date_from is not None:
        mask &= cols["ship_date"] >= fe.day(date_from)
    if date_to is not None:
        mask &= cols["ship_date"] <= fe.day(date_to)
    idx = np.flatnonzero(mask)
    return idx if limit is None else idx[:limit]


def journal_rows(
    ws: Workspace,
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
    company = ws.the_company
    with ws.read() as repos:
        run = run_record(repos, ws, run_id)
        if run is None:
            return []
        cols = repos.journal.allocations(run.id)
        idx = _selected(cols, keys, date_from, date_to, limit)
        lot_ids = cols["lot_id"][idx].tolist()
        ship_ids = cols["ship_id"][idx].tolist()
        lots = repos.discharge_inputs.lots_by_id(company.id, lot_ids)
        ships = repos.discharge_inputs.shipments_by_id(ship_ids)
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
            )  # fmt: skip
        )
    return out


def _shortfall(s: Any) -> dict[str, Any]:
    return {
        "shipment_id": s.shipment_id,
        "document": s.document,
        "line": s.line,
        "date": s.ship_date,
        "part": s.part_number,
        "required": Decimal(s.required_micro).scaleb(-6),
        "missing": Decimal(s.missing_micro).scaleb(-6),
    }


def _expired(e: Any) -> dict[str, Any]:
    return {
        "lot_id": e.lot_id,
        "pedimento": e.pedimento,
        "part": e.part_number,
        "entry_date": e.entry_date,
        "first_reached_by_shipment": e.shipment_id,
        "open_quantity": Decimal(e.open_micro).scaleb(-6),
        "open_value_usd": open_value(e.value_e4, e.quantity_micro, e.quantity_micro - e.open_micro),
        "action": REGULARISE_A3(),
    }


def _unexploded(u: Any) -> dict[str, Any]:
    return {
        "shipment_id": u.id,
        "document": u.document,
        "line": u.line,
        "product": u.product,
        "date": u.ship_date,
        "problem": NO_BOM_ON_DATE(),
    }


def show_run(ws: Workspace, run_id: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """A run's header, its allocations (up to ``limit``), shortfalls, expired lots reached."""
    company = ws.the_company
    with ws.read() as repos:
        run = run_record(repos, ws, run_id)
        if run is None:
            raise NotFound(
                NO_RUN_YET(rfc=company.rfc),
                field="run",
            )
        shorts = repos.journal.shortfalls(run.id)
        expired = repos.journal.expired_uses(run.id)
        unexp = repos.journal.unexploded(run.id)
        rows = journal_rows(ws, run_id=run.id, limit=limit)
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
        "shortfalls": [_shortfall(s) for s in shorts],
        "expired_lots": [_expired(e) for e in expired],
        "unexploded_shipments": [_unexploded(u) for u in unexp],
    }


def list_runs(ws: Workspace) -> list[dict[str, Any]]:
    """The company's runs, oldest first; the current one (the latest) with ``stale``: why
    its journal is stale (the corrections made after it), empty when it is not."""
    with ws.read() as repos:
        runs = repos.journal.runs(ws.the_company.id)
        current = runs[-1].id if runs else None  # the latest run supersedes the others
        stale = [] if current is None else stale_notes(repos, ws.the_company.id, current)
    return [
        {
            "run_id": r.id,
            "current": r.id == current,
            "created_at": r.created_at,
            "actor": r.actor,
            "through": r.through,
            "supersedes": r.supersedes,
            "journal_hash": r.journal_hash,
            "stale": stale if r.id == current else [],
            **r.summary,
        }
        for r in runs
    ]


def run_domain_result(
    ws: Workspace, run_id: int | None = None
) -> list[tuple[int, int, Decimal, Decimal, str, bool]]:
    """A stored run's allocations as (shipment_id, lot_id, quantity, value, key, directed)."""
    with ws.read() as repos:
        run = run_record(repos, ws, run_id)
        if run is None:
            return []
        cols = repos.journal.allocations(run.id)
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
