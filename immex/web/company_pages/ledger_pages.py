"""The ledger (``/c/{rfc}/ledger``: lots with balances, search, status filter, keyset
pages), one lot's page and the expiry radar — the balances of ``immex balance``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from immex.services.discharge import balances
from immex.services.ledger import lot_browser
from immex.web.company_pages.overview_pages import day_or_today
from immex.web.company_pages.page_access import PageQuery, ReadPage, cursor, shown_on_page
from immex.web.company_pages.page_render import render

router = APIRouter(include_in_schema=False)


@router.get("/c/{rfc}/ledger", response_class=HTMLResponse)
def ledger_page(
    request: Request, page: ReadPage, q: str = "", status: str = "all",
    after: str = "", as_of: str = "", within: str = "",
) -> HTMLResponse:  # fmt: skip
    position = cursor(after, "after")
    filters = [f.value for f in lot_browser.LotFilter]
    query = PageQuery(request, page, "ledger.html")
    day = query.day(as_of)
    days = query.days(within, 30)
    shown = query.choice(status, filters, "all", "status", "chosen")
    query.check(q=q, filters=filters, chosen=status, as_of=as_of, within=within or 30)
    with shown_on_page():
        chosen = lot_browser.lot_filter(shown)
        lots = lot_browser.lot_page(
            page.ws, day, search=q, status=chosen, after=position, within=days
        )
    return render(request, page.who, "ledger.html", company=page.ws.the_company, lots=lots,
                  q=q, chosen=chosen.value, as_of=day, within=days, after=position,
                  filters=filters)  # fmt: skip


@router.get("/c/{rfc}/lots/{lot_id}", response_class=HTMLResponse)
def lot_page(request: Request, page: ReadPage, lot_id: int = 0, as_of: str = "") -> HTMLResponse:
    day = day_or_today(as_of, page.ws.today)
    with shown_on_page():
        detail = lot_browser.lot_detail(page.ws, lot_id, day)
    return render(request, page.who, "lot.html", company=page.ws.the_company, lot=detail,
                  as_of=day)  # fmt: skip


@router.get("/c/{rfc}/expiry", response_class=HTMLResponse)
def expiry_page(
    request: Request, page: ReadPage, as_of: str = "", within: str = ""
) -> HTMLResponse:
    query = PageQuery(request, page, "expiry.html")
    day = query.day(as_of)
    days = query.days(within, 90)
    query.check(as_of=as_of, within=within or 90)
    with shown_on_page():
        rows, notes = balances.expiry(page.ws, days, day)
    return render(request, page.who, "expiry.html", company=page.ws.the_company, rows=rows,
                  notes=notes, as_of=day, within=days)  # fmt: skip
