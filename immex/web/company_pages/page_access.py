"""Who is looking at a page, and the workspace they act in — built once per request, where
authorisation is checked (the API's rules: a company not granted is a 404, a role that
may not act a 403, a form without the session's CSRF token a 403; no session: the
sign-in page)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Request

from immex.api.v1.auth import Caller, check_csrf, server_of, session_of_request
from immex.domain.accounts import Forbidden, NotSignedIn, Permission
from immex.domain.errors import ImmexError, NotFound
from immex.services.accounts import access
from immex.services.workspace.context import Workspace
from immex.web.company_pages.page_render import remember_language


class SignInFirst(Exception):
    """No (valid) session: the page answers with a redirect to the sign-in page."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class PageProblem(Exception):
    """An answer other than the page: 400, 403 or 404 with a message (text key or text)."""

    def __init__(self, status: int, key: str, detail: str = "") -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.detail = detail


@contextmanager
def shown_on_page() -> Iterator[None]:
    """A service's error becomes the page's answer (404 for what does not exist)."""
    try:
        yield
    except NotFound as exc:
        raise PageProblem(404, "not_found", exc.message) from None
    except Forbidden as exc:
        raise PageProblem(403, "forbidden", exc.message) from None
    except ImmexError as exc:
        raise PageProblem(400, "bad_input", exc.message) from None


def page_caller(request: Request) -> Caller:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    try:
        session = session_of_request(request)
    except NotSignedIn:
        session = None
    if session is None:
        raise SignInFirst(f"/login?next={quote(target, safe='/')}")
    ws = server_of(request).workspace().with_actor(session.user.email)
    remember_language(request, ws, session.user)
    return Caller(session.user, ws, session)


PageCallerDep = Annotated[Caller, Depends(page_caller)]


@dataclass(frozen=True)
class CompanyPage:
    """The signed-in user on one granted company: ``ws`` has the company and the actor."""

    who: Caller
    ws: Workspace

    @property
    def can_operate(self) -> bool:
        return self.who.user.can(Permission.OPERATE, self.ws.the_company.id)

    @property
    def can_audit(self) -> bool:
        return self.who.user.can(Permission.READ_AUDIT, self.ws.the_company.id)


def _company(who: Caller, rfc: str, permission: Permission) -> CompanyPage:
    with shown_on_page():
        return CompanyPage(who, access.company_workspace(who.ws, who.user, rfc, permission))


def company_page(permission: Permission) -> Callable[..., CompanyPage]:
    """A GET page's dependency: the path's company ``{rfc}`` for the signed-in user."""

    def dependency(rfc: str, who: PageCallerDep) -> CompanyPage:
        return _company(who, rfc, permission)

    return dependency


def company_form(permission: Permission) -> Callable[..., CompanyPage]:
    """A form's dependency: as :func:`company_page`, and the form's ``csrf_token`` must be
    the session's (403 otherwise)."""

    def dependency(
        rfc: str, who: PageCallerDep, csrf_token: Annotated[str, Form()] = ""
    ) -> CompanyPage:
        page = _company(who, rfc, permission)
        assert who.session is not None
        try:
            check_csrf(who.session, csrf_token)
        except Forbidden:
            raise PageProblem(403, "csrf") from None
        return page

    return dependency


ReadPage = Annotated[CompanyPage, Depends(company_page(Permission.READ))]
AuditPage = Annotated[CompanyPage, Depends(company_page(Permission.READ_AUDIT))]
OperateForm = Annotated[CompanyPage, Depends(company_form(Permission.OPERATE))]
