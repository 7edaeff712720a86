"""The company picker (``/``) and the dashboard (``/c/{rfc}/``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from immex.services import inputs as formats
from immex.services.accounts import access
from immex.services.month_end.dashboard import dashboard, month_to_close
from immex.web.company_pages.page_access import PageCallerDep, PageQuery, ReadPage, shown_on_page
from immex.web.company_pages.page_render import render

router = APIRouter(include_in_schema=False)
#: ``/``: installed ahead of the reference search of create_app
home = APIRouter(include_in_schema=False)


def day_or_today(text: str | None, today: date, field: str = "as_of") -> date:
    with shown_on_page():
        return formats.parse_date(text or None, field) or today


@home.get("/", response_class=HTMLResponse)
def picker(request: Request, who: PageCallerDep, q: str = "") -> Response:
    if q:
        return RedirectResponse(f"/tariff?q={q}", status_code=303)
    companies = access.visible_companies(who.ws, who.user)
    if len(companies) == 1:
        return RedirectResponse(f"/c/{companies[0].rfc}/", status_code=303)
    return render(request, who, "picker.html", companies=companies)


@router.get("/c/{rfc}/", response_class=HTMLResponse)
def dashboard_page(request: Request, page: ReadPage, as_of: str = "") -> HTMLResponse:
    query = PageQuery(request, page, "dashboard.html")
    day = query.day(as_of)
    query.check(as_of=as_of)
    with shown_on_page():
        board = dashboard(page.ws, day, month_to_close(day))
    top = max((m["value_mxn"] for m in board.radar["months"]), default=0) or 1
    return render(request, page.who, "dashboard.html", company=page.ws.the_company, page=page,
                  board=board, top=top, as_of=day)  # fmt: skip
