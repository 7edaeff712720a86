"""The whole server `immex serve` runs: the JSON API, the reference pages and the account
pages."""

from __future__ import annotations

from fastapi import FastAPI

from immex.api.app import create_app
from immex.api.v1.auth import ServerSettings
from immex.web import company_pages, pages


def create_site(db: str | None = None, settings: ServerSettings | None = None) -> FastAPI:
    app = create_app(db, settings)
    app.include_router(pages.router)
    company_pages.install(app)
    return app
