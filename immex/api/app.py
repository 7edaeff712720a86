"""FastAPI application: JSON under /api, web pages under /."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from immex.api import docs_pages
from immex.api import v1 as api_v1
from immex.api.i18n import cell_filter, messages
from immex.api.v1.auth import ServerSettings
from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.messages import Template
from immex.domain.money import D
from immex.services import inputs as formats
from immex.services.duties import single as duties_service
from immex.services.inputs import jsonable
from immex.services.rates import best_rate as rate_service
from immex.services.rates.workspace_data import optional_workspace
from immex.services.refdata import info as refdata_service
from immex.services.tariff import lookup as tariff_service
from immex.services.tariff.fraction_view import show_in_workspace

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.filters["cell"] = cell_filter


def _date(value: str | None, field: str) -> date | None:
    return formats.parse_date(value, field)


DATE_REQUIRED = Template(
    "api.date_required", "{field} is required (YYYY-MM-DD); the API never assumes today"
)


def _required_date(value: str | None, field: str) -> date:
    parsed = _date(value, field)
    if parsed is None:
        raise InvalidInput(DATE_REQUIRED(field=field), field=field)
    return parsed


def _month(value: str, field: str) -> tuple[int, int]:
    return formats.parse_month(value, field)


class F4Body(BaseModel):
    fraccion: str
    value_usd: str
    entry_date: str
    change_date: str
    origin: str | None = None
    prosec: list[str] = []
    origin_certified: list[str] = []
    policy: str = "entry_date"
    factor_rounding: str = "truncate"
    certified_iva: bool = False
    paid_on: str | None = None


def _new_app(db: str | None, settings: ServerSettings | None) -> FastAPI:
    """The app with /docs and /redoc from local assets only, and /api/v1 (accounts, roles,
    company isolation, jobs)."""
    app = FastAPI(
        title="immex", description="IMMEX/PROSEC assistant — JSON API", version="0.1.0",
        docs_url=None, redoc_url=None,
    )  # fmt: skip
    docs_pages.install(app)
    api_v1.install(app, db, settings)
    return app


def create_app(db: str | None = None, settings: ServerSettings | None = None) -> FastAPI:
    """The app; ``db`` is the workspace (None: $IMMEX_DB/./immex.db); ``settings``: /api/v1's."""
    app = _new_app(db, settings)  # its error answers: immex.api.v1.errors

    # ------------------------------------------------------------------ JSON API
    @app.get("/api/tariff/search")
    def api_search(q: str, limit: int = 10) -> Any:
        return jsonable(tariff_service.search(q, limit))

    @app.get("/api/tariff/{code}")
    def api_tariff(code: str, as_of: str = Query(..., description="YYYY-MM-DD")) -> Any:
        when = _required_date(as_of, "as_of")
        with optional_workspace(db) as ws:
            return jsonable(show_in_workspace(ws, code, when))

    @app.get("/api/rate")
    def api_rate(
        fraccion: str,
        origin: str,
        as_of: str,
        prosec: list[str] = Query([]),
        origin_certified: list[str] = Query([]),
        regla8: list[str] = Query([]),
    ) -> Any:
        when = _required_date(as_of, "as_of")
        with optional_workspace(db) as ws:
            decision = rate_service.rate_decision(
                ws, fraccion, origin, when, prosec, regla8, origin_certified, today=date.today()
            )
        return jsonable(rate_service.decision_dict(decision))

    @app.get("/api/fx/{day}")
    def api_fx(day: str) -> Any:
        return jsonable(refdata_service.fx_for_pedimento(_required_date(day, "date"), db))

    @app.get("/api/inpc/factor")
    def api_inpc(from_month: str, to_month: str, rounding: str = "truncate") -> Any:
        return jsonable(
            refdata_service.inpc_factor(
                _month(from_month, "from_month"), _month(to_month, "to_month"), rounding, db
            )
        )

    @app.post("/api/duty/f4")
    def api_f4(body: F4Body) -> Any:
        try:
            value = D(body.value_usd)  # its sign and size are checked by the duty core
        except ImmexError as exc:
            raise InvalidInput(exc.message, field="value_usd") from None
        entry = _required_date(body.entry_date, "entry_date")
        change = _required_date(body.change_date, "change_date")
        paid = _date(body.paid_on, "paid_on")
        with optional_workspace(db) as ws:
            result = duties_service.duty_f4(
                ws, body.fraccion, value, entry, change, origin=body.origin, prosec=body.prosec,
                certified=body.origin_certified, policy=body.policy,
                factor_rounding=body.factor_rounding, certified_iva=body.certified_iva,
                paid_on=paid,
            )  # fmt: skip
        return jsonable(duties_service.f4_dict(result))

    @app.get("/api/refdata")
    def api_refdata() -> Any:
        return jsonable(refdata_service.info())

    _web_pages(app, db)
    return app


def _web_pages(app: FastAPI, db: str | None) -> None:
    """The web pages under /: the services the API calls, errors shown on the page."""

    def _page(request: Request, name: str, lang: str, **ctx: Any) -> HTMLResponse:
        lang = "en" if lang == "en" else "es"
        return TEMPLATES.TemplateResponse(request, name, {"t": messages(lang), "lang": lang, **ctx})

    @app.get("/", response_class=HTMLResponse)
    def page_search(request: Request, q: str = "", lang: str = "es") -> HTMLResponse:
        results: list[dict[str, Any]] = []
        error = None
        if q.strip():
            try:
                results = tariff_service.search(q, 20)
            except ImmexError as exc:
                error = exc.message
        return _page(request, "search.html", lang, q=q, results=results, error=error)

    @app.get("/fraccion/{code}", response_class=HTMLResponse)
    def page_fraction(
        request: Request,
        code: str,
        as_of: str = "",
        origin: str = "",
        prosec: str = "",
        lang: str = "es",
    ) -> HTMLResponse:
        error = None
        doc: dict[str, Any] | None = None
        decision: dict[str, Any] | None = None
        today = when = date.today()  # the page shows the date it used
        try:
            when = _date(as_of, "as_of") or today
            with optional_workspace(db) as ws:
                doc = jsonable(show_in_workspace(ws, code, when))
                if origin.strip() and doc["level"] == "fraction":
                    sectors = [s for s in prosec.replace(" ", "").split(",") if s]
                    found = rate_service.rate_decision(ws, code, origin, when, sectors, today=today)
                    decision = jsonable(rate_service.decision_dict(found))
        except ImmexError as exc:
            error = exc.message
        return _page(
            request,
            "fraction.html",
            lang,
            code=code,
            doc=doc,
            decision=decision,
            error=error,
            as_of=when.isoformat(),
            origin=origin,
            prosec=prosec,
        )
