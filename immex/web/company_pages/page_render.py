"""Rendering a company page: the template with its texts in the page's language (``?lang=``
on any page, remembered in the user's account and a cookie), the user, the company, the
CSRF token for forms."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from immex.api.i18n import cell_filter
from immex.api.v1.auth import Caller, server_of
from immex.api.v1.errors import accepted_lang
from immex.domain.accounts import Permission, User
from immex.domain.codes import format_pedimento
from immex.domain.rate_rows import program_key_name, program_name
from immex.reports.i18n import tr
from immex.services.accounts import users
from immex.services.accounts.users import LANGUAGES
from immex.services.ledger.names import entity_name, goods_kind_name
from immex.services.ledger.units import UMC_HEADER, unit_symbol
from immex.services.workspace.context import Workspace
from immex.web.company_pages import code_words
from immex.web.company_pages.page_texts import COUNTED, page_texts

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
LANG_COOKIE = "immex_lang"
READ_AUDIT = Permission.READ_AUDIT
YEAR = 365 * 24 * 3600


def _money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


def _qty(value: Any) -> str:
    if value is None:
        return "—"
    d = Decimal(value).normalize()
    return f"{d:,f}" if d == d.to_integral() else f"{d:,}"


def rate_text(value: Any) -> str:
    """A rate as the engine gives it: a percentage (35 → "35 %"), never a fraction."""
    if value is None:
        return "—"
    d = Decimal(value).normalize()
    return f"{d:f} %" if d == d.to_integral() else f"{d:.2f} %"


def _count(value: Any) -> str:
    """A whole count with its thousands grouped (``3,108``)."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


def _pedimento(value: Any) -> str:
    """A pedimento as a person reads it (``YY AD PPPP NNNNNNN``, as the reports and the CLI
    print it); any other document (an invoice) as it is. The JSON API keeps the 15 digits."""
    if value is None or value == "":
        return "—"
    return format_pedimento(str(value))


@pass_context
def _figure(context: Any, value: Any, key: str) -> Any:
    """A figure of a run or a job by its key: ``*_usd`` money, a whole count grouped by
    thousands (``3,108``), a quantity without trailing zeros; a flag, a date or a text as a
    cell reads it."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return cell_filter(context, value)
    try:
        number = Decimal(value)
    except ArithmeticError:
        return cell_filter(context, value)
    if not number.is_finite():
        return cell_filter(context, value)
    if key.endswith("_usd"):
        return _money(number)
    return _count(number) if number == number.to_integral() else _qty(number)


@pass_context
def _msg(context: Any, value: Any) -> Any:
    """A message of the core in the page's language (anything else as it is)."""
    return tr(value, context.get("lang", "es"))


def _worded(name: Callable[..., Any]) -> Callable[..., Any]:
    """A filter naming a code in words, in the page's language (``{{ k|entity }}``)."""

    @pass_context
    def named(context: Any, value: Any, *args: Any) -> Any:
        return tr(name(value, *args), context.get("lang", "es"))

    return named


def _program(code: str, detail: str | None = "") -> str:
    """A rate program as a person reads it (``MFN`` → "tasa general (LIGIE)", ``FTA:TMEC`` →
    "T-MEC", ``REGLA8`` → "Regla 8ª"; ``{{ ln.program|program(ln.program_detail) }}``): the one
    label of :func:`~immex.domain.rate_rows.program_name`; ``{{ key|program_key }}`` names a
    key of the plans and savings (``"PROSEC sector II"``, ``"MFN"``) the same way."""
    return program_name(code, detail or "")


TEMPLATES.env.filters.update(
    money=_money, qty=_qty, rate=rate_text, msg=_msg, cell=cell_filter, ped=_pedimento,
    count=_count, entity=_worded(entity_name), refkind=_worded(code_words.refdata_kind),
    goods=_worded(goods_kind_name), audit_action=_worded(code_words.action),
    audit_outcome=_worded(code_words.outcome), audit_key=_worded(code_words.detail_key),
    audit_value=_worded(lambda v, k: code_words.detail_value(k, v)), utc=code_words.when,
    figure=_figure, step_value=_worded(code_words.step_value), unit=unit_symbol,
    program=_worded(_program),
    program_key=_worded(program_key_name),
)  # fmt: skip
#: the header of the unit (UMC) next to a lot's quantities (``{{ umc_header|msg }}``)
TEMPLATES.env.globals["umc_header"] = UMC_HEADER()


def asked_lang(request: Request) -> str | None:
    """The language ``?lang=`` asks for (es or en), or None."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def browser_lang(request: Request) -> str:
    """The language the browser prefers (``Accept-Language``: the best of es and en by its
    weights, ``en-US`` counting as en); Spanish when it names neither or says nothing."""
    return accepted_lang(request.headers.get("accept-language", "")) or "es"


def page_lang(request: Request) -> str:
    """The page's language: an explicit choice first — ``?lang=``, else the signed-in user's
    (their account), else the browser's cookie (a switch on the sign-in page) — and with no
    choice made, the browser's ``Accept-Language`` (Spanish when it names neither)."""
    chosen = (
        asked_lang(request)
        or getattr(request.state, "user_language", None)
        or request.cookies.get(LANG_COOKIE)
    )
    if chosen in LANGUAGES:
        return chosen
    return browser_lang(request)


def switch_url(request: Request, lang: str) -> str:
    """This page (its path and query: the period, the filters) in the other language."""
    other = "es" if lang == "en" else "en"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*query, ('lang', other)])}"


def remember_language(request: Request, ws: Workspace, user: User) -> None:
    """``?lang=`` on any page of a signed-in user is remembered in their account (audited,
    once per change); the page then reads the account's choice."""
    asked = asked_lang(request)
    if asked is not None and asked != user.language:
        user = users.set_language(ws, user, asked)
    request.state.user_language = user.language


def render(
    request: Request, who: Caller | None, name: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    lang = page_lang(request)
    ctx.setdefault("company", None)
    ctx.setdefault("can_operate", False)
    ctx.setdefault("form_errors", {})
    company = ctx["company"]
    ctx.setdefault("can_audit", bool(who and company and who.user.can(READ_AUDIT, company.id)))
    response = TEMPLATES.TemplateResponse(
        request,
        f"pages/{name}",
        {
            "t": page_texts(lang), "lang": lang, "user": who.user if who else None,
            "csrf_token": who.session.csrf_token if who and who.session else "",
            "path": request.url.path, "lang_url": switch_url(request, lang), "counted": COUNTED,
            **ctx,
        },
        status_code=status,
    )  # fmt: skip
    if asked_lang(request) is not None:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=YEAR, httponly=True, samesite="lax",
            secure=server_of(request).settings.secure_cookies,
        )  # fmt: skip
    return response


STATIC = str(Path(__file__).parents[1] / "static")
