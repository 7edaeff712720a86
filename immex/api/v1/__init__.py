"""/api/v1: the authenticated JSON API (session cookie or ``Authorization: Bearer``)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from immex.api.v1 import audit, batches, companies, imports, jobs
from immex.api.v1.auth import Server, ServerSettings
from immex.domain.accounts import Forbidden, NotSignedIn, TooManyAttempts

PREFIX = "/api/v1"


def _body(exc: NotSignedIn | Forbidden | TooManyAttempts) -> dict[str, str | None]:
    return {"error": exc.message, "field": exc.field}


def install(app: FastAPI, db: str | None, settings: ServerSettings | None = None) -> Server:
    """Add the /api/v1 routes and their error answers (401, 403, 429) to ``app``."""
    server = Server(db, settings or ServerSettings())
    app.state.immex_server = server

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(_request: Request, exc: NotSignedIn) -> JSONResponse:
        return JSONResponse(
            status_code=401, content=_body(exc), headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse(status_code=403, content=_body(exc))

    @app.exception_handler(TooManyAttempts)
    async def _throttled(_request: Request, exc: TooManyAttempts) -> JSONResponse:
        wait = max(1, int((exc.until - server.settings.clock()).total_seconds()))
        return JSONResponse(status_code=429, content=_body(exc), headers={"Retry-After": str(wait)})

    for module in (companies, batches, imports, jobs, audit):
        app.include_router(module.router, prefix=PREFIX)
    return server
