"""Presentation of numbers and dates (formatting only; amounts are computed elsewhere)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from immex.domain.messages import Msg
from immex.reports.i18n import t, tr
from immex.reports.model import FIGURE_DECIMALS, Column, Report, Section, SummaryItem, Table


def _group(text: str, lang: str) -> str:
    # Mexico writes 1,234.56 (same as English); kept per language for a future catalog
    return text


def fmt_value(value: Any, kind: str, lang: str = "es") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Msg):  # a message of the core: in the report's language
        return str(tr(value, lang))
    if kind == "label":  # a catalog key ("status.open"): shown in the report's language
        return t(str(value), lang)
    if kind == "money" and isinstance(value, (Decimal, int)):
        q = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return _group(f"{q:,.2f}", lang)
    if kind == "qty" and isinstance(value, (Decimal, int)):
        d = Decimal(value)
        text = f"{d:,.6f}".rstrip("0").rstrip(".") if d != d.to_integral_value() else f"{d:,.0f}"
        return _group(text, lang)
    if kind == "pct" and isinstance(value, (Decimal, int)):
        return f"{Decimal(value).normalize():f}"
    if kind == "figure" and isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        q = Decimal(value).quantize(Decimal(1).scaleb(-FIGURE_DECIMALS), ROUND_HALF_UP)
        return f"{q.normalize():f}" if q else "0"
    if kind == "int" and isinstance(value, (Decimal, int)):
        return f"{int(value):,}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(tr(value, lang)) if isinstance(value, str) else str(value)  # "RULES C-4": a rule


def with_currency(text: str, currency: str) -> str:
    """``"IGI actualizado"`` + MXN → ``"IGI actualizado (MXN)"``; unchanged when the text
    already names the currency."""
    if not currency or re.search(rf"\b{currency}\b", text):
        return text
    return f"{text} ({currency})"


def header_text(col: Column, lang: str) -> str:
    """A column's header in ``lang``, with the currency of a money column."""
    return with_currency(t(col.header, lang), col.currency)


def label_text(item: SummaryItem, lang: str) -> str:
    """A summary line's label in ``lang``, with the currency of an amount."""
    return with_currency(t(item.label, lang), item.currency)


def basis_text(report: Report, as_of: str, since: str = "") -> str:
    """The reference data's version and the date (or period) figures are as of."""
    lang, version = report.meta.lang, report.meta.data_version
    if not as_of:
        return t("report.section_version", lang, version=version)
    if since:
        return t("report.section_basis_period", lang, version=version, start=since, end=as_of)
    return t("report.section_basis", lang, version=version, as_of=as_of)


def section_basis(report: Report, section: Section) -> str:
    """What a section's figures rest on: the reference data's version and their as-of date."""
    return basis_text(report, section.as_of, section.since)


def table_basis(report: Report, table: Table) -> str:
    """A table's own basis line ("" when it shares its section's)."""
    return basis_text(report, table.as_of, table.since) if table.as_of else ""


def rules_basis(report: Report) -> str:
    """The appendix's line: the rule book's version the rules are quoted from."""
    if not report.rules_version:
        return ""
    lang = report.meta.lang
    return t("report.rules_basis", lang, version=tr(report.rules_version, lang))


#: the time zone a Mexican reader expects (hora del centro), next to UTC
MEXICO_CITY = "America/Mexico_City"


def computed_text(when: datetime, lang: str) -> str:
    """When a report was computed: UTC, said as such, and the time in central Mexico."""
    if when.tzinfo is None:  # a naive time is UTC (the workspace's clock)
        when = when.replace(tzinfo=UTC)
    utc = when.astimezone(UTC)
    try:
        local = utc.astimezone(ZoneInfo(MEXICO_CITY))
    except ZoneInfoNotFoundError:  # no time-zone database: UTC alone, said as such
        return t("report.computed_utc", lang, day=f"{utc:%Y-%m-%d}", time=f"{utc:%H:%M}")
    return t("report.computed_utc_local", lang, day=f"{utc:%Y-%m-%d}", time=f"{utc:%H:%M}",
             local_day=f"{local:%Y-%m-%d}", local_time=f"{local:%H:%M}")  # fmt: skip


def sentence(text: Any, lang: str) -> str:
    """A warning or note in ``lang`` as a sentence of a report: its first letter capital."""
    out = str(tr(text, lang))
    return out[:1].upper() + out[1:] if out[:1].islower() else out
