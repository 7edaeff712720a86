"""/api/v1: the authenticated JSON API (session cookie or ``Authorization: Bearer``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from immex.api.v1 import audit, batches, companies, errors, imports, jobs
from immex.api.v1.auth import Server, ServerSettings
from immex.domain.accounts import Forbidden, NotSignedIn, TooManyAttempts

PREFIX = "/api/v1"


def _body(request: Request, exc: NotSignedIn | Forbidden | TooManyAttempts) -> dict[str, Any]:
    return errors.error_body(exc, errors.request_lang(request))


def install(app: FastAPI, db: str | None, settings: ServerSettings | None = None) -> Server:
    """Add the /api/v1 routes and their error answers (401, 403, 429) to ``app``."""
    server = Server(db, settings or ServerSettings())
    app.state.immex_server = server
    errors.install(app)

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> JSONResponse:
        return JSONResponse(
            status_code=401, content=_body(request, exc), headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse(status_code=403, content=_body(request, exc))

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> JSONResponse:
        wait = max(1, int((exc.until - server.settings.clock()).total_seconds()))
        return JSONResponse(
            status_code=429, content=_body(request, exc), headers={"Retry-After": str(wait)}
        )

    for module in (companies, batches, imports, jobs, audit):
        app.include_router(module.router, prefix=PREFIX)
    return server
