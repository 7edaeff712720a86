"""A program pack (:class:`immex.domain.program_packs.Pack`) as an XLSX workbook or a PDF:
the month-end renderers (:mod:`immex.reports`) lay out a report model built here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from immex.domain.program_packs import Pack
from immex.refdata.bundled import load_manifest
from immex.reports.model import Column, Report, ReportMeta, Section, SummaryItem, Table
from immex.reports.pdf import write_pdf
from immex.reports.xlsx import write_xlsx

TITLES = {
    "annual-report immex": "Reporte anual de operaciones de comercio exterior (IMMEX)",
    "annual-report prosec": "Reporte anual de operaciones de comercio exterior (PROSEC)",
    "prosec application": "Datos para la solicitud de registro PROSEC",
}


class PackFormat(StrEnum):
    JSON = "json"
    XLSX = "xlsx"
    PDF = "pdf"


def _kind(values: list[Any], name: str) -> str:
    sample = next((v for v in values if v is not None and v != ""), None)
    if isinstance(sample, bool) or sample is None:
        return "text"
    if isinstance(sample, int):
        return "int"
    if isinstance(sample, Decimal):
        return "qty" if "quantity" in name else "money"
    return "text"


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (Decimal, int, date)) or value is None:
        return value
    return str(value)


def pack_report(pack: Pack, computed_at: datetime, *, illustrative: bool = False) -> Report:
    """The report model of a pack: its summary, its tables, and the dates, the user's
    figures, the data used and the notes as tables of text."""
    summary = tuple(
        SummaryItem(label, _cell(value), "money" if isinstance(value, Decimal) else "text")
        for label, value in pack.summary
    )
    tables = []
    for name, cols, rows in pack.tables:
        kinds = [_kind([r[i] for r in rows], c) for i, c in enumerate(cols)]
        tables.append(
            Table(
                name.replace(" ", "_")[:28],
                name,
                tuple(Column(c, c, k) for c, k in zip(cols, kinds, strict=True)),
                tuple({c: _cell(v) for c, v in zip(cols, r, strict=True)} for r in rows),
            )
        )
    due_rows = tuple(
        {
            "report": d.report,
            "due": d.due,
            "rule": d.rule,
            "then": "; ".join(f"{w or 'late'}: {what}" for w, what in d.consequences),
        }
        for d in pack.due
    )
    if due_rows:
        tables.append(
            Table(
                "due_dates",
                "due dates (last weekday; holidays not in the data)",
                tuple(Column(k, k) for k in ("report", "due", "rule", "then")),
                due_rows,
            )
        )
    texts = [
        ("supplied by the user", pack.supplied_by_user),
        ("data used", pack.data_used),
        ("notes", pack.notes),
    ]
    for title, items in texts:
        if items:
            tables.append(
                Table(
                    title.replace(" ", "_"),
                    title,
                    (Column("text", title),),
                    tuple({"text": x} for x in items),
                )
            )
    manifest = load_manifest()
    meta = ReportMeta(
        pack.company_name,
        pack.company_rfc,
        pack.period,
        str(manifest.get("built_from") or manifest.get("as_of") or ""),
        computed_at,
        illustrative,
        "es",
        tuple(pack.warnings),
        title=TITLES.get(pack.kind, pack.kind),
    )
    return Report(
        meta, summary, (Section("pack", TITLES.get(pack.kind, pack.kind), tuple(tables)),)
    )


def write_pack(
    pack: Pack, fmt: PackFormat, out: Path, computed_at: datetime, *, illustrative: bool = False
) -> Path:
    """Write the pack as XLSX or PDF at ``out`` (a file, or a folder to put it in)."""
    report = pack_report(pack, computed_at, illustrative=illustrative)
    if out.suffix.lower() != f".{fmt}":
        out = out / f"{pack.kind.replace(' ', '_')}_{pack.company_rfc}_{pack.period[:10]}.{fmt}"
    if fmt is PackFormat.XLSX:
        return write_xlsx(report, out)
    return write_pdf(report, out)
