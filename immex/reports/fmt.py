"""Presentation of numbers and dates (formatting only; amounts are computed elsewhere)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from immex.domain.messages import Msg
from immex.reports.i18n import t, tr
from immex.reports.model import Column, Report, Section, SummaryItem


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


def section_basis(report: Report, section: Section) -> str:
    """What a section's figures rest on: the reference data's version and their as-of date."""
    lang = report.meta.lang
    if not section.as_of:
        return t("report.section_version", lang, version=report.meta.data_version)
    return t("report.section_basis", lang, version=report.meta.data_version, as_of=section.as_of)
