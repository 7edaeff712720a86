"""The compliance team's pages (issue 12): the company picker and, under ``/c/{rfc}/``,
the month's work — each route one service call on the workspace of the signed-in user."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from immex.web.company_pages import (
    admin_pages,
    discharge_pages,
    imports_pages,
    ledger_pages,
    month_pages,
    overview_pages,
    tariff_pages,
    whatif_pages,
)
from immex.web.company_pages.page_access import (
    AnsweredPage,
    PageProblem,
    SignInFirst,
    page_caller,
)
from immex.web.company_pages.page_render import STATIC, render

ROUTERS = (
    admin_pages, overview_pages, ledger_pages, month_pages, imports_pages, discharge_pages,
    tariff_pages, whatif_pages,
)  # fmt: skip


def install(app: FastAPI) -> None:
    """Add the pages to the site; ``/`` becomes the company picker (the tariff search
    moves to ``/tariff``)."""

    @app.exception_handler(SignInFirst)
    async def _sign_in(_request: Request, exc: SignInFirst) -> Response:
        return RedirectResponse(exc.target, status_code=303)

    @app.exception_handler(AnsweredPage)
    async def _answered(_request: Request, exc: AnsweredPage) -> Response:
        return exc.response

    @app.exception_handler(PageProblem)
    async def _problem(request: Request, exc: PageProblem) -> HTMLResponse:
        try:
            who = page_caller(request)
        except SignInFirst:
            who = None
        return render(request, who, "problem.html", exc.status, problem=exc)

    app.mount("/static/pages", StaticFiles(directory=STATIC), name="pages-static")
    for module in ROUTERS:
        app.include_router(module.router)
    before = len(app.router.routes)
    app.include_router(overview_pages.home)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added  # the picker answers / before the reference search
