"""The compliance team's pages (issue 12): the company picker and, under ``/c/{rfc}/``,
the month's work — each route one service call on the workspace of the signed-in user."""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from immex.api.v1.errors import HTTP_STATUS
from immex.reports.i18n import tr
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
from immex.web.company_pages.page_render import STATIC, page_lang, render

#: a standard HTTP answer on a page (the page's word for it)
PAGE_STATUS = {404: "page_not_found", 405: "not_allowed"}


def wants_page(request: Request) -> bool:
    """A browser asking for a page (``Accept: text/html``), not a client of the API."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


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

    api_answer = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        """An unknown page (404) or a method a page does not take (405): the problem page
        in the page's language for a browser; for anyone else JSON with the message in the
        page's language (the API's answers under ``/api/`` stay the API's)."""
        key = PAGE_STATUS.get(exc.status_code)
        if key is None or request.url.path.startswith("/api/"):
            answered = api_answer(request, exc)
            return await answered if inspect.isawaitable(answered) else answered
        if wants_page(request):
            try:
                who = page_caller(request)
            except SignInFirst:
                who = None
            return render(request, who, "problem.html", exc.status_code,
                          problem=PageProblem(exc.status_code, key))  # fmt: skip
        message = HTTP_STATUS[exc.status_code]
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": str(tr(message(), page_lang(request))), "code": message.key},
            headers=getattr(exc, "headers", None),
        )

    api_invalid = app.exception_handlers.get(
        RequestValidationError, request_validation_exception_handler
    )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        """A page's address that does not read (``/lots/abc``: 404) or a value FastAPI
        refuses (400): the problem page for a browser; anyone else as before."""
        if not wants_page(request):
            answered = api_invalid(request, exc)
            return await answered if inspect.isawaitable(answered) else answered
        in_path = any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors())
        status, key = (404, "page_not_found") if in_path else (400, "bad_input")
        try:
            who = page_caller(request)
        except SignInFirst:
            who = None
        return render(request, who, "problem.html", status, problem=PageProblem(status, key))

    app.mount("/static/pages", StaticFiles(directory=STATIC), name="pages-static")
    for module in ROUTERS:
        app.include_router(module.router)
    before = len(app.router.routes)
    app.include_router(overview_pages.home)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added  # the picker answers / before the reference search
