"""The month's figures: the F4 plan with each line's trace, 63-A, savings and the month
report's downloads (XLSX/HTML/PDF) — the services ``immex f4 plan``, ``immex 63a``,
``immex savings`` and ``immex report`` call."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.background import BackgroundTask

from immex.domain.f4_plan import period_bounds
from immex.domain.money import ZERO
from immex.domain.savings import savings_start
from immex.services.duties.f4_plan import parse_period, plan_f4
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.inputs import jsonable
from immex.services.month_end.close import month_end_reports
from immex.services.reports.duty_sections import usmca_split
from immex.web.company_pages.page_access import (
    NO_F4_LINE,
    NOT_A_CHOICE,
    PageProblem,
    PageQuery,
    ReadPage,
    shown_on_page,
)
from immex.web.company_pages.page_render import page_lang, render

router = APIRouter(include_in_schema=False)
DOWNLOADS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf", "html": "text/html; charset=utf-8"}  # fmt: skip


def _month(request: Request, page: ReadPage, text: str, template: str, **ctx: object) -> str:
    """The page's ``period``: a bad one answers with the page's own form and the error."""
    query = PageQuery(request, page, template)
    month = query.period(text)
    query.check(**ctx)
    return month


@router.get("/c/{rfc}/f4", response_class=HTMLResponse)
def f4_page(request: Request, page: ReadPage, period: str = "") -> HTMLResponse:
    month = _month(request, page, period, "f4.html")
    with shown_on_page():
        plan = plan_f4(page.ws, month)
    return render(request, page.who, "f4.html", company=page.ws.the_company, plan=plan,
                  period=month)  # fmt: skip


@router.get("/c/{rfc}/f4/lines/{number}", response_class=HTMLResponse)
def f4_line_page(request: Request, page: ReadPage, number: int, period: str = "") -> HTMLResponse:
    month = _month(request, page, period, "f4_line.html", line=None, number=number)
    with shown_on_page():
        plan = plan_f4(page.ws, month)
    lines = [ln for ln in plan.to_dict(traces=True)["lines"] if ln["line"] == number]
    if not lines:
        raise PageProblem(404, "not_found", NO_F4_LINE(number=number, month=month))
    line = jsonable(lines[0])
    return render(request, page.who, "f4_line.html", company=page.ws.the_company,
                  line=line, period=month, number=number)  # fmt: skip


@router.get("/c/{rfc}/63a", response_class=HTMLResponse)
def usmca_page(request: Request, page: ReadPage, period: str = "") -> HTMLResponse:
    month = _month(request, page, period, "usmca.html")
    with shown_on_page():
        report = report_63a(page.ws, month, None)
    # the engine's "exemption" in its two parts, as the month report splits it: the IGI of the
    # T-MEC-originating inputs (not owed, RULES U-4) and the reduction by the US/CA duty
    # (T-MEC 2.5); the same sums as the report's 63-A columns
    split = usmca_split(report)
    parts = {d.document: dict(zip(("originating", "reduction"),
                                  split.get(d.document, (ZERO, ZERO)), strict=True))
             for d in report.documents}  # fmt: skip
    totals = {k: sum((p[k] for p in parts.values()), ZERO) for k in ("originating", "reduction")}
    return render(request, page.who, "usmca.html", company=page.ws.the_company,
                  report=report, period=month, exemption_parts=parts,
                  exemption_totals=totals)  # fmt: skip


@router.get("/c/{rfc}/savings", response_class=HTMLResponse)
def savings_page(request: Request, page: ReadPage, period: str = "") -> HTMLResponse:
    month = _month(request, page, period, "savings.html")
    with shown_on_page():
        parsed = parse_period(month)
        report = savings(page.ws, savings_start(parsed), period_bounds(parsed)[1])
    return render(request, page.who, "savings.html", company=page.ws.the_company,
                  report=jsonable(report.to_dict()), period=month)  # fmt: skip


@router.get("/c/{rfc}/reports", response_class=HTMLResponse)
def reports_page(request: Request, page: ReadPage, period: str = "") -> HTMLResponse:
    return render(request, page.who, "reports.html", company=page.ws.the_company,
                  period=_month(request, page, period, "reports.html", formats=list(DOWNLOADS)),
                  formats=list(DOWNLOADS))  # fmt: skip


@router.get("/c/{rfc}/reports/download")
def report_download(
    request: Request, page: ReadPage, period: str = "", format: str = "xlsx"
) -> FileResponse:
    """The month report in one format (a viewer may download: reading is enough)."""
    month = _month(request, page, period, "reports.html", formats=list(DOWNLOADS))
    if format not in DOWNLOADS:
        choices = ", ".join(DOWNLOADS)
        raise PageProblem(400, "bad_input", NOT_A_CHOICE(choices=choices, value=repr(format)))
    folder = Path(tempfile.mkdtemp(prefix="immex-report-"))
    try:
        with shown_on_page():
            written = month_end_reports(
                page.ws, month, formats=[format], out=folder, computed_at=page.ws.now(),
                lang=page_lang(request), illustrative=page.ws.demo,
            )  # fmt: skip
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    path = written.files[format]
    name = f"immex-{page.ws.the_company.rfc}-{month}.{format}"
    return FileResponse(path, media_type=DOWNLOADS[format], filename=name,
                        background=BackgroundTask(shutil.rmtree, folder, True))  # fmt: skip
