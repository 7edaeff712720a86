"""``immex discharge run``: the FIFO discharge from the store into an append-only journal.

A run loads the company's lots (temporary imports), BOM and shipments
(:mod:`.plant`), runs the fast engine (:mod:`immex.domain.discharge.kernel`), and
appends a run header (inputs hash, parameters, who, when, the run it supersedes) with its
allocations, shortfalls, expired lots reached and shipments without BOM
(:class:`~immex.store.repositories.journal.JournalRepository`). The company's current run
is its latest; older runs stay. Reading the journal is :mod:`.journal`; balances and the
expiry watch :mod:`.balances`; what a figure leaves out :mod:`.caveats`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from immex.domain.discharge import kernel as fe
from immex.domain.discharge.limits import LIMIT_PARAMETERS, LimitPolicy
from immex.domain.ledger import TEMPORARY_KEYS
from immex.domain.messages import Msg, Template
from immex.services.discharge.plant import load_plant
from immex.services.workspace.context import UnitOfWork, Workspace

__all__ = [
    "PARAMETER_TEXTS",
    "Progress",
    "RunSummary",
    "described_parameters",
    "product_lines",
    "run_discharge",
    "run_parameters",
]

Progress = Callable[[str, int, int], None]


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


# --------------------------------------------------------------------------- hashes


def _hash_arrays(arrays: Iterable[np.ndarray], extra: Any) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(json.dumps(extra, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _inputs_hash(p: fe.Plant, params: dict[str, Any]) -> str:
    return _hash_arrays(
        [
            p.lot_id, p.lot_part, p.lot_entry, p.lot_limit, p.lot_qty, p.lot_value, p.lot_ped,
            p.ship_id, p.ship_date, p.ship_kind, p.ship_product, p.ship_qty, p.ship_ped,
            p.bom_product, p.bom_comp, p.bom_factor, p.bom_from, p.bom_to,
        ],
        {"parts": p.parts, "products": p.products, "params": params},
    )  # fmt: skip


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


def _journal_hash(cols: dict[str, np.ndarray], p: fe.Plant, j: fe.Journal) -> str:
    return _hash_arrays(
        [
            cols["ship_id"], cols["lot_id"], cols["qty"], cols["value"], cols["key"],
            cols["directed"], p.ship_id[j.s_ship], j.s_comp, j.s_missing, p.lot_id[j.e_lot],
            p.ship_id[j.e_ship], j.e_open, p.ship_id[j.u_ship],
        ],
        None,
    )  # fmt: skip


# --------------------------------------------------------------------------- run


#: the parameters of a run a header records as a description, by name: the header records
#: (and hashes into the run's identity) the English text, which therefore never changes; a
#: reader sees the catalog's text in their language (:func:`described_parameters`)
PARAMETER_TEXTS = {
    "order": Template(
        "discharge.param.order",
        "FIFO by entry date, pedimento, lot id; directed pedimento first",
    ),
    "rounding": Template(
        "discharge.param.rounding",
        "need half-up to 6 decimals; value = round4(V×used/Q) differences",
    ),
}
#: what each of them is, as a reader sees it beside the description
PARAMETER_LABELS = {
    "order": Template("discharge.param.label.order", "Discharge order"),
    "rounding": Template("discharge.param.label.rounding", "Rounding"),
}
PARAMETERS_HEADING = Template("discharge.param.heading", "Parameters of the run")
PARAMETER_LINE = Template("discharge.param.line", "{label}: {text}")


def run_parameters(
    through: date | None, temporary_keys: tuple[str, ...], policy: LimitPolicy
) -> dict[str, Any]:
    """The run's parameters as recorded in its header (and hashed with its inputs): the
    descriptions as their English text (plain strings, as every run recorded them)."""
    return {
        "through": through.isoformat() if through else None,
        "temporary_keys": list(temporary_keys),
        "order": PARAMETER_TEXTS["order"].english,
        "limits": {str(kind): name for kind, name in LIMIT_PARAMETERS.items()},
        "limit_sources": policy.parameters.sources(),
        "iva_ieps_certification": policy.describe(),
        "limit_notes": policy.notes,
        "rounding": PARAMETER_TEXTS["rounding"].english,
    }


def described_parameters(parameters: Any) -> list[tuple[Msg, Msg | str]]:
    """The descriptions a run's header records, as a reader sees them: (label, text), the
    text the catalog's message where the header holds its English text, else the text as
    the header holds it (a description worded otherwise is never shown as another)."""
    if not isinstance(parameters, dict):
        return []
    out: list[tuple[Msg, Msg | str]] = []
    for name, template in PARAMETER_TEXTS.items():
        stored = parameters.get(name)
        if not stored:
            continue
        shown: Msg | str = template() if stored == template.english else str(stored)
        out.append((PARAMETER_LABELS[name](), shown))
    return out


def product_lines(plant: fe.Plant) -> dict[str, list[Any]]:
    """Per product with shipments: its shipment lines and the date of the last."""
    counts = np.bincount(plant.ship_product, minlength=len(plant.products))
    last = np.full(len(plant.products), fe.DAY_MIN, dtype=np.int64)
    np.maximum.at(last, plant.ship_product, plant.ship_date)
    return {
        plant.products[i]: [int(counts[i]), fe.from_day(int(last[i])).isoformat()]
        for i in np.flatnonzero(counts).tolist()
    }


def _write_state(
    uow: UnitOfWork, run_id: int, plant: fe.Plant, journal: fe.Journal, mark: dict[str, Any]
) -> None:
    """What the run used of each part's lots and the ledger it read (for a what-if dated
    after its last shipment: :mod:`immex.services.decide.plant_slice`)."""
    repo = uow.repos.journal
    repo.add_lot_uses(run_id, [(u.part, u.lot_id, u.used, u.digest)
                               for u in fe.lot_uses(plant, journal)])  # fmt: skip
    repo.add_run_state(run_id, mark, product_lines(plant))


def _write(
    uow: UnitOfWork, plant: fe.Plant, journal: fe.Journal, cols: dict[str, np.ndarray],
    header: dict[str, Any], progress: Progress | None, mark: dict[str, Any] | None,
) -> int:  # fmt: skip
    """Append the run: header, allocation chunks, shortfalls, expired lots, unexploded
    shipments, (with ``mark``: a run of every shipment) what it used of each part's lots
    and the ledger it read, and its audit entry (naming the workspace's actor)."""
    journal_repo = uow.repos.journal
    run_id = journal_repo.add_run(**header)
    journal_repo.add_allocations(run_id, cols, progress)
    if mark is not None:
        _write_state(uow, run_id, plant, journal, mark)
    parts = plant.parts
    journal_repo.add_shortfalls(
        run_id,
        zip(
            plant.ship_id[journal.s_ship].tolist(),
            [parts[c] for c in journal.s_comp.tolist()],
            journal.s_required.tolist(),
            journal.s_missing.tolist(),
            strict=True,
        ),
    )
    journal_repo.add_expired_uses(
        run_id,
        zip(
            plant.lot_id[journal.e_lot].tolist(),
            plant.ship_id[journal.e_ship].tolist(),
            journal.e_open.tolist(),
            strict=True,
        ),
    )
    journal_repo.refresh_statistics(len(journal.s_ship) + len(journal.e_lot))
    journal_repo.add_unexploded(run_id, plant.ship_id[journal.u_ship].tolist())
    detail = {"run_id": run_id, "inputs_hash": header["inputs_hash"],
              "journal_hash": header["journal_hash"], **header["summary"]}  # fmt: skip
    uow.audit("discharge.run", detail, header["company_id"])
    return run_id


def run_discharge(
    ws: Workspace,
    through: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    temporary_keys: tuple[str, ...] = TEMPORARY_KEYS,
) -> RunSummary:
    """Discharge every shipment up to ``through`` and append the journal (unless dry run);
    the run and its audit entry name ``ws.actor``."""
    company = ws.the_company
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with ws.read() as repos:
        # before the inputs: an import committed meanwhile makes the mark older, never newer
        mark = repos.journal.ledger_mark(company.id)
        plant, policy = load_plant(repos, company, temporary_keys)
        previous = repos.journal.current_run(company.id)
        params = run_parameters(through, temporary_keys, policy)
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
        by_key = {
            fe.KEY_NAMES[k]: int(c)
            for k, c in enumerate(np.bincount(journal.a_key, minlength=len(fe.KEY_NAMES)).tolist())
            if c
        }
        summary_core = {
            "lots": len(plant.lot_id),
            "shipments": len(plant.ship_id),
            "consumptions": journal.consumptions,
            "allocations": len(journal.a_qty),
            "shortfalls": len(journal.s_ship),
            "expired_lots": len(journal.e_lot),
            "unexploded_shipments": len(journal.u_ship),
            "by_key": by_key,
        }
        created = ws.now()
        run_id: int | None = None
        if not dry_run:
            header = {
                "company_id": company.id, "created_at": created, "actor": ws.actor,
                "through": through, "inputs_hash": inputs_hash, "journal_hash": journal_hash,
                "parameters": params, "summary": summary_core,
                "supersedes": None if previous is None else previous.id,
            }  # fmt: skip
            with ws.write() as uow:
                whole = through is None and tuple(temporary_keys) == TEMPORARY_KEYS
                run_id = _write(
                    uow, plant, journal, cols, header, progress, mark if whole else None
                )
            repos.journal.forget_current_run()  # a read block around us sees the new run
    timings["write"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    same = bool(
        previous is not None
        and previous.journal_hash == journal_hash
        and previous.inputs_hash == inputs_hash
    )
    return RunSummary(
        run_id=run_id,
        company=company.rfc,
        dry_run=dry_run,
        created_at=created.isoformat(),
        actor=ws.actor,
        through=through,
        inputs_hash=inputs_hash,
        journal_hash=journal_hash,
        supersedes=None if previous is None else previous.id,
        same_as_previous=same,
        lots=len(plant.lot_id),
        shipments=len(plant.ship_id),
        consumptions=journal.consumptions,
        allocations=len(journal.a_qty),
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
