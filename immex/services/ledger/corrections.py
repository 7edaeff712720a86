"""Corrections of the ledger, append-only: the company's import batches (``immex import
list``), a batch voided (``immex import void``), the history of a pedimento's versions
(``immex pedimento history``) and of a part's, and whether the current discharge journal is
stale.

A void takes the batch's rows out of the current ledger (balances, the discharge's inputs,
reports) and keeps them, with the reason and who did it; a rectification
(``immex import pedimentos FILE --rectify --reason``, :mod:`.pedimentos`) stores the new
lines of a pedimento and withdraws the earlier ones the same way. Either marks the discharge
run current at that moment stale: figures built from it say so until a new run supersedes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Msg, Template, joined
from immex.services.ledger.field_checks import parse_pedimento
from immex.services.ledger.names import entity_name
from immex.services.ledger.stale_texts import (
    STALE,
    STALE_RECTIFY,
    STALE_RECTIFY_MASTER,
    STALE_VOID,
)
from immex.services.ledger.stale_texts import STALE_NOTE as STALE_NOTE  # used from here too
from immex.services.workspace.context import UnitOfWork, Workspace
from immex.store.repositories.corrections import BomLine, Correction, LotVersion, PartVersion
from immex.store.repositories.ledger_records import MasterData
from immex.store.unit import Repositories

VOID = "void"
RECTIFY = "rectify"
#: the source of a Data Stage or archivo M batch (``S3`` on the command line)
SAT = "sat"

NO_BATCH = Template(
    "batch.not_found", "no import batch {batch} for company {rfc}; see `immex import list`"
)
NO_SAT_BATCH = Template(
    "batch.sat_not_found",
    "no Data Stage or archivo M batch S{batch} with pedimentos of company {rfc}; see `immex "
    "import list`",
)
BAD_BATCH = Template(
    "batch.bad_label",
    "not a batch: {value!r}; give the number `immex import list` shows (12, or S3 for a Data "
    "Stage or archivo M load)",
)
SAT_NOT_VOIDED = Template(
    "batch.sat_not_voided",
    "batch S{batch} ({file}) is a Data Stage load: SAT's own record of the pedimentos, and it is "
    "not voided. A pedimento's data change only through its rectification (Ley Aduanera art. 89), "
    "which a later extraction brings as a 701 record: import it with `immex import datastage`. "
    "The ledger's lots are corrected with `immex import pedimentos FILE --rectify --reason TEXT`",
)
M3_NOT_VOIDED = Template(
    "batch.m3_not_voided",
    "batch S{batch} ({file}) is an archivo M load: the pedimentos as the customs broker validated "
    "them, and it is not voided. A validated pedimento changes only through its rectification "
    "(Ley Aduanera art. 89): import the validation file of the rectification (R1) with `immex "
    "import m3`. The ledger's lots are corrected with `immex import pedimentos FILE --rectify "
    "--reason TEXT`",
)
NO_REASON = Template(
    "batch.no_reason",
    "say why (--reason TEXT): the reason stays in the ledger's history for an audit",
)
ALREADY_VOID = Template(
    "batch.already_void", "batch {batch} ({file}) was already voided on {day} by {actor}: {reason}"
)
VOID_RECTIFICATION = Template(
    "batch.void_rectification",
    "batch {batch} ({file}) is a rectification; a rectification is corrected by another one: "
    "import the right lines with `immex import pedimentos FILE --rectify --reason TEXT`",
)
VOID_RECTIFICATION_OF = Template(
    "batch.void_rectification_of",
    "batch {batch} ({file}) is a rectification of {entity}; a rectification is corrected by "
    "another one: import the right data with `immex import {entity} FILE --rectify --reason "
    "TEXT`",
)
PART_IN_USE = Template(
    "batch.part_in_use",
    "batch {batch} ({file}) introduced parts that current lots, BOM lines or shipments use "
    "({parts}); void those batches first",
)
VOIDED = Template(
    "batch.voided",
    "batch {batch} ({file}, {entity}) voided: {rows} row withdrawn from the ledger and kept in "
    "its history; reason: {reason}",
    "batch {batch} ({file}, {entity}) voided: {rows} rows withdrawn from the ledger and kept in "
    "its history; reason: {reason}",
    count="rows",
)
VOIDED_PARTS = Template(
    "batch.voided_parts",
    "batch {batch} ({file}, {entity}) voided: {restored}, {withdrawn}; reason: {reason}",
)
N_RESTORED = Template(
    "batch.n_restored",
    "{n} part back to its earlier version",
    "{n} parts back to their earlier version",
)
N_WITHDRAWN = Template("batch.n_withdrawn", "{n} withdrawn", "{n} withdrawn")
NO_PART = Template(
    "part.no_history",
    "part {part} was never imported for company {rfc} (neither a material nor a product, nor "
    "in a BOM); see `immex import list`",
)
NO_HISTORY = Template(
    "pedimento.no_history",
    "pedimento {number} was never imported for company {rfc}; see `immex import list`",
)


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One import batch as ``immex import list`` shows it."""

    id: int
    entity: str
    file_name: str
    sha256: str
    rows: int
    imported_at: datetime
    actor: str
    #: void | rectifies (the batch recorded a rectification) | current
    status: str
    #: rows of the batch still in the current ledger
    current_rows: int
    voided_at: datetime | None = None
    voided_by: str | None = None
    reason: str | None = None
    #: ``ledger`` (an ``immex import`` of the Annex 24 ledger) or ``sat`` (a Data Stage or
    #: archivo M load: ``entity`` is ``datastage`` or ``m3``, rows are the company's
    #: pedimentos in it, current ones those no rectification superseded)
    source: str = "ledger"

    @property
    def label(self) -> str:
        """The batch as ``immex import void`` names it: ``12``, or ``S3`` for a SAT load."""
        return f"S{self.id}" if self.source == SAT else str(self.id)


@dataclass(frozen=True, slots=True)
class VoidResult:
    batch_id: int
    entity: str
    file_name: str
    withdrawn: int
    restored: int
    reason: str
    correction_id: int
    stale_run: int | None
    message: str


@dataclass(frozen=True, slots=True)
class PedimentoLine:
    line: int
    clave: str
    entry_date: date
    part: str
    quantity: Decimal
    value_usd: Decimal
    origin: str
    fraccion: str


@dataclass(frozen=True, slots=True)
class PedimentoVersion:
    """The lines one batch stored for a pedimento; current or withdrawn (and why)."""

    version: int
    batch_id: int
    file_name: str
    imported_at: datetime
    actor: str
    current: bool
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdrawn_actor: str | None
    reason: str | None
    lines: list[PedimentoLine]


def _need_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(NO_REASON(), field="reason")
    return text


def list_batches(ws: Workspace) -> list[BatchRow]:
    """The company's import batches, oldest first, each with what became of it."""
    company = ws.the_company
    with ws.read() as repos:
        corrections = repos.corrections.of_company(company.id)
        voids = {c.batch_id: c for c in corrections if c.kind == VOID}
        rectifying = {c.batch_id for c in corrections if c.kind == RECTIFY}
        out = []
        for b in repos.ledger.batches(company.id):
            void = voids.get(b.id)
            status = "void" if void else ("rectifies" if b.id in rectifying else "current")
            out.append(
                BatchRow(
                    b.id,
                    b.entity,
                    b.file_name,
                    b.sha256,
                    b.rows,
                    b.imported_at,
                    b.actor,
                    status,
                    repos.corrections.current_rows(company.id, b.id, b.entity),
                    void.created_at if void else None,
                    void.actor if void else None,
                    void.reason if void else None,
                )  # fmt: skip
            )
        for r, n, current in repos.sat.company_batches(company.id):
            out.append(
                BatchRow(
                    r.id,
                    r.kind,
                    r.source_name,
                    r.sha256,
                    n,
                    r.imported_at,
                    r.actor,
                    "current",
                    current,
                    source=SAT,
                )  # fmt: skip
            )
    return sorted(out, key=lambda b: (_utc(b.imported_at), b.source, b.id))


def _utc(at: datetime) -> datetime:
    """``at`` comparable with any other (SQLite gives naive UTC, PostgreSQL aware)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def batch_label(text: str | int) -> tuple[str, int]:
    """(source, id) of a batch as ``immex import list`` shows it: ``12`` is batch 12 of the
    ledger, ``S3`` the Data Stage or archivo M batch 3."""
    raw = str(text).strip()
    sat = raw[:1] in ("S", "s")
    digits = raw[1:] if sat else raw
    if not digits.isdigit():
        raise InvalidInput(BAD_BATCH(value=raw), field="batch")
    return (SAT if sat else "ledger"), int(digits)


def refuse_sat_void(ws: Workspace, batch_id: int) -> None:
    """A Data Stage or archivo M batch is not voided: say why and how to correct."""
    company = ws.the_company
    with ws.read() as repos:
        batch = repos.sat.company_batch(company.id, batch_id)
    if batch is None:
        raise NotFound(NO_SAT_BATCH(batch=batch_id, rfc=company.rfc), field="batch")
    why = SAT_NOT_VOIDED if batch.kind == "datastage" else M3_NOT_VOIDED
    raise InvalidInput(why(batch=batch_id, file=batch.source_name), field="batch")


def void_batch(
    ws: Workspace, batch_id: int, reason: str | None, source: str = "ledger"
) -> VoidResult:
    """Withdraw a batch's rows from the current ledger, keeping them with ``reason``; the
    current discharge run becomes stale. A Data Stage or archivo M batch (``source`` sat)
    is refused, saying how to correct it."""
    if source == SAT:
        refuse_sat_void(ws, batch_id)
    why = _need_reason(reason)
    company = ws.the_company
    with ws.write() as uow:
        repos = uow.repos
        batch = repos.corrections.batch(company.id, batch_id)
        if batch is None:
            raise NotFound(NO_BATCH(batch=batch_id, rfc=company.rfc), field="batch")
        for c in repos.corrections.of_batch(company.id, batch_id):
            if c.kind == VOID:
                raise InvalidInput(
                    ALREADY_VOID(batch=batch_id, file=batch.file_name,
                                 day=f"{c.created_at:%Y-%m-%d}", actor=c.actor, reason=c.reason),
                    field="batch",
                )  # fmt: skip
            if c.kind == RECTIFY:
                refusal = (
                    VOID_RECTIFICATION(batch=batch_id, file=batch.file_name)
                    if batch.entity == "pedimentos"
                    else VOID_RECTIFICATION_OF(
                        batch=batch_id, file=batch.file_name, entity=batch.entity
                    )
                )
                raise InvalidInput(refusal, field="batch")
        run = repos.journal.current_run(company.id)
        stale_run = None if run is None else run.id
        correction = repos.corrections.add(
            company_id=company.id, kind=VOID, batch_id=batch_id, reason=why, actor=ws.actor,
            created_at=ws.now(), stale_run=stale_run, detail={"entity": batch.entity},
        )  # fmt: skip
        restored = 0
        if batch.entity in (MasterData.MATERIALS, MasterData.PRODUCTS):
            restored, withdrawn = _void_parts(uow, MasterData(batch.entity), batch, correction)
        else:
            withdrawn = repos.corrections.withdraw_batch(
                company.id, batch_id, batch.entity, correction
            )
        uow.audit(
            "import.void",
            {"batch": batch_id, "entity": batch.entity, "file": batch.file_name,
             "sha256": batch.sha256, "reason": why, "withdrawn": withdrawn,
             "restored": restored, "stale_run": stale_run},
        )  # fmt: skip
    message = (
        VOIDED_PARTS(batch=batch_id, file=batch.file_name, entity=entity_name(batch.entity),
                     restored=N_RESTORED(n=restored), withdrawn=N_WITHDRAWN(n=withdrawn),
                     reason=why)
        if batch.entity in (MasterData.MATERIALS, MasterData.PRODUCTS)
        else VOIDED(batch=batch_id, file=batch.file_name, entity=entity_name(batch.entity),
                    rows=withdrawn, reason=why)
    )  # fmt: skip
    return VoidResult(
        batch_id, batch.entity, batch.file_name, withdrawn, restored, why, correction,
        stale_run, message,
    )  # fmt: skip


def _void_parts(
    uow: UnitOfWork, master: MasterData, batch: Any, correction: int
) -> tuple[int, int]:
    """The parts whose current version is the batch's: back to the version the batch
    replaced, or withdrawn when the batch introduced them (refused while they are in use).
    Each version set aside is kept. Returns (restored, withdrawn)."""
    repo = uow.repos.corrections
    ws = uow.workspace
    company_id = batch.company_id
    parts = repo.parts_of_batch(master, company_id, batch.id)
    earlier = {p: repo.version_replaced_by(master, company_id, p, batch.id) for _, p, _ in parts}
    introduced = [p for _, p, _ in parts if earlier[p] is None]
    used = repo.lots_using_parts(company_id, introduced) if introduced else {}
    if used:
        shown = ", ".join(f"{p} ({n})" for p, n in sorted(used.items())[:5])
        raise InvalidInput(
            PART_IN_USE(batch=batch.id, file=batch.file_name, parts=shown), field="batch"
        )
    restored = withdrawn = 0
    for part_id, part, values in parts:
        repo.keep_version(
            master, company_id, part, values, batch.id, replaced_by=None,
            correction_id=correction, at=ws.now(), actor=ws.actor,
        )  # fmt: skip
        before = earlier[part]
        if before is None:
            repo.withdraw_part(master, part_id, correction)
            withdrawn += 1
        else:
            repo.restore_part(master, part_id, before.values, before.batch_id)
            restored += 1
    return restored, withdrawn


def stale_notes(repos: Repositories, company_id: int, run_id: int) -> list[Msg]:
    """Why run ``run_id``'s journal is stale (the corrections made while it was current),
    as one note; empty when it is not."""
    made = repos.corrections.making_stale(company_id, run_id)
    if not made:
        return []
    what = joined([_stale_part(repos, company_id, c) for c in made[:3]])
    return [STALE(run=run_id, what=joined([what, "…"], " ") if len(made) > 3 else what)]


def is_stale(ws: Workspace) -> bool:
    """Whether the company's current discharge run is stale (corrected after it)."""
    company = ws.the_company
    with ws.read() as repos:
        run = repos.journal.current_run(company.id)
        return run is not None and bool(repos.corrections.making_stale(company.id, run.id))


def _stale_part(repos: Repositories, company_id: int, c: Correction) -> Msg:
    day = f"{c.created_at:%Y-%m-%d %H:%M}"
    if c.kind == VOID:
        batch = repos.corrections.batch(company_id, c.batch_id)
        name = batch.file_name if batch else ""
        return STALE_VOID(batch=c.batch_id, file=name, actor=c.actor, day=day)
    entity = c.detail.get("entity", "pedimentos")
    if entity != "pedimentos":
        names = list(c.detail.get("parts") or c.detail.get("products") or [])
        shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        return STALE_RECTIFY_MASTER(entity=entity_name(entity), names=shown, actor=c.actor,
                                    day=day)  # fmt: skip
    peds = [format_pedimento(p) for p in c.detail.get("pedimentos", [])[:3]]
    return STALE_RECTIFY(pedimentos=", ".join(peds), actor=c.actor, day=day, n=len(peds))


def pedimento_history(ws: Workspace, number: str) -> list[PedimentoVersion]:
    """Every version of a pedimento the company stored, oldest first: the lines of each
    batch that wrote it, and who withdrew them, when and why."""
    company = ws.the_company
    ped = parse_pedimento(number)
    with ws.read() as repos:
        rows = repos.corrections.pedimento_versions(company.id, ped)
        if not rows:
            raise NotFound(NO_HISTORY(number=number, rfc=company.rfc), field="pedimento")
        corrections = {c.id: c for c in repos.corrections.of_company(company.id)}
    by_batch: dict[int, list[LotVersion]] = {}
    for r in rows:
        by_batch.setdefault(r.batch_id, []).append(r)
    out = []
    for i, (batch_id, lines) in enumerate(sorted(by_batch.items()), start=1):
        first = lines[0]
        gone = next((corrections.get(x.withdrawn_by) for x in lines if x.withdrawn_by), None)
        out.append(
            PedimentoVersion(
                i,
                batch_id,
                first.file_name,
                first.imported_at,
                first.actor,
                gone is None,
                gone.kind if gone else None,
                gone.created_at if gone else None,
                gone.actor if gone else None,
                gone.reason if gone else None,
                [_line(x) for x in lines],
            )  # fmt: skip
        )
    return out


def _line(x: LotVersion) -> PedimentoLine:
    return PedimentoLine(
        x.source_line, x.clave, x.entry_date, x.part_number,
        Decimal(x.quantity_micro).scaleb(-6), Decimal(x.value_e4).scaleb(-4),
        x.origin, x.fraccion,
    )  # fmt: skip


def part_history(ws: Workspace, part: str) -> list[PartVersion]:
    """The earlier versions of a material or product, oldest first."""
    company = ws.the_company
    with ws.read() as repos:
        return repos.corrections.part_history(company.id, part.strip())


@dataclass(frozen=True, slots=True)
class PartVersionRow:
    """One version of a material or product: the batch that wrote it and, unless it is
    current, how it stopped being so (a later ``import``, a ``rectify`` or a ``void``),
    when, by whom and why (a plain import gives no reason)."""

    version: int
    master: str
    values: dict[str, Any]
    batch_id: int | None
    file_name: str | None
    imported_at: datetime | None
    imported_by: str | None
    current: bool
    ended_by: str | None = None
    ended_at: datetime | None = None
    ended_actor: str | None = None
    ended_batch: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class BomLineRow:
    """A BOM line naming the part (as the product or a component), current or withdrawn."""

    product: str
    component: str
    qty_per_unit: Decimal
    scrap_pct: Decimal
    valid_from: date | None
    valid_to: date | None
    batch_id: int | None
    file_name: str | None
    imported_at: datetime | None
    imported_by: str | None
    current: bool
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_actor: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PartHistory:
    """``immex part history PART``: every version of the part as a material or product,
    oldest first, and every BOM line that names it."""

    part: str
    versions: list[PartVersionRow]
    bom: list[BomLineRow]


def part_versions(ws: Workspace, part: str) -> PartHistory:
    """Every version of ``part`` (earlier ones and the current one) and its BOM lines,
    current and withdrawn, each with its batch, who, when and why."""
    company = ws.the_company
    name = part.strip()
    with ws.read() as repos:
        corrections = {c.id: c for c in repos.corrections.of_company(company.id)}
        batches = {b.id: b for b in repos.ledger.batches(company.id)}
        earlier = repos.corrections.part_history(company.id, name)
        stored = {
            m: repos.ledger.stored_parts(m, company.id).get(name)
            for m in (MasterData.MATERIALS, MasterData.PRODUCTS)
        }
        bom = repos.corrections.bom_lines(company.id, [name], withdrawn=True)
        bom += [x for x in repos.corrections.bom_components(company.id, name) if x.product != name]
    if not earlier and not bom and all(v is None for v in stored.values()):
        raise NotFound(NO_PART(part=name, rfc=company.rfc), field="part")
    versions: list[PartVersionRow] = []
    for master in (MasterData.MATERIALS, MasterData.PRODUCTS):
        mine = [v for v in earlier if v.master == master.value]
        for v in mine:
            c = corrections.get(v.correction_id) if v.correction_id else None
            how = c.kind if c else "import"
            versions.append(
                PartVersionRow(
                    len(versions) + 1,
                    master.value,
                    v.values,
                    v.batch_id,
                    *_batch_of(batches, v.batch_id),
                    False,
                    how,
                    v.replaced_at,
                    v.actor,
                    v.replaced_by,
                    c.reason if c else None,
                )  # fmt: skip
            )
        now = stored[master]
        if now is not None and now.withdrawn_by is None:
            versions.append(
                PartVersionRow(
                    len(versions) + 1,
                    master.value,
                    now.values,
                    now.batch_id,
                    *_batch_of(batches, now.batch_id),
                    True,
                )  # fmt: skip
            )
    lines = [_bom_row(x, batches, corrections) for x in bom]
    return PartHistory(name, versions, lines)


def _batch_of(batches: dict[int, Any], batch_id: int | None) -> tuple[Any, Any, Any]:
    b = batches.get(batch_id) if batch_id is not None else None
    return (b.file_name, b.imported_at, b.actor) if b else (None, None, None)


def _bom_row(x: BomLine, batches: dict[int, Any], corrections: dict[int, Correction]) -> BomLineRow:
    c = corrections.get(x.withdrawn_by) if x.withdrawn_by else None
    return BomLineRow(
        x.product, x.component, Decimal(x.qty_per_unit_micro).scaleb(-6),
        Decimal(x.scrap_pct_e4).scaleb(-4), x.valid_from, x.valid_to, x.batch_id,
        *_batch_of(batches, x.batch_id), c is None, c.kind if c else None,
        c.created_at if c else None, c.actor if c else None, c.reason if c else None,
    )  # fmt: skip
