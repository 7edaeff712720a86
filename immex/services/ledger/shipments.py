"""Import shipment documents: exports, domestic sales, transfers and destructions, by line.

A destruction (kind ``destruction``: waste and scrap destroyed under the rules, LA 109 ¶3,
RULES C-5) discharges lots like any exit but owes no IGI; its ``evidence`` column — the
destruction notice or acta number — is required. Waste sold in Mexico is a domestic sale.

Lines are numbered within their document in file order. A document already imported for
the company is compared with the stored one: identical, its lines are unchanged; different,
it is an error (a re-import never changes a stored document).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from immex.domain.entry_rules import A_SHIPMENT, SHIPMENT_LINES, after_fx_note, future_problem
from immex.domain.ledger import SHIPMENT_KINDS
from immex.domain.messages import Template
from immex.services.ledger.field_checks import (
    QUANTITY_PLACES,
    VALUE_PLACES,
    check_country,
    non_negative,
    parse_day,
    parse_pedimento,
    positive,
)
from immex.services.ledger.import_job import ImportJob, ImportResult, open_batch
from immex.services.workspace.context import UnitOfWork
from immex.store.repositories.ledger_records import MasterData

ALREADY_IMPORTED = Template(
    "import.shipment_already_imported",
    "already imported for this company with different lines ({stored} stored, {here} in this "
    "file); a shipment document's stored lines are never changed by a re-import",
)
NEEDS_EVIDENCE = Template(
    "import.needs_evidence",
    "a destruction needs its evidence: the destruction notice or acta number (LA 109 ¶3; "
    "RULES C-5) in the column evidence",
)
UNKNOWN_KIND = Template("import.unknown_kind", "unknown kind; one of {kinds}")
UNKNOWN_PRODUCT = Template(
    "import.unknown_product",
    "unknown product; import it with `immex import products`",
)
DIRECTED_UNKNOWN = Template(
    "import.directed_unknown",
    "directed discharge names a pedimento not imported",
)


#: a shipment line as SHIPMENT_COLUMNS of the ledger repository (batch id 0 until known)
ShipmentRow = tuple[Any, ...]
#: the positions of the source line, the batch id and the evidence in a ShipmentRow
_LINE, _BATCH, _EVIDENCE = 10, 11, 12


@dataclass(slots=True)
class _Lines:
    rows: int = 0
    #: the latest date and how many lines are after the last FIX of the workspace
    latest: date = date.min
    after_fx: int = 0
    new: list[ShipmentRow] = field(default_factory=list)
    #: lines of documents already imported, compared with the stored ones
    again: dict[str, list[ShipmentRow]] = field(default_factory=dict)
    #: … of which a line has its own errors (not compared)
    broken: set[str] = field(default_factory=set)


def _check_date(job: ImportJob, out: _Lines, line: int, day: date, text: str) -> None:
    """A shipment's date against today and the FIX data of the workspace."""
    if job.today is not None and (late := future_problem(day, job.today, A_SHIPMENT)):
        job.fields.error(line, "date", late, text)
    out.latest = max(out.latest, day)
    if job.fx_last is not None and day > job.fx_last:
        out.after_fx += 1


def import_shipments(uow: UnitOfWork, job: ImportJob) -> ImportResult:
    lines = _read(uow, job)
    if job.fx_last is not None and lines.after_fx:
        note = after_fx_note(lines.latest, job.fx_last, lines.after_fx, SHIPMENT_LINES)
        job.notes.append(f"{job.path.name}: {note}")
    same = _same_as_stored(uow, job, lines.again) if lines.again else 0
    job.fields.fail_if_errors()
    if not lines.new:
        return job.nothing_new(lines.rows, same)
    batch = open_batch(uow, job, lines.rows)
    uow.repos.ledger.add_shipments([r[:_BATCH] + (batch,) + r[_BATCH + 1 :] for r in lines.new])
    uow.audit("import.shipments", job.audit_detail(lines.rows))
    return job.result(lines.rows, len(lines.new), 0, same, batch)


def _read(uow: UnitOfWork, job: ImportJob) -> _Lines:
    ledger = uow.repos.ledger
    products = ledger.part_numbers(MasterData.PRODUCTS, job.company_id)
    known_docs = ledger.documents(job.company_id)
    known_peds = ledger.pedimentos(job.company_id)
    qty_check = positive(QUANTITY_PLACES)
    value_check = non_negative(VALUE_PLACES)
    acc = job.fields
    out = _Lines()
    seqs: dict[str, int] = {}
    for line, cells in job.rows:
        out.rows += 1
        errors_before = acc.count
        doc = acc.need(line, cells, "document")
        kind = acc.need(line, cells, "kind").lower()
        if kind and kind not in SHIPMENT_KINDS:
            acc.error(line, "kind", UNKNOWN_KIND(kinds=", ".join(SHIPMENT_KINDS)), kind)
        when = acc.parse(line, cells, "date", parse_day)
        if when is not None:
            _check_date(job, out, line, when, acc.get(cells, "date"))
        product = acc.need(line, cells, "product")
        if product and product not in products:
            acc.error(line, "product", UNKNOWN_PRODUCT(), product)
        qty = acc.parse(line, cells, "quantity", qty_check)
        dest = acc.parse(line, cells, "destination", check_country, required=False)
        value = acc.parse(line, cells, "value_usd", value_check, required=False)
        ped = acc.parse(line, cells, "pedimento", parse_pedimento, required=False)
        evidence = _evidence(acc, line, cells, kind)
        if ped and ped not in known_peds:
            acc.error(
                line,
                "pedimento",
                DIRECTED_UNKNOWN(),
                acc.get(cells, "pedimento"),
            )
        seq = seqs.get(doc, 0) + 1
        seqs[doc] = seq
        if doc in known_docs:
            if acc.count > errors_before:
                out.broken.add(doc)
            else:
                out.again.setdefault(doc, []).append(
                    (job.company_id, doc, seq, kind, when.isoformat(), product, qty, dest, value)
                    + (ped, line, 0, evidence)
                )
        elif not acc.errors:
            row = (job.company_id, doc, seq, kind, when.isoformat(), product, qty, dest, value)
            out.new.append(row + (ped, line, 0, evidence))
    for doc in out.broken:
        out.again.pop(doc, None)
    return out


def _same_as_stored(uow: UnitOfWork, job: ImportJob, again: dict[str, list[ShipmentRow]]) -> int:
    """Lines of documents already imported: a document identical to the stored one is left
    as it is (its lines are counted as unchanged); one that differs is an error."""
    stored: dict[str, list[tuple[Any, ...]]] = {}
    for r in uow.repos.ledger.shipment_lines(job.company_id, sorted(again)):
        stored.setdefault(r[0], []).append(
            (r[1], r[2], str(r[3])[:10], r[4], int(r[5]), r[6] or None, r[7], r[8] or None,
             r[9] or None)
        )  # fmt: skip
    same = 0
    for doc, rows in again.items():
        mine = [
            (r[2], r[3], r[4][:10], r[5], int(r[6]), r[7] or None, r[8], r[9] or None,
             r[_EVIDENCE] or None)
            for r in rows
        ]  # fmt: skip
        if mine == stored.get(doc):
            same += len(rows)
            continue
        job.fields.error(
            rows[0][_LINE],
            "document",
            ALREADY_IMPORTED(stored=len(stored.get(doc, [])), here=len(rows)),
            doc,
        )
    return same


def _evidence(acc: Any, line: int, cells: Any, kind: str) -> str | None:
    """A destruction's notice or acta number: required for kind ``destruction``."""
    text = (acc.get(cells, "evidence") or "").strip()
    if kind == "destruction" and not text:
        acc.error(
            line, "evidence",
            NEEDS_EVIDENCE(),
            "",
        )  # fmt: skip
    return text or None
