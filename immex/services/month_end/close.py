"""``immex report``: the month-end reports of one company and month.

One way in for the CLI (and any other entry point): the F4 plan, the 63-A report and the
twelve-month savings are computed by their own services, gathered by
:func:`immex.services.reports.figures.build_report` and written by the renderers. The caller passes
the time stamp (``computed_at``): only entry points read the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from immex.domain.errors import InvalidInput
from immex.domain.series import Month


def months_back(month: Month, n: int) -> date:
    """The first day of the month ``n`` months before ``month``."""
    y, m = month
    for _ in range(n):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return date(y, m, 1)


def savings_start(month: Month) -> date:
    """First day of the twelve-month savings window that ends with ``month``."""
    return months_back(month, 11)


def month_end_figures(
    engine: Engine, company: Any, month: Month, us_duties: Path | None = None
) -> tuple[Any, Any, Any]:
    """The month's F4 plan, 63-A report and twelve-month savings (one shared context)."""
    from immex.services.duties.f4_plan import period_bounds, plan_f4, workspace_context
    from immex.services.duties.savings import savings
    from immex.services.duties.usmca import report_63a

    end = period_bounds(month)[1]
    ctx = workspace_context(engine)
    plan = plan_f4(engine, company, month, context=ctx)
    usmca = report_63a(engine, company, month, us_duties, context=ctx)
    sav = savings(engine, company, savings_start(month), end, context=ctx)
    return plan, usmca, sav


@dataclass(frozen=True, slots=True)
class MonthEndReports:
    period: str  # YYYY-MM
    files: dict[str, Path]  # format → file written
    data_version: str


def month_end_reports(
    engine: Engine,
    company: Any,
    period: str | Month,
    *,
    formats: Sequence[str],
    out: Path,
    computed_at: datetime,
    lang: str = "es",
    us_duties: Path | None = None,
    illustrative: bool = False,
) -> MonthEndReports:
    """Write the month's reports (Annex 24, discharge, F4, 63-A, savings, expiry) in ``formats``.

    The demo company's reports are always marked illustrative.
    """
    from immex.reports import FORMATS, render
    from immex.reports.i18n import check_lang
    from immex.samples.demo import COMPANY_RFC
    from immex.services.duties.f4_plan import parse_period
    from immex.services.reports.figures import build_report

    check_lang(lang)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InvalidInput(
            f"--format must be one of {', '.join(FORMATS)}, not {bad[0]!r}", field="format"
        )
    month = parse_period(period) if isinstance(period, str) else period
    plan, usmca, sav = month_end_figures(engine, company, month, us_duties)
    report, _ = build_report(
        engine,
        company,
        month,
        plan=plan,
        usmca=usmca,
        sav=sav,
        computed_at=computed_at,
        lang=lang,
        illustrative=illustrative or company.rfc == COMPANY_RFC,
    )
    files = {f: render(report, f, out) for f in dict.fromkeys(formats)}
    return MonthEndReports(plan.period, files, report.meta.data_version)
