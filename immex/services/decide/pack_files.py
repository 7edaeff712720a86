"""A program pack (:class:`immex.domain.program_packs.Pack`) as an XLSX workbook or a PDF:
the month-end renderers (:mod:`immex.reports`) lay out a report model built here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from immex.domain.messages import Template
from immex.domain.program_packs import Pack
from immex.refdata.bundled import load_manifest
from immex.reports.i18n import tr
from immex.reports.model import Column, Report, ReportMeta, Section, SummaryItem, Table
from immex.reports.pdf import write_pdf
from immex.reports.xlsx import write_xlsx

TITLES = {
    "annual-report immex": Template(
        "pack.title.immex", "Annual report of foreign-trade operations (IMMEX)"
    ),
    "annual-report prosec": Template(
        "pack.title.prosec", "Annual report of foreign-trade operations (PROSEC)"
    ),
    "prosec application": Template("pack.title.application", "Data for a PROSEC application"),
}
YES = Template("pack.yes", "yes")
NO = Template("pack.no", "no")
LATE = Template("pack.late", "late")
DUE_TITLE = Template("pack.due_title", "due dates (last weekday; holidays not in the data)")
TEXT_TITLES = {
    "supplied": Template("pack.supplied", "supplied by the user"),
    "data_used": Template("pack.data_used", "data used"),
    "notes": Template("pack.notes", "notes"),
}
#: the columns of the packs' tables (the JSON keeps the identifiers)
COLUMNS = {
    name: Template(f"pack.col.{name}", english)
    for name, english in (
        ("destination", "Destination"),
        ("lines", "Lines"),
        ("value_usd", "Value (USD)"),
        ("value_mxn", "Value (MXN)"),
        ("regime", "Regime"),
        ("key", "Pedimento key"),
        ("prosec_sector", "PROSEC sector"),
        ("fraccion", "Fracción"),
        ("products", "Products"),
        ("quantity", "Quantity"),
        ("product", "Product"),
        ("parts", "Parts"),
        ("sector_rate", "Sector rate"),
        ("mfn_rate", "General rate (MFN)"),
        ("acotacion", "Acotación"),
        ("lots_12m", "Lots, 12 months"),
        ("quantity_12m", "Quantity, 12 months"),
        ("value_usd_12m", "Value (USD), 12 months"),
        ("report", "Report"),
        ("due", "Due"),
        ("rule", "Rule"),
        ("then", "Consequences"),
        ("text", "Text"),
    )
}


def _say(text: Any, lang: str) -> str:
    return str(tr(text, lang))


def _col(name: str, lang: str) -> str:
    return _say(COLUMNS[name](), lang) if name in COLUMNS else name


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


def _cell(value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return _say((YES if value else NO)(), lang)
    if isinstance(value, (Decimal, int, date)) or value is None:
        return value
    return _say(value, lang)


def pack_report(
    pack: Pack, computed_at: datetime, *, illustrative: bool = False, lang: str = "es"
) -> Report:
    """The report model of a pack in ``lang``: its summary, its tables, and the dates, the
    user's figures, the data used and the notes as tables of text."""
    summary = tuple(
        SummaryItem(
            _say(label, lang), _cell(value, lang), "money" if isinstance(value, Decimal) else "text"
        )
        for label, value in pack.summary
    )
    tables = []
    for name, cols, rows in pack.tables:
        kinds = [_kind([r[i] for r in rows], c) for i, c in enumerate(cols)]
        tables.append(
            Table(
                str(name).replace(" ", "_")[:28],
                _say(name, lang),
                tuple(Column(c, _col(c, lang), k) for c, k in zip(cols, kinds, strict=True)),
                tuple({c: _cell(v, lang) for c, v in zip(cols, r, strict=True)} for r in rows),
            )
        )
    late = _say(LATE(), lang)
    due_rows = tuple(
        {
            "report": _say(d.report, lang),
            "due": d.due,
            "rule": _say(d.rule, lang),
            "then": "; ".join(f"{w or late}: {_say(what, lang)}" for w, what in d.consequences),
        }
        for d in pack.due
    )
    if due_rows:
        tables.append(
            Table(
                "due_dates",
                _say(DUE_TITLE(), lang),
                tuple(Column(k, _col(k, lang)) for k in ("report", "due", "rule", "then")),
                due_rows,
            )
        )
    texts = [
        ("supplied", pack.supplied_by_user),
        ("data_used", pack.data_used),
        ("notes", pack.notes),
    ]
    for key, items in texts:
        if items:
            title = _say(TEXT_TITLES[key](), lang)
            tables.append(
                Table(
                    key,
                    title,
                    (Column("text", title),),
                    tuple({"text": _say(x, lang)} for x in items),
                )
            )
    manifest = load_manifest()
    title = _say(TITLES[pack.kind](), lang) if pack.kind in TITLES else pack.kind
    meta = ReportMeta(
        pack.company_name,
        pack.company_rfc,
        pack.period,
        str(manifest.get("built_from") or manifest.get("as_of") or ""),
        computed_at,
        illustrative,
        lang,
        tuple(_say(w, lang) for w in pack.warnings),
        title=title,
    )
    return Report(meta, summary, (Section("pack", title, tuple(tables)),))


def write_pack(
    pack: Pack,
    fmt: PackFormat,
    out: Path,
    computed_at: datetime,
    *,
    illustrative: bool = False,
    lang: str = "es",
) -> Path:
    """Write the pack as XLSX or PDF at ``out`` (a file, or a folder to put it in), in
    ``lang``."""
    report = pack_report(pack, computed_at, illustrative=illustrative, lang=lang)
    if out.suffix.lower() != f".{fmt}":
        out = out / f"{pack.kind.replace(' ', '_')}_{pack.company_rfc}_{pack.period[:10]}.{fmt}"
    if fmt is PackFormat.XLSX:
        return write_xlsx(report, out)
    return write_pdf(report, out)
