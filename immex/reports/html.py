"""HTML report: one self-contained page (inline CSS, charts as inline SVG, no scripts)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from immex.reports.charts import chart_svg
from immex.reports.fmt import (
    computed_text,
    fmt_value,
    header_text,
    label_text,
    rules_basis,
    section_basis,
    sentence,
    table_basis,
)
from immex.reports.i18n import t
from immex.reports.model import Report, rules_table

#: longest table shown on a page; the workbook has every row
MAX_ROWS = 300
NUMERIC = ("money", "qty", "pct", "int")

_env = Environment(
    loader=PackageLoader("immex.reports", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(report: Report, max_rows: int = MAX_ROWS) -> str:
    lang = report.meta.lang

    def tr(key: str, **fmt: Any) -> str:
        return t(key, lang, **fmt)

    def fmt(value: Any, kind: str) -> str:
        return fmt_value(value, kind, lang)

    svgs = {c.key: chart_svg(c, lang) for c in report.charts()}
    sections = [
        replace(s, tables=tuple(tb for tb in s.tables if tb.shown_in("html")))
        for s in report.sections
    ]
    rules = rules_table(report.rules) if report.rules else None
    template = _env.get_template("report.html.j2")
    return template.render(
        meta=report.meta,
        computed_at=computed_text(report.meta.computed_at, lang),
        summary=report.summary,
        sections=sections,
        svgs=svgs,
        t=tr,
        fmt=fmt,
        max_rows=max_rows,
        numeric=NUMERIC,
        header=lambda col: header_text(col, lang),
        label=lambda item: label_text(item, lang),
        basis=lambda section: section_basis(report, section),
        table_basis=lambda table: table_basis(report, table),
        rules=rules,
        rules_basis=rules_basis(report),
        sentence=lambda text: sentence(text, lang),
    )


def write_html(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
