"""The API's error answers in the reader's language: ``Accept-Language`` (es or en), else the
server's (``IMMEX_LANG``), else Spanish.

Every message of the core is a message of the catalog (:class:`immex.domain.messages.Msg`):
the answer carries its text in the chosen language and its stable ``code`` (the catalog key,
``null`` for a text not yet in the catalog), so a client can branch on the code and show the
text. Routes raise; only these handlers translate.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from immex.domain.errors import BatchError, ErrorRecord, ImmexError, NotFound
from immex.domain.messages import Msg, Template
from immex.reports.i18n import LANGS, default_lang, record_text, tr

#: the answers to a request FastAPI refuses before a route runs (``detail``)
FIELD_MISSING = Template("api.field_missing", "required value missing")
FIELD_INVALID = Template("api.field_invalid", "invalid value ({kind})")
#: a standard HTTP answer of the API (unknown path, method not allowed)
HTTP_STATUS = {
    404: Template("api.http.404", "not found"),
    405: Template("api.http.405", "method not allowed"),
}


def accepted_lang(header: str) -> str | None:
    """The best of es and en an ``Accept-Language`` header names (``en-US`` counts as en;
    weights ``q`` honoured); ``None`` when it names neither."""
    best: tuple[float, str] | None = None
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in LANGS:
            continue
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or q > best[0]):
            best = (q, lang)
    return best[1] if best else None


def request_lang(request: Request) -> str:
    """The language the client asks for (:func:`accepted_lang`), else the server's default."""
    asked = accepted_lang(request.headers.get("accept-language", ""))
    if asked is not None:
        return asked
    try:
        return default_lang()
    except ImmexError:  # a bad IMMEX_LANG on the server: Spanish
        return "es"


def code_of(message: Any) -> str | None:
    return message.key if isinstance(message, Msg) else None


def error_body(exc: ImmexError, lang: str) -> dict[str, Any]:
    """``{"error", "field", "code"}`` in ``lang``."""
    return {"error": str(tr(exc.message, lang)), "field": exc.field, "code": code_of(exc.message)}


def record_dicts(records: list[ErrorRecord], lang: str) -> list[dict[str, Any]]:
    """The records of a refused file as the API shows them: line, column, message (in
    ``lang``), value and the message's code."""
    return [
        {"line": r.line, "column": r.field, "message": str(tr(r.message, lang)),
         "value": r.value, "code": code_of(r.message)}
        for r in records
    ]  # fmt: skip


class RefusedFile(Exception):
    """A file the API refuses with every error of it (422): raised by a route, answered by
    :func:`install` in the reader's language."""

    def __init__(self, error: BatchError) -> None:
        super().__init__(str(error.message))
        self.error = error


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    """The API's error answers: 400/404 for the core's errors, 422 for a refused file and a
    request FastAPI refuses, the standard ones of /api/… — each in the reader's language."""

    @app.exception_handler(ImmexError)
    async def _immex_error(request: Request, exc: ImmexError) -> JSONResponse:
        lang = request_lang(request)
        status = 404 if isinstance(exc, NotFound) else 400
        body = error_body(exc, lang)
        if isinstance(exc, BatchError):
            body["errors"] = [record_text(e, lang) for e in exc.errors]
        return JSONResponse(status_code=status, content=body)

    @app.exception_handler(RefusedFile)
    async def _refused(request: Request, exc: RefusedFile) -> JSONResponse:
        lang = request_lang(request)
        body = error_body(exc.error, lang)
        body["errors"] = record_dicts(exc.error.errors, lang)
        return JSONResponse(status_code=422, content=body)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not _is_api(request):
            return await request_validation_exception_handler(request, exc)
        lang = request_lang(request)
        detail = []
        for e in exc.errors():
            kind = str(e.get("type", ""))
            msg = FIELD_MISSING() if kind == "missing" else FIELD_INVALID(kind=kind)
            loc = [str(p) for p in e.get("loc", ())]
            detail.append({"loc": loc, "msg": str(tr(msg, lang)), "type": kind,
                           "code": msg.key})  # fmt: skip
        return JSONResponse(status_code=422, content={"detail": detail})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_STATUS.get(exc.status_code)
        if not _is_api(request) or message is None:
            return await http_exception_handler(request, exc)
        lang = request_lang(request)
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": str(tr(message(), lang)), "code": message.key},
            headers=getattr(exc, "headers", None),
        )
