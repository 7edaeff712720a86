"""What a report is, independent of its format: sections of tables and charts plus a frame.

Services compute the figures; :mod:`immex.services.reports.figures` arranges them into a
:class:`Report`; the renderers (xlsx, html, pdf) only lay it out. No business rule here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from immex.domain.messages import joined
from immex.domain.rule_cite import citation_msg, confidence_msg

#: column kinds the renderers know how to format ("figure": a trace step's value, a number
#: or a text; its number format, when the row gives one, under ``<key>_format``)
KINDS = ("text", "money", "qty", "pct", "date", "int", "label", "figure")
#: most decimals a trace figure keeps in the workbook (a quotient of the INPC, a factor)
FIGURE_DECIMALS = 10


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # row dict key
    header: str  # i18n key, e.g. "col.fraccion"
    kind: str = "text"
    currency: str = ""  # "MXN" / "USD" for a money column: shown with its header


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # sheet / section identifier (short, ascii): "entries", "f4"…
    title: str  # i18n key
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    totals: dict[str, Any] | None = None  # same keys as rows; shown as a last "Total" row
    notes: tuple[str, ...] = ()  # plain text shown under the table (already translated)
    only: tuple[str, ...] = ()  # formats that show it ("xlsx",); empty = every format
    empty: str = "report.no_rows"  # i18n key of the text shown when there are no rows
    sheet: str = ""  # i18n key of a shorter sheet name (Excel: 31 characters); "" = title
    #: the date its figures are as of, when it differs from its section's (a table that extends
    #: a section: the expiry plan, the PROSEC advisor); with ``since``, a period
    as_of: str = ""
    since: str = ""

    def shown_in(self, fmt: str) -> bool:
        return not self.only or fmt in self.only


@dataclass(frozen=True, slots=True)
class Chart:
    key: str  # "savings_by_sector", "expiry_radar", "balance_by_fraction"
    title: str  # i18n key
    labels: tuple[str, ...]
    values: tuple[Decimal, ...]
    horizontal: bool = False
    highlight: tuple[int, ...] = ()  # indexes drawn in the warning colour


@dataclass(frozen=True, slots=True)
class SummaryItem:
    label: str  # i18n key
    value: Any  # Decimal / int / str
    kind: str = "money"
    currency: str = ""  # "MXN" / "USD" for an amount: shown with its label


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str  # i18n key
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    as_of: str = ""  # the date its figures are as of: "2026-02-28" (a period's last day)
    since: str = ""  # a period's first day ("2026-02-01"): figures from ``since`` to ``as_of``


@dataclass(frozen=True, slots=True)
class CitedRule:
    """A rule of the rule book the report cites (appendix): id, text, citations, confidence."""

    id: str
    text: str
    citations: tuple[str, ...]
    confidence: str


@dataclass(frozen=True, slots=True)
class ReportMeta:
    company_name: str
    company_rfc: str
    period: str  # "2026-05"
    data_version: str  # from the reference-data manifest
    computed_at: datetime
    illustrative: bool
    lang: str = "es"
    warnings: tuple[str, ...] = ()
    #: i18n key (or text) of the title: the month-end close unless another report says so
    title: str = "report.title"


@dataclass(frozen=True, slots=True)
class Report:
    meta: ReportMeta
    summary: tuple[SummaryItem, ...]
    sections: tuple[Section, ...] = field(default=())
    rules: tuple[CitedRule, ...] = ()  # the appendix: every rule the report cites
    #: the rule book's version the appendix quotes (from the reference data's manifest)
    rules_version: str = ""

    def tables(self) -> list[Table]:
        return [tb for s in self.sections for tb in s.tables]

    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]

    def table(self, key: str) -> Table:
        for tb in self.tables():
            if tb.key == key:
                return tb
        raise KeyError(key)


def rules_table(rules: tuple[CitedRule, ...]) -> Table:
    """The appendix of a report: every rule it cites, with its text, citations, confidence."""
    cols = (
        Column("id", "col.rule"),
        Column("text", "col.rule_text"),
        Column("citations", "col.reference"),
        Column("confidence", "col.confidence"),
    )
    rows = tuple(
        {
            "id": r.id,
            "text": r.text,
            # as the reader's language writes them ("art. 4 del Decreto IMMEX", "Alta")
            "citations": joined([citation_msg(c, r.id) for c in r.citations], "; "),
            "confidence": confidence_msg(r.confidence, title=True),
        }
        for r in rules
    )
    return Table("rules", "sec.rules", cols, rows)
