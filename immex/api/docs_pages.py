"""/docs and /redoc with local assets only (the product never reaches the network): the
Swagger UI and ReDoc bundles come from the fastapi-offline package, served under
/static-docs."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"
STATIC = "/static-docs"
#: the one thing ReDoc fetches from the network (its "powered by" logo) is served locally
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
#: the documentation pages may load nothing but this server's own files
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'"
)


def _redoc_bundle() -> bytes:
    text = (ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace(REDOC_LOGO, f"{STATIC}/favicon.png").encode("utf-8")


def install(app: FastAPI) -> None:
    """Serve /docs and /redoc (create the app with ``docs_url=None, redoc_url=None``)."""
    redoc_js = _redoc_bundle()

    @app.get(f"{STATIC}/redoc.standalone.js", include_in_schema=False)
    def redoc_bundle() -> Response:
        return Response(redoc_js, media_type="text/javascript")

    app.mount(STATIC, StaticFiles(directory=str(ASSETS)), name="static-docs")
    openapi = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=openapi,
            title=f"{app.title} — API",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},  # no call to an online validator
        )
        page.headers["Content-Security-Policy"] = CSP
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=openapi,
            title=f"{app.title} — API",
            redoc_js_url=f"{STATIC}/redoc.standalone.js",
            redoc_favicon_url=f"{STATIC}/favicon.png",
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = CSP
        return page
