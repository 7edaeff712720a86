"""The discharge page (``/c/{rfc}/discharge``): start a run (a background job, as
``POST /api/v1/…/discharge-runs``), watch it, the history of runs, a run's shortfalls,
expired lots, shipments without a BOM and its journal a page at a time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from immex.api.v1.auth import server_of
from immex.domain.errors import ImmexError
from immex.reports.i18n import tr
from immex.services import inputs as formats
from immex.services.discharge.run_history import (
    journal_page,
    run_detail,
    run_history,
    superseded_by,
)
from immex.services.discharge.runs import PARAMETERS_HEADING, described_parameters
from immex.services.jobs import queue
from immex.web.company_pages.page_access import (
    NO_JOB,
    CompanyPage,
    OperateForm,
    PageProblem,
    ReadPage,
    cursor,
    shown_on_page,
)
from immex.web.company_pages.page_render import page_lang, render

router = APIRouter(include_in_schema=False)
JobId = Query(ge=1, le=2**31 - 1)


def _discharge(request: Request, page: CompanyPage, status: int = 200, **ctx: Any) -> HTMLResponse:
    runs, current = run_history(page.ws)
    return render(request, page.who, "discharge.html", status, company=page.ws.the_company,
                  can_operate=page.can_operate, runs=runs, current=current,
                  superseded_by=superseded_by(runs), **ctx)  # fmt: skip


@router.get("/c/{rfc}/discharge", response_class=HTMLResponse)
def discharge_page(request: Request, page: ReadPage) -> HTMLResponse:
    return _discharge(request, page)


@router.post("/c/{rfc}/discharge", response_model=None)
def discharge_start(
    request: Request, page: OperateForm, through: Annotated[str, Form()] = ""
) -> RedirectResponse | HTMLResponse:
    """Queue a run (a background job) and follow it; a date that does not read is shown
    next to its field."""
    try:
        day = formats.parse_date(through or None, "through")
    except ImmexError as exc:
        message = str(tr(exc.message, page_lang(request)))
        return _discharge(request, page, 400, form_errors={"run": {"through": message}},
                          through=through)  # fmt: skip
    with shown_on_page():
        job = queue.submit(page.ws, queue.JobKind.DISCHARGE_RUN,
                           {"through": day.isoformat() if day else None})  # fmt: skip
    server_of(request).dispatch(job.id)
    rfc = page.ws.the_company.rfc
    return RedirectResponse(f"/c/{rfc}/jobs/{job.id}", status_code=303)


@router.get("/c/{rfc}/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, page: ReadPage, job_id: int) -> HTMLResponse:
    with shown_on_page():
        job = queue.job_for(page.who.ws, page.who.user, job_id)
    if job.company_id != page.ws.the_company.id:
        raise PageProblem(404, "not_found", NO_JOB(job_id=job_id))
    return render(request, page.who, "job.html", company=page.ws.the_company,
                  job=job.public(), can_operate=page.can_operate)  # fmt: skip


@router.get("/c/{rfc}/discharge/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, page: ReadPage, run_id: int, offset: str = "") -> HTMLResponse:
    """A run: its summary, shortfalls, expired lots and its journal a page at a time
    (``?offset=``)."""
    with shown_on_page():
        detail = run_detail(page.ws, run_id)
        journal = journal_page(page.ws, run_id, cursor(offset, "offset"))
        runs, _current = run_history(page.ws)
    return render(request, page.who, "run.html", company=page.ws.the_company, detail=detail,
                  journal=journal, parameters=described_parameters(detail.run.parameters),
                  parameters_heading=PARAMETERS_HEADING(),
                  replaced_by=superseded_by(runs).get(run_id))  # fmt: skip
