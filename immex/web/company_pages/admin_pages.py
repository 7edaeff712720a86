"""The audit trail of a company (admins, auditors), the users of the installation (admins:
add, grant or revoke a company's role, set an expiry, disable, enable — the services of
``immex user …``, each change audited, each form with the session's CSRF token, each error
in the page's language next to its field) and the reference data: the as-of of every source
(everyone signed in) and, for specialists and admins, a newer file checked by a dry run,
then loaded (the services of ``immex rates load``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from immex.api.v1.auth import Caller, check_csrf
from immex.domain.accounts import Forbidden, Permission, Role
from immex.domain.errors import BatchError, ImmexError
from immex.reports.i18n import tr
from immex.services import inputs as formats
from immex.services.accounts import access, audit_trail, users
from immex.services.rates.batches import file_digest
from immex.services.refdata import uploads
from immex.services.refdata.status import status
from immex.web.company_pages.overview_pages import day_or_today
from immex.web.company_pages.page_access import (
    AuditPage,
    PageCallerDep,
    PageProblem,
    cursor,
    shown_on_page,
)
from immex.web.company_pages.page_render import page_lang, render
from immex.web.company_pages.page_texts import page_texts

router = APIRouter(include_in_schema=False)
PAGE = 200
USERS = "/admin/users"
FormText = Annotated[str, Form()]
#: the forms of /admin/users and the fields their errors go next to (others: the form's)
FORM_FIELDS = {
    "add": ("email", "role", "company", "password", "expires", "display_name"),
    "grant": ("email", "company", "role"),
    "revoke": ("email", "company"),
    "expiry": ("email", "expires"),
    "disable": ("email",),
    "enable": ("email",),
}
#: the notice shown after each change (page words)
DONE = {"add": "user_added", "grant": "granted", "revoke": "revoked", "expiry": "expiry_set",
        "disable": "disabled_ok", "enable": "enabled_ok"}  # fmt: skip


@router.get("/c/{rfc}/audit", response_class=HTMLResponse)
def audit_page(request: Request, page: AuditPage, after: str = "") -> HTMLResponse:
    position = cursor(after, "after", 2**31 - 1)
    entries = audit_trail.company_entries(page.ws, after_id=position, limit=PAGE + 1)
    more = len(entries) > PAGE
    entries = entries[:PAGE]
    return render(request, page.who, "audit.html", company=page.ws.the_company,
                  entries=entries, next_after=entries[-1]["id"] if more else None,
                  after=position)  # fmt: skip


def _admin(who: Caller) -> Caller:
    with shown_on_page():
        ws = access.installation_workspace(who.ws, who.user, Permission.MANAGE_USERS)
    return Caller(who.user, ws, who.session)


def _admin_form(who: PageCallerDep, csrf_token: FormText = "") -> Caller:
    """A form of /admin/users: an admin of every company (403 otherwise) with the session's
    CSRF token (403 otherwise)."""
    admin = _admin(who)
    assert who.session is not None
    try:
        check_csrf(who.session, csrf_token)
    except Forbidden:
        raise PageProblem(403, "csrf") from None
    return admin


AdminForm = Annotated[Caller, Depends(_admin_form)]


def _users_page(
    request: Request, admin: Caller, status_code: int = 200, **ctx: Any
) -> HTMLResponse:
    ctx.setdefault("form_errors", {})
    ctx.setdefault("values", {})
    other = "es" if page_lang(request) == "en" else "en"
    ctx.setdefault("lang_url", f"{USERS}?lang={other}")  # after a form's POST too
    done = request.query_params.get("done")
    return render(
        request, admin, "users.html", status_code, accounts=users.list_users(admin.ws),
        companies=access.visible_companies(admin.ws, admin.user), roles=[r.value for r in Role],
        notice=DONE.get(done or ""), done_email=request.query_params.get("email", ""), **ctx,
    )  # fmt: skip


@router.get(USERS, response_class=HTMLResponse)
def users_page(request: Request, who: PageCallerDep) -> HTMLResponse:
    return _users_page(request, _admin(who))


def _change(
    request: Request, admin: Caller, form: str, key: str, email: str,
    change: Callable[[], Any], values: dict[str, Any],
) -> Response:  # fmt: skip
    """Run one change; its error goes next to the field it names (400), in the page's
    language; done: back to the list with a notice (303)."""
    try:
        change()
    except ImmexError as exc:
        field = exc.field if exc.field in FORM_FIELDS[form] else "form"
        message = str(tr(exc.message, page_lang(request)))
        return _users_page(request, admin, 400, form_errors={key: {field: message}},
                           values={key: values})  # fmt: skip
    target = f"{USERS}?done={form}&email={email.strip().lower()}"
    return RedirectResponse(target, status_code=303)


def _day(text: str, field: str) -> date | None:
    return formats.parse_date(text.strip() or None, field)


@router.post(USERS)
def user_add(
    request: Request, admin: AdminForm, email: FormText = "", role: FormText = "",
    company: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI reads it, never mutated
    password: FormText = "", expires: FormText = "", display_name: FormText = "",
) -> Response:  # fmt: skip
    values = {"email": email, "role": role, "company": company, "expires": expires,
              "display_name": display_name}  # fmt: skip
    return _change(
        request, admin, "add", "add", email,
        lambda: users.add_user(
            admin.ws, email, role, [c for c in company if c], password=password or None,
            expires_on=_day(expires, "expires"), display_name=display_name.strip() or None,
        ),
        values,
    )  # fmt: skip


@router.post(f"{USERS}/grant")
def user_grant(
    request: Request, admin: AdminForm, email: FormText = "", company: FormText = "",
    role: FormText = "",
) -> Response:  # fmt: skip
    values = {"email": email, "company": company, "role": role}
    return _change(request, admin, "grant", "grant", email,
                   lambda: users.grant(admin.ws, email, company or None, role), values)  # fmt: skip


@router.post(f"{USERS}/revoke")
def user_revoke(
    request: Request, admin: AdminForm, email: FormText = "", company: FormText = ""
) -> Response:
    key = f"revoke-{email}-{company or '*'}"
    return _change(request, admin, "revoke", key, email,
                   lambda: users.revoke(admin.ws, email, company or None), {})  # fmt: skip


@router.post(f"{USERS}/expiry")
def user_expiry(
    request: Request, admin: AdminForm, email: FormText = "", expires: FormText = ""
) -> Response:
    key = f"expiry-{email}"
    return _change(
        request, admin, "expiry", key, email,
        lambda: users.set_expiry(admin.ws, email, _day(expires, "expires")), {"expires": expires},
    )  # fmt: skip


@router.post(f"{USERS}/disable")
def user_disable(request: Request, admin: AdminForm, email: FormText = "") -> Response:
    key = f"disable-{email}"
    return _change(request, admin, "disable", key, email,
                   lambda: users.disable_user(admin.ws, email), {})  # fmt: skip


@router.post(f"{USERS}/enable")
def user_enable(request: Request, admin: AdminForm, email: FormText = "") -> Response:
    """A disabled account signs in again (the tokens it had stay revoked)."""
    key = f"enable-{email}"
    return _change(request, admin, "enable", key, email,
                   lambda: users.enable_user(admin.ws, email), {})  # fmt: skip


def _refdata(request: Request, who: Caller, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    day = day_or_today(request.query_params.get("as_of", ""), who.ws.today)
    with shown_on_page():
        rows = status(who.ws, day)
    for key in ("result", "errors", "failure", "checked", "values"):
        ctx.setdefault(key, None)
    return render(request, who, "refdata.html", status_code, rows=rows, as_of=day,
                  can_load=access.may_load_reference_data(who.user), kinds=uploads.KINDS,
                  **ctx)  # fmt: skip


@router.get("/refdata", response_class=HTMLResponse)
def refdata_page(request: Request, who: PageCallerDep) -> HTMLResponse:
    return _refdata(request, who)


def _signed_form(who: PageCallerDep, csrf_token: FormText = "") -> Caller:
    assert who.session is not None
    try:
        check_csrf(who.session, csrf_token)
    except Forbidden:
        raise PageProblem(403, "csrf") from None
    return who


SignedForm = Annotated[Caller, Depends(_signed_form)]
REFDATA_FIELDS = ("kind", "file", "in_force_from", "source")


@router.post("/refdata", response_class=HTMLResponse)
def refdata_upload(
    request: Request, who: SignedForm, file: UploadFile, kind: FormText = "",
    step: FormText = "check", checked: FormText = "", in_force_from: FormText = "",
    source: FormText = "",
) -> HTMLResponse:  # fmt: skip
    """Check a newer reference file (a dry run: 200, nothing written) and then load the
    same file (201) — the load is refused until that very file (its SHA-256) was checked;
    every refused line listed (422), any other error next to its field (400)."""
    with shown_on_page():
        ws = access.reference_workspace(who.ws, who.user)
    lang = page_lang(request)
    name = Path(file.filename or "upload").name
    values = {"kind": kind, "in_force_from": in_force_from, "source": source}
    with tempfile.TemporaryDirectory(prefix="immex-refdata-") as folder:
        path = Path(folder) / name
        path.write_bytes(file.file.read())
        dry_run = step != "load"
        if not dry_run and checked != file_digest(path):
            message = page_texts(lang)["check_first"]
            return _refdata(request, who, 400, form_errors={"refdata": {"file": message}},
                            values=values)  # fmt: skip
        try:
            day = _day(in_force_from, "in_force_from")
            result = uploads.load_reference(ws, kind, path, dry_run=dry_run, in_force_from=day,
                                            source=source)  # fmt: skip
        except BatchError as exc:
            return _refdata(request, who, 422, errors=exc.errors, failure=exc.message,
                            file_name=name, values=values)  # fmt: skip
        except ImmexError as exc:
            field = exc.field if exc.field in REFDATA_FIELDS else "file"
            errors = {"refdata": {field: str(tr(exc.message, lang))}}
            return _refdata(request, who, 400, values=values, form_errors=errors)
    return _refdata(request, who, 200 if dry_run else 201, result=result, values=values,
                    checked=result.sha256 if dry_run else None)  # fmt: skip
