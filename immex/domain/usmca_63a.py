"""LA 63-A / USMCA art. 2.5 on a period's exports to the United States and Canada.

For every export lot portion (journal key ``RT``) of a shipment whose destination is USA or
CAN: the non-originating input consumed, its Mexican duty at the best lawful rate (RGCE
1.6.11 — PROSEC and the company's certificates considered), the US/CA duty paid on the
exported good, the amount owed and the date it is due (export + 60 days). The duty engine
(:func:`immex.domain.duties.compute_63a`) does each portion and keeps its trace.

A document's US/CA duty is spread over its non-originating portions in proportion to their
MX duty, so per document ``Σ exemption = min(Σ MX duty, US/CA duty)`` — the treaty's
comparison on the exported good — and every portion still has a complete engine trace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.duties import DutyContext, UsmcaRequest, UsmcaResult, compute_63a
from immex.domain.errors import BatchError, ErrorRecord, ImmexError
from immex.domain.lot_portions import LotPortion, merge_by_lot
from immex.domain.lot_portions import sum_decimals as _sum
from immex.domain.messages import Template
from immex.domain.money import ZERO

SOME_FAILED = Template("usmca.some_failed", "{n} 63-A computations failed; nothing computed")


#: the 63-A destinations (USMCA partners)
DESTINATIONS = ("USA", "CAN")


WARN_WITHOUT_PROOF = Template(
    "warn.usmca_without_proof",
    "{n} export document without a US/CA duty in the file: the full MX duty is owed for it "
    "unless proof is given within 60 days (RULES U-2)",
    "{n} export documents without a US/CA duty in the file: the full MX duty is owed for them "
    "unless proof is given within 60 days (RULES U-2)",
)
NOTE_SPREAD = Template(
    "note.usmca_spread",
    "a document's US/CA duty is spread over its non-originating inputs in proportion to their "
    "MX duty: per document, exemption = min(MX duty, US/CA duty) (USMCA 2.5)",
)()
NOTE_WHOLE_PESOS = Template(
    "note.usmca_whole_pesos",
    "owed amounts are whole pesos per input portion (CFF 20); the document's figure is their sum",
)()


@dataclass(frozen=True, slots=True)
class PricedExport:
    portion: LotPortion
    result: UsmcaResult


@dataclass(frozen=True, slots=True)
class ExportDocument:
    document: str
    export_date: date
    destination: str
    products: tuple[str, ...]
    portions: int
    mx_duty: Decimal
    us_duty_usd: Decimal
    us_duty_mxn: Decimal
    exemption: Decimal
    owed: Decimal
    due_by: date
    proof_given: bool


@dataclass(frozen=True, slots=True)
class UsmcaLine:
    fraccion: str
    origin: str
    originating: bool
    program: str
    program_detail: str
    rate: Decimal
    portions: int
    value_usd: Decimal
    customs_value_mxn: Decimal
    mx_duty: Decimal
    exemption: Decimal
    owed: Decimal


@dataclass(frozen=True, slots=True)
class UsmcaReport:
    company_rfc: str
    company_name: str
    period: str
    documents: tuple[ExportDocument, ...]
    lines: tuple[UsmcaLine, ...]
    priced: tuple[PricedExport, ...]
    totals: dict[str, Decimal]
    us_duties_file: str | None
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    def to_dict(self, traces: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "period": self.period,
            "us_duties_file": self.us_duties_file,
            "totals": self.totals,
            "documents": list(self.documents),
            "lines": list(self.lines),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }
        if traces:
            out["portions"] = [
                {
                    "document": p.portion.document,
                    "pedimento": p.portion.pedimento,
                    "lot_id": p.portion.lot_id,
                    "part": p.portion.part,
                    "owed": p.result.owed,
                    "trace": p.result.trace,
                }
                for p in self.priced
            ]
        return out


def price_exports(
    portions: Sequence[LotPortion],
    context: DutyContext,
    us_duties: dict[str, Decimal],
    prosec_sectors: tuple[str, ...],
) -> list[PricedExport]:
    """Two passes: MX duty per portion, then the document's US duty spread by MX duty."""
    ctx = context.with_memo()
    portions = merge_by_lot(
        [p for p in portions if p.destination in DESTINATIONS and p.value_usd > 0],
        per_document=True,
    )

    def request(p: LotPortion, us_usd: Decimal) -> UsmcaRequest:
        return UsmcaRequest(
            fraccion=p.fraccion,
            value_usd=p.value_usd,
            entry_date=p.entry_date,
            export_date=p.shipment_date,
            origin=p.origin,
            us_duty_usd=us_usd,
            prosec_sectors=prosec_sectors,
            certified=(p.certificate,) if p.certificate else (),
            reference=f"{p.document}/lot {p.lot_id}",
        )

    def run(reqs: list[tuple[LotPortion, UsmcaRequest]]) -> list[UsmcaResult]:
        out, errors = [], []
        for i, (_p, r) in enumerate(reqs, start=1):
            try:
                out.append(compute_63a(r, ctx))
            except ImmexError as exc:
                errors.append(ErrorRecord(f"63-A {r.reference}", i, exc.field, exc.message))
        if errors:
            raise BatchError(errors, SOME_FAILED(n=len(errors)))
        return out

    first = run([(p, request(p, ZERO)) for p in portions])
    mx_by_doc: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for p, r in zip(portions, first, strict=True):
        if not r.originating:
            mx_by_doc[p.document] += r.mx_duty
    # the second pass with the document's US duty share; a portion whose share is nil asks
    # exactly what the first pass asked, so its first result stands (compute_63a depends
    # on its request and the context only)
    second: list[tuple[LotPortion, UsmcaRequest]] = []
    redo: list[int] = []
    results = list(first)
    for i, (p, r) in enumerate(zip(portions, first, strict=True)):
        us = us_duties.get(p.document.replace(" ", ""), ZERO)
        total_mx = mx_by_doc.get(p.document, ZERO)
        share = us * r.mx_duty / total_mx if (us and total_mx and not r.originating) else ZERO
        if share:
            second.append((p, request(p, share)))
            redo.append(i)
    for i, r in zip(redo, run(second), strict=True):
        results[i] = r
    return [PricedExport(p, r) for p, r in zip(portions, results, strict=True)]


def build_report(
    priced: Sequence[PricedExport],
    us_duties: dict[str, Decimal],
    *,
    company_rfc: str,
    company_name: str,
    period: str,
    us_duties_file: str | None,
) -> UsmcaReport:
    docs: dict[str, list[PricedExport]] = defaultdict(list)
    for pe in priced:
        docs[pe.portion.document].append(pe)
    documents = []
    for doc, members in sorted(
        docs.items(), key=lambda kv: (kv[1][0].portion.shipment_date, kv[0])
    ):
        first = members[0]
        us_usd = us_duties.get(doc.replace(" ", ""), ZERO)
        documents.append(
            ExportDocument(
                document=doc,
                export_date=first.portion.shipment_date,
                destination=first.portion.destination,
                products=tuple(sorted({m.portion.product for m in members})),
                portions=len(members),
                mx_duty=_sum(m.result.mx_duty for m in members),
                us_duty_usd=us_usd,
                us_duty_mxn=us_usd * first.result.us_fx.rate,
                exemption=_sum(m.result.exemption for m in members),
                owed=_sum(m.result.owed for m in members),
                due_by=first.result.due_by,
                proof_given=doc.replace(" ", "") in us_duties,
            )
        )
    groups: dict[tuple[str, str, bool, str, str, Decimal], list[PricedExport]] = defaultdict(list)
    for pe in priced:
        r = pe.result
        groups[(r.fraccion, r.origin, r.originating, r.program, r.program_detail, r.rate)].append(
            pe
        )
    lines = [
        UsmcaLine(
            fraccion=k[0],
            origin=k[1],
            originating=k[2],
            program=k[3],
            program_detail=k[4],
            rate=k[5],
            portions=len(v),
            value_usd=_sum(m.portion.value_usd for m in v),
            customs_value_mxn=_sum(m.result.customs_value_mxn for m in v),
            mx_duty=_sum(m.result.mx_duty for m in v),
            exemption=_sum(m.result.exemption for m in v),
            owed=_sum(m.result.owed for m in v),
        )
        for k, v in sorted(groups.items(), key=lambda kv: kv[0][:2])
    ]
    totals = {
        "mx_duty": _sum(d.mx_duty for d in documents),
        "us_duty_mxn": _sum(d.us_duty_mxn for d in documents),
        "exemption": _sum(d.exemption for d in documents),
        "owed": _sum(d.owed for d in documents),
    }
    without_proof = [d.document for d in documents if not d.proof_given]
    warnings = list(dict.fromkeys(w for pe in priced for w in pe.result.warnings))
    if without_proof:
        warnings.insert(0, WARN_WITHOUT_PROOF(n=len(without_proof)))
    notes = (NOTE_SPREAD, NOTE_WHOLE_PESOS)
    return UsmcaReport(
        company_rfc,
        company_name,
        period,
        tuple(documents),
        tuple(lines),
        tuple(priced),
        totals,
        us_duties_file,
        tuple(warnings),
        notes,
    )
