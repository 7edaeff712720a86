"""The month report's section "Fracciones restringidas (Anexo I/II del Decreto IMMEX)": the
period's temporary imports and the open lots whose fracción is in Annex I or II of the IMMEX
Decree on their entry date (RULES I-5, I-10), each with its label and citation, and a note
saying which annex rows the check used (bundled and loaded)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from immex.domain.immex_annex import AnnexBook
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.reports.model import Column, Section, SummaryItem, Table
from immex.services.rates.annex_load import AnnexData

C = Column

CHECKED_AGAINST = Template(
    "report.annex_checked",
    "checked against {bundled} (RULES I-10, confidence M; in force from {bundled_from}) and "
    "{loaded}; operations already made are not refused: they are flagged for review",
)
#: the counts of the rows checked against, each in the form its number takes
N_BUNDLED = Template(
    "annex.report.n_bundled", "{n} bundled Annex I row", "{n} bundled Annex I rows"
)
N_LOADED = Template(
    "annex.report.n_loaded",
    "{n} Annex I/II row loaded into the workspace",
    "{n} Annex I/II rows loaded into the workspace",
)


def _entry_rows(entries: Sequence[dict[str, Any]], book: AnnexBook) -> tuple[dict[str, Any], ...]:
    rows = []
    for e in entries:
        day = e["entry_date"]
        flag = book.lot_flag(e["clave"], e["fraccion"], day) if isinstance(day, date) else None
        if flag is not None:
            rows.append({**{k: e[k] for k in ("pedimento", "clave", "entry_date", "part",
                                               "fraccion", "quantity", "umc", "value_usd")},
                         "annex": flag.label, "annex_reason": flag.message})  # fmt: skip
    return tuple(rows)


def _data_note(data: AnnexData) -> str:
    dates = ", ".join(sorted({r.valid_from.isoformat() for r in data.bundled})) or "-"
    # the loaded rows by their count (a file's name is where the user kept it, not a source)
    return CHECKED_AGAINST(bundled=N_BUNDLED(n=len(data.bundled)), bundled_from=dates,
                           loaded=N_LOADED(n=len(data.loaded)))  # fmt: skip


def annex_section(led: dict[str, Any], data: AnnexData) -> Section:
    """The section from the ledger figures of the period (``ledger_tables``)."""
    entries = _entry_rows(led["entries"], data.book)
    open_lots = tuple(b for b in led["balances"] if b.get("annex"))
    reason = C("annex_reason", "col.annex_reason")
    entries_table = Table(
        # the period's lines, under the section's own title (the XLSX sheet's name)
        "annex_entries", "sec.annex",
        (C("pedimento", "col.pedimento"), C("clave", "col.clave"),
         C("entry_date", "col.date", "date"), C("part", "col.part"),
         C("fraccion", "col.fraccion"), C("quantity", "col.quantity", "qty"), C("umc", "col.umc"),
         C("value_usd", "col.value_usd", "money", "USD"), C("annex", "col.annex"), reason),
        entries, {"value_usd": sum((r["value_usd"] for r in entries), ZERO)},
        (_data_note(data),), empty="report.no_annex", sheet="sheet.annex",
    )  # fmt: skip
    open_table = Table(
        "annex_open", "sec.annex_open",
        (C("pedimento", "col.pedimento"), C("part", "col.part"), C("fraccion", "col.fraccion"),
         C("entry_date", "col.entry_date", "date"), C("limit_date", "col.limit_date", "date"),
         C("open_qty", "col.open_qty", "qty"), C("umc", "col.umc"),
         C("value_usd", "col.open_value", "money", "USD"),
         C("value_mxn", "col.value_mxn", "money", "MXN"), C("annex", "col.annex"), reason),
        open_lots,
        {"value_usd": sum((r["value_usd"] for r in open_lots), ZERO),
         "value_mxn": sum((r["value_mxn"] for r in open_lots), ZERO)},
        empty="report.no_annex", sheet="sheet.annex_open",
    )  # fmt: skip
    return Section("annex", "sec.annex", (entries_table, open_table))


def annex_summary(section: Section) -> tuple[SummaryItem, ...]:
    """A summary line with the flagged open lots, only when there are some."""
    open_lots = next(t for t in section.tables if t.key == "annex_open")
    if not open_lots.rows:
        return ()
    return (SummaryItem("sum.annex_open_lots", len(open_lots.rows), "int"),)
