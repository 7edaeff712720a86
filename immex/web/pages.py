"""Sign-in, sign-out and password change pages.

Cookies are signed, ``HttpOnly``, ``SameSite=Lax`` (``Secure`` when the server is
configured for HTTPS). Every form carries a CSRF token: the sign-in form a signed
double-submit cookie (there is no session yet), the others the session's own token. A
successful sign-in always starts a new session (the one the browser carried ends).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from immex.api.v1.auth import (
    SESSION_COOKIE,
    Server,
    check_csrf,
    server_of,
    session_of_request,
)
from immex.domain.accounts import NotSignedIn, TooManyAttempts
from immex.domain.errors import InvalidInput
from immex.reports.i18n import tr
from immex.services.accounts import signin, users
from immex.web.company_pages.page_render import (
    LANG_COOKIE,
    YEAR,
    asked_lang,
    page_lang,
    remember_language,
    switch_url,
)
from immex.web.messages import messages

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
LOGIN_CSRF_COOKIE = "immex_login_csrf"
HOME = "/account"
PASSWORD_FIELDS = ("current_password", "new_password")

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


def _safe_next(target: str) -> str:
    """Only a path of this site (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return HOME
    return target


def _page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = page_lang(request)
    ctx.setdefault("error", None)
    ctx.setdefault("errors", {})
    ctx.setdefault("notice", None)
    response = TEMPLATES.TemplateResponse(
        request,
        name,
        {"t": messages(lang), "lang": lang, "lang_url": switch_url(request, lang), **ctx},
        status_code=status,
    )
    if asked_lang(request) is not None:  # the sign-in page remembers it in the browser
        _cookie(server_of(request), response, LANG_COOKIE, lang, YEAR)
    # never framed by another site (clickjacking), never cached (a signed-in page)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response


def _cookie(server: Server, response: Response, name: str, value: str, max_age: int,
            path: str = "/") -> None:  # fmt: skip
    response.set_cookie(
        name, value, max_age=max_age, path=path, httponly=True, samesite="lax",
        secure=server.settings.secure_cookies,
    )  # fmt: skip


def _login_form(request: Request, next_url: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    server = server_of(request)
    token = secrets.token_urlsafe(32)
    t = messages(page_lang(request))
    response = _page(request, "login.html", status, heading=t["login"], csrf_token=token,
                     next=_safe_next(next_url), email=ctx.pop("email", ""), **ctx)  # fmt: skip
    _cookie(server, response, LOGIN_CSRF_COOKIE, server.sign(token), 3600, "/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = HOME) -> HTMLResponse:
    return _login_form(request, next)


def _login_csrf_ok(request: Request, sent: str) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie or not sent:
        return False
    try:
        expected = server_of(request).unsign(cookie)
    except NotSignedIn:
        return False
    return secrets.compare_digest(expected, sent)


def _previous_session(request: Request) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return server_of(request).unsign(cookie)
    except NotSignedIn:
        return None


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    email: FormText = "",
    password: FormText = "",
    csrf_token: FormText = "",
    next: FormText = HOME,
) -> Response:
    t = messages(page_lang(request))
    if not _login_csrf_ok(request, csrf_token):
        return _login_form(request, next, 403, error=t["csrf"], email=email)
    server = server_of(request)
    try:
        session = signin.login(server.workspace(), email, password, _previous_session(request))
    except TooManyAttempts:
        return _login_form(request, next, 429, errors={"login": t["throttled"]}, email=email)
    except NotSignedIn:
        return _login_form(request, next, 401, errors={"login": t["wrong"]}, email=email)
    response = RedirectResponse(_safe_next(next), status_code=303)
    lifetime = int(signin.SESSION_LIFETIME.total_seconds())
    _cookie(server, response, SESSION_COOKIE, server.sign(session.session_id), lifetime)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _session(request: Request) -> signin.Session | None:
    """The signed-in user's session (their language remembered when ``?lang=`` asks)."""
    try:
        session = session_of_request(request)
    except NotSignedIn:
        return None
    if session is not None:
        ws = server_of(request).workspace().with_actor(session.user.email)
        remember_language(request, ws, session.user)
    return session


def _to_login(request: Request) -> RedirectResponse:
    """The sign-in page, then back here; a language asked for (``?lang=``) goes along, none
    asked lets the sign-in page choose (the cookie, else the browser's language)."""
    target = request.url.path
    asked = asked_lang(request)
    lang = f"&lang={asked}" if asked else ""
    return RedirectResponse(f"/login?next={target}{lang}", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _to_login(request)
    t = messages(page_lang(request))
    return _page(request, "account.html", heading=t["account"], user=session.user,
                 csrf_token=session.csrf_token)  # fmt: skip


@router.post("/logout")
def logout(request: Request, csrf_token: FormText = "") -> Response:
    session = _session(request)
    if session is None:
        return _to_login(request)
    check_csrf(session, csrf_token)
    signin.logout(server_of(request).workspace(), session.session_id)
    response = RedirectResponse(f"/login?lang={page_lang(request)}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request) -> Response:
    session = _session(request)
    if session is None:
        return _to_login(request)
    t = messages(page_lang(request))
    return _page(request, "password.html", heading=t["change_password"],
                 csrf_token=session.csrf_token)  # fmt: skip


@router.post("/account/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    current_password: FormText = "",
    new_password: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    session = _session(request)
    if session is None:
        return _to_login(request)
    check_csrf(session, csrf_token)
    lang = page_lang(request)
    t = messages(lang)
    ws = server_of(request).workspace().with_actor(session.user.email)
    try:
        users.change_password(ws, session.user, current_password, new_password)
    except InvalidInput as exc:
        field = exc.field if exc.field in PASSWORD_FIELDS else "new_password"
        return _page(request, "password.html", 400, heading=t["change_password"],
                     csrf_token=session.csrf_token,
                     errors={field: str(tr(exc.message, lang))})  # fmt: skip
    response = _login_form(request, HOME, notice=t["password_changed"])
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
