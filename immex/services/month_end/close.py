"""``immex report``: the month-end figures and reports of one company and month.

One way in for the CLI, the demo and any other entry point: the F4 plan, the 63-A report
and the twelve-month savings are computed by their own services (one duty context, one
connection), gathered by :func:`immex.services.reports.figures.build_report` and written by
the renderers. The caller passes the time stamp (``computed_at``): only entry points read
the clock. The demo workspace (``Workspace.demo``) is always reported as illustrative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from immex.domain.f4_plan import F4Plan, period_bounds
from immex.domain.savings import SavingsReport, savings_start
from immex.domain.series import Month
from immex.domain.usmca_63a import UsmcaReport
from immex.reports import ReportFormat, render, report_format
from immex.reports.i18n import check_lang
from immex.reports.model import Report
from immex.services.duties.f4_plan import as_month, plan_f4
from immex.services.duties.journal_portions import duty_context_of
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.reports.figures import build_report
from immex.services.workspace.context import Workspace


class MonthEndFigures(NamedTuple):
    plan: F4Plan
    usmca: UsmcaReport
    savings: SavingsReport


def month_end_figures(
    ws: Workspace, month: Month, us_duties: Path | None = None
) -> MonthEndFigures:
    """The month's F4 plan, 63-A report and twelve-month savings (one shared context)."""
    end = period_bounds(month)[1]
    with ws.read():
        ctx = duty_context_of(ws)
        plan = plan_f4(ws, month, context=ctx)
        usmca = report_63a(ws, month, us_duties, context=ctx)
        sav = savings(ws, savings_start(month), end, context=ctx)
    return MonthEndFigures(plan, usmca, sav)


def report_options(formats: Sequence[str], lang: str) -> tuple[ReportFormat, ...]:
    """The formats (each once, in order) and language of a report; clear errors otherwise."""
    check_lang(lang)
    return tuple(dict.fromkeys(report_format(f) for f in formats))


def write_reports(
    report: Report,
    formats: Sequence[ReportFormat],
    out: Path,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Path]:
    """Write ``report`` in each format into the folder ``out``: format → file written.
    ``progress(done, total)`` is called before each file and once at the end."""
    step = progress or (lambda _done, _total: None)
    files: dict[str, Path] = {}
    for i, fmt in enumerate(formats):
        step(i, len(formats))
        files[fmt.value] = render(report, fmt, out)
    step(len(formats), len(formats))
    return files


@dataclass(frozen=True, slots=True)
class MonthEndReports:
    period: str  # YYYY-MM
    files: dict[str, Path]  # format → file written
    data_version: str


def month_end_reports(
    ws: Workspace,
    period: str | Month,
    *,
    formats: Sequence[str],
    out: Path,
    computed_at: datetime,
    lang: str = "es",
    us_duties: Path | None = None,
    illustrative: bool = False,
) -> MonthEndReports:
    """Write the month's reports (Annex 24, discharge, F4, 63-A, savings, expiry) in ``formats``."""
    chosen = report_options(formats, lang)
    month = as_month(period)
    with ws.read():
        plan, usmca, sav = month_end_figures(ws, month, us_duties)
        report, _ = build_report(
            ws,
            month,
            plan=plan,
            usmca=usmca,
            sav=sav,
            computed_at=computed_at,
            lang=lang,
            illustrative=illustrative,
        )
    files = write_reports(report, chosen, out)
    return MonthEndReports(plan.period, files, report.meta.data_version)
