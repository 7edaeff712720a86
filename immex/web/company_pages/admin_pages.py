"""The audit trail of a company (admins, auditors), the users of the installation (admins)
and the reference data's as-of (everyone signed in)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from immex.domain.accounts import Permission
from immex.services.accounts import access, audit_trail, users
from immex.services.refdata.status import status
from immex.web.company_pages.overview_pages import day_or_today
from immex.web.company_pages.page_access import AuditPage, PageCallerDep, shown_on_page
from immex.web.company_pages.page_render import render

router = APIRouter(include_in_schema=False)
PAGE = 200


@router.get("/c/{rfc}/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, page: AuditPage, after: int = Query(0, ge=0, le=2**31 - 1)
) -> HTMLResponse:
    entries = audit_trail.company_entries(page.ws, after_id=after, limit=PAGE + 1)
    more = len(entries) > PAGE
    entries = entries[:PAGE]
    return render(request, page.who, "audit.html", company=page.ws.the_company,
                  entries=entries, next_after=entries[-1]["id"] if more else None,
                  after=after)  # fmt: skip


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: PageCallerDep) -> HTMLResponse:
    with shown_on_page():
        ws = access.installation_workspace(who.ws, who.user, Permission.MANAGE_USERS)
    return render(request, who, "users.html", accounts=users.list_users(ws))


@router.get("/refdata", response_class=HTMLResponse)
def refdata_page(request: Request, who: PageCallerDep, as_of: str = "") -> HTMLResponse:
    day = day_or_today(as_of, who.ws.today)
    with shown_on_page():
        rows = status(who.ws, day)
    return render(request, who, "refdata.html", rows=rows, as_of=day)
