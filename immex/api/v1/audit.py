"""The audit trail (admins and auditors), who the caller is and the language they chose."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from immex.api.v1.auth import AuditWs, CallerDep
from immex.domain.accounts import Permission
from immex.services.accounts import access, audit_trail, users
from immex.services.inputs import jsonable

router = APIRouter(tags=["audit"])

FormatQuery = Query("json", description="json, csv or xlsx (a download).")


def _answer(entries: list[dict[str, Any]], fmt: str, name: str) -> Any:
    if fmt == "json":
        return jsonable(entries)
    export = audit_trail.ExportFormat(fmt)
    return Response(
        content=audit_trail.export(entries, export),
        media_type=audit_trail.MEDIA_TYPES[export],
        headers={"Content-Disposition": f'attachment; filename="{name}.{export.value}"'},
    )


@router.get("/companies/{rfc}/audit")
def company_audit(
    ws: AuditWs,
    after_id: int = Query(0, ge=0, le=2**31 - 1, description="Only entries after this id."),
    limit: int = Query(1000, ge=1, le=100_000),
    format: str = Query("json", pattern="^(json|csv|xlsx)$"),
) -> Any:
    """When, actor, company, action, object, outcome of every change to the company."""
    entries = audit_trail.company_entries(ws, after_id=after_id, limit=limit)
    return _answer(entries, format, f"audit-{ws.the_company.rfc.lower()}")


@router.get("/audit")
def installation_audit(
    who: CallerDep,
    after_id: int = Query(0, ge=0, le=2**31 - 1),
    limit: int = Query(1000, ge=1, le=100_000),
    format: str = Query("json", pattern="^(json|csv|xlsx)$"),
) -> Any:
    """Entries of no company (users, grants, tokens, sign-ins): admins of every company."""
    ws = access.installation_workspace(who.ws, who.user, Permission.MANAGE_USERS)
    return _answer(audit_trail.installation_entries(ws, after_id=after_id, limit=limit), format,
                   "audit-installation")  # fmt: skip


@router.get("/me")
def me(who: CallerDep) -> dict[str, Any]:
    """The caller, their grants and (signed in with the cookie) the session's CSRF token."""
    return {
        "email": who.user.email,
        "display_name": who.user.display_name,
        "expires_on": who.user.expires_on,
        "language": who.user.language or users.LANGUAGES[0],
        "grants": [{"role": g.role.value, "company": g.company_rfc or "*"}
                   for g in who.user.grants],
        "csrf_token": who.session.csrf_token if who.session else None,
    }  # fmt: skip


class LanguageBody(BaseModel):
    language: str = Field(description="es (Spanish, the default) or en.")


@router.put("/me/language")
def me_language(who: CallerDep, body: LanguageBody) -> dict[str, str]:
    """The language the caller's pages are shown in, remembered in their account (audited);
    400 for a language other than es or en."""
    user = users.set_language(who.ws, who.user, body.language)
    return {"email": user.email, "language": user.language or users.LANGUAGES[0]}
