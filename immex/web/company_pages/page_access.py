"""Who is looking at a page, and the workspace they act in — built once per request, where
authorisation is checked (the API's rules: a company not granted is a 404, a role that
may not act a 403, a form without the session's CSRF token a 403; no session: the
sign-in page)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse

from immex.api.v1.auth import Caller, check_csrf, server_of, session_of_request
from immex.domain.accounts import Forbidden, NotSignedIn, Permission
from immex.domain.errors import ImmexError, NotFound
from immex.domain.messages import Template
from immex.reports.i18n import tr
from immex.services import inputs as formats
from immex.services.accounts import access
from immex.services.duties.f4_plan import parse_period
from immex.services.month_end.dashboard import month_to_close
from immex.services.workspace.context import Workspace
from immex.web.company_pages.page_render import page_lang, remember_language, render


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


class AnsweredPage(Exception):
    """The page has answered already (its filter form with the errors): ``response``."""

    def __init__(self, response: HTMLResponse) -> None:
        super().__init__("answered")
        self.response = response


NOT_DAYS = Template("page.filter.days", "a whole number of days from 0 to {top}, not {value}")
NOT_A_CHOICE = Template("page.filter.choice", "one of {choices}, not {value}")
NOT_A_NUMBER = Template("page.filter.number", "a number, not {value}")
NOT_POSITIVE = Template("page.filter.positive", "a number above 0, not {value}")
NEGATIVE = Template("page.filter.not_negative", "a number of 0 or more, not {value}")
NO_F4_LINE = Template("page.no_f4_line", "no line {number} in the F4 plan of {month}")
NO_JOB = Template("page.no_job", "no job {job_id} in this company")
NOT_A_CURSOR = Template(
    "page.filter.cursor",
    "{field} must be a whole number from 0 to {top}, not {value} (follow the page's own links)",
)


def cursor(text: str, field: str, top: int = 2**62) -> int:
    """A position in a long list (``?after=``, ``?offset=``: the page's own links write it):
    a whole number ``0 … top``, blank 0; anything else is a 400 page saying so."""
    value = text.strip()
    if not value:
        return 0
    if value.isdigit() and int(value) <= top:
        return int(value)
    raise PageProblem(400, "bad_input", NOT_A_CURSOR(field=field, top=top, value=repr(text)))


#: the form of a page's filters (``form_errors["filter"][field]``: the error next to its field)
FILTER_FORM = "filter"


class PageQuery:
    """A company page's GET filters, read once for all the pages (period, as_of, within,
    a number, a choice): every bad one is kept with its message and the value typed, and
    :meth:`check` then answers with the page's own template — its filter form, each error
    next to its field (``aria-invalid``, ``aria-describedby``), in the page's language, 400 —
    instead of a problem page. A bad filter's reader returns the default meanwhile."""

    def __init__(self, request: Request, page: CompanyPage, template: str) -> None:
        self.request = request
        self.page = page
        self.template = template
        self.errors: dict[str, str] = {}
        self.typed: dict[str, str] = {}

    def _bad(self, field: str, text: str, message: str, shown_as: str | None = None) -> None:
        self.errors[field] = str(tr(message, page_lang(self.request)))
        self.typed[shown_as or field] = text

    def period(self, text: str, field: str = "period") -> str:
        """``YYYY-MM``; blank: the month to close on the workspace's today."""
        month = month_to_close(self.page.ws.today)
        if text:
            try:
                month = parse_period(text)
            except ImmexError as exc:
                self._bad(field, text, exc.message)
        return f"{month[0]:04d}-{month[1]:02d}"

    def day(self, text: str, field: str = "as_of") -> date:
        """``YYYY-MM-DD``; blank: the workspace's today."""
        try:
            return formats.parse_date(text or None, field) or self.page.ws.today
        except ImmexError as exc:
            self._bad(field, text, exc.message)
            return self.page.ws.today

    def days(self, text: str, default: int, field: str = "within", top: int = 3660) -> int:
        """A number of days ``0 … top``; blank: ``default``."""
        if not text.strip():
            return default
        value = text.strip()
        if value.isdigit() and int(value) <= top:
            return int(value)
        self._bad(field, text, NOT_DAYS(top=top, value=repr(text)))
        return default

    def number(self, text: str, field: str, *, positive: bool = False) -> Decimal | None:
        """A decimal number (``positive``: above 0, else 0 or more); blank: None."""
        if not text.strip():
            return None
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self._bad(field, text, NOT_A_NUMBER(value=repr(text)))
            return None
        if value < 0 or (positive and value == 0):
            self._bad(field, text, (NOT_POSITIVE if positive else NEGATIVE)(value=repr(text)))
            return None
        return value

    def problem(self, field: str, text: str, message: str) -> None:
        """An error a service found in the filter ``field`` (its message), shown next to it."""
        self._bad(field, text, message)

    def choice(
        self, text: str, choices: Sequence[str], default: str, field: str, shown_as: str
    ) -> str:
        """One of ``choices``; blank: ``default`` (the template reads it as ``shown_as``)."""
        if not text:
            return default
        if text in choices:
            return text
        self._bad(field, text, NOT_A_CHOICE(choices=", ".join(choices), value=repr(text)), shown_as)
        return default

    def check(self, **ctx: Any) -> None:
        """Any bad filter: the page's template with its filter form and the errors (400)."""
        if not self.errors:
            return
        shown = {**ctx, **self.typed}
        shown.setdefault("company", self.page.ws.the_company)
        shown.setdefault("can_operate", self.page.can_operate)
        response = render(self.request, self.page.who, self.template, 400, bad_filter=True,
                          form_errors={FILTER_FORM: self.errors}, **shown)  # fmt: skip
        raise AnsweredPage(response)
