"""Report renderers: Excel (openpyxl), HTML (Jinja2 + inline SVG charts), PDF (reportlab).

``render(report, fmt, out_dir)`` writes one file and returns its path; the figures come
from services (see :mod:`immex.services.reports.figures`), never from the renderers.
"""

from __future__ import annotations

import enum
from pathlib import Path

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.reports.model import Report

BAD_FORMAT = Template("report.bad_format", "--format must be one of {items}, not {fmt}")
CANNOT_WRITE = Template(
    "report.cannot_write",
    "--out {out_dir}: cannot write {name} ({value}); choose a folder you can write to",
)


class ReportFormat(enum.StrEnum):
    """The file formats a report is written in."""

    XLSX = "xlsx"
    HTML = "html"
    PDF = "pdf"


FORMATS = tuple(f.value for f in ReportFormat)


def report_format(fmt: str) -> ReportFormat:
    """The format named by ``--format``; a clear error for any other."""
    try:
        return ReportFormat(fmt)
    except ValueError:
        raise InvalidInput(
            BAD_FORMAT(items=", ".join(FORMATS), fmt=repr(fmt)), field="format"
        ) from None


def file_name(report: Report, fmt: str) -> str:
    rfc = report.meta.company_rfc.lower()
    return f"immex-{rfc}-{report.meta.period}-{report.meta.lang}.{fmt}"


def render(report: Report, fmt: str, out_dir: Path) -> Path:
    chosen = report_format(fmt)
    path = Path(out_dir) / file_name(report, chosen)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # before any work: fail early and clean
        return _write(report, chosen, path)
    except OSError as exc:
        raise InvalidInput(
            CANNOT_WRITE(out_dir=out_dir, name=path.name, value=exc.strerror or exc),
            field="out",
        ) from None


def _write(report: Report, fmt: ReportFormat, path: Path) -> Path:
    # the renderers are imported when used: each pulls a large library (openpyxl, Jinja2 and
    # matplotlib, reportlab)
    if fmt is ReportFormat.XLSX:
        from immex.reports.xlsx import write_xlsx

        return write_xlsx(report, path)
    if fmt is ReportFormat.HTML:
        from immex.reports.html import write_html

        return write_html(report, path)
    from immex.reports.pdf import write_pdf

    return write_pdf(report, path)
