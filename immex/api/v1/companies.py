"""/api/v1/companies/…: each route is one service call on the workspace of the caller."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from immex.api.v1.auth import CallerDep, ReadWs
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services import inputs as formats
from immex.services.accounts import access
from immex.services.discharge import balances
from immex.services.duties.f4_plan import parse_period, plan_f4
from immex.services.duties.usmca import report_63a
from immex.services.figure_cache import cached
from immex.services.inputs import jsonable

AS_OF_REQUIRED = Template("api.as_of_required", "as_of is required (YYYY-MM-DD)")


router = APIRouter(tags=["companies"])


AsOf = Query(..., description="Date of the figures, YYYY-MM-DD (never assumed).")
Period = Query(..., description="Month, YYYY-MM.", pattern=r"^\d{4}-\d{2}$")


def _company(c: Any) -> dict[str, Any]:
    return {"rfc": c.rfc, "name": c.name, "immex_program": c.immex_program,
            "prosec_sectors": list(c.prosec_sectors)}  # fmt: skip


@router.get("/companies")
def companies(who: CallerDep) -> list[dict[str, Any]]:
    """The companies granted to the caller."""
    return [_company(c) for c in access.visible_companies(who.ws, who.user)]


@router.get("/companies/{rfc}")
def company(ws: ReadWs) -> dict[str, Any]:
    return _company(ws.the_company)


def _as_of(text: str) -> Any:
    day = formats.parse_date(text, "as_of")
    if day is None:
        raise InvalidInput(AS_OF_REQUIRED(), field="as_of")
    return day


#: lots in one answer of balance and expiry (``offset`` pages through the rest)
PAGE = 1000
Offset = Query(0, ge=0, le=2**31 - 1, description="Lots to skip (the page's start).")
Limit = Query(PAGE, ge=1, le=10 * PAGE, description="Lots in this answer.")


def _lots_page(
    head: dict[str, Any], rows: list[Any], notes: list[str], offset: int, limit: int
) -> JSONResponse:
    end = offset + limit
    return JSONResponse({
        **head, "lots": rows[offset:end], "notes": notes, "total": len(rows),
        "offset": offset, "next_offset": end if end < len(rows) else None,
    })  # fmt: skip


@router.get("/companies/{rfc}/balance")
def balance(
    ws: ReadWs, as_of: str = AsOf, part: str | None = None, offset: int = Offset,
    limit: int = Limit,
) -> JSONResponse:  # fmt: skip
    """Open quantity and value per lot on ``as_of``, ``limit`` lots from ``offset`` (in the
    order of ``immex balance``; ``total`` lots in all, ``next_offset`` for the next page)."""
    day = _as_of(as_of)

    def rows() -> tuple[list[Any], list[str]]:
        lots, notes = balances.balance(ws, day, part)
        return jsonable(lots), jsonable(notes)

    lots, notes = cached(ws, "api.balance", (day, part), rows)
    return _lots_page({"as_of": day.isoformat()}, lots, notes, offset, limit)


@router.get("/companies/{rfc}/expiry")
def expiry(
    ws: ReadWs, as_of: str = AsOf, within: int = Query(30, ge=0, le=3660),
    offset: int = Offset, limit: int = Limit,
) -> JSONResponse:  # fmt: skip
    """Lots past their IMMEX limit or within ``within`` days of it, with the value at risk
    (by limit date; paged as the balance)."""
    day = _as_of(as_of)

    def rows() -> tuple[list[Any], list[str]]:
        lots, notes = balances.expiry(ws, within, day)
        return jsonable(lots), jsonable(notes)

    lots, notes = cached(ws, "api.expiry", (day, within), rows)
    return _lots_page({"as_of": day.isoformat(), "within": within}, lots, notes, offset, limit)


def _encoded(body: Any) -> bytes:
    """A figure's answer as the bytes sent (encoded once, kept with the figure: a month's F4
    plan is megabytes of JSON, which takes longer to encode than to send)."""
    return json.dumps(
        jsonable(body), ensure_ascii=False, allow_nan=False, separators=(",", ":")
    ).encode()


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


@router.get("/companies/{rfc}/f4-plan")
def f4_plan(ws: ReadWs, period: str = Period, traces: bool = False) -> Response:
    """The F4 change-of-regime plan of the month."""
    month = parse_period(period)
    body = cached(ws, "api.f4_plan", (month, traces),
                  lambda: _encoded(plan_f4(ws, month).to_dict(traces=traces)))  # fmt: skip
    return _json(body)


@router.get("/companies/{rfc}/63a")
def usmca_63a(ws: ReadWs, period: str = Period, traces: bool = False) -> Response:
    """What LA 63-A / USMCA 2.5 makes owed on the month's exports to the US and Canada."""
    month = parse_period(period)
    body = cached(ws, "api.63a", (month, traces),
                  lambda: _encoded(report_63a(ws, month, None).to_dict(traces=traces)))  # fmt: skip
    return _json(body)
