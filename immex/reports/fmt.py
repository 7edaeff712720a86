"""Presentation of numbers and dates (formatting only; amounts are computed elsewhere)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from immex.reports.i18n import t


def _group(text: str, lang: str) -> str:
    # Mexico writes 1,234.56 (same as English); kept per language for a future catalog
    return text


def fmt_value(value: Any, kind: str, lang: str = "es") -> str:
    if value is None or value == "":
        return ""
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
    return str(value)
