"""What-if: sell here or export — the options of one shipment that has not happened.

A simulated shipment line consumes lots by FIFO (the discharge rules, RULES I-9); each
destination is one way out for the goods, with its own duty (RULES C-1 … C-9, U-1 … U-4):

- **MEX** — a domestic sale: the inputs change regime (F4, LA 109), paying IGI at the best
  lawful rate (RULES C-4) updated (C-6), DTA (C-8, C-10) and IVA (C-9), which a certified
  company credits in full (LIVA 28-A);
- **USA / CAN** — an export under USMCA: the inputs return (RT) and LA 63-A makes the Mexican
  duty on the non-originating ones owed, less the US/CA duty paid (RULES U-2);
- **any other country** — an export: the inputs return (RT) and no Mexican duty is owed
  (RULES I-1); the importing country's duties are not computed.

No store and no clock here: the figures come priced, this module shapes and compares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from immex.domain.messages import Template
from immex.domain.money import ZERO

HOME = "MEX"
USMCA_PARTNERS = ("USA", "CAN")


#: the legal basis of a return to a USMCA partner (T-MEC in Spanish)
RULES_USMCA_EXPORT = Template(
    "trace.rules_usmca_export", "LA 63-A; USMCA art. 2.5; RULES U-1, U-2, U-3, U-4"
)()


class Route(StrEnum):
    """The way out a destination means for the temporary inputs."""

    #: change of regime to definitive (F4; LA 109)
    DOMESTIC = "domestic"
    #: return abroad to a USMCA partner (RT; LA 63-A)
    USMCA_EXPORT = "usmca_export"
    #: return abroad elsewhere (RT; nothing owed in Mexico)
    EXPORT = "export"

    @property
    def key(self) -> str:
        return "F4" if self is Route.DOMESTIC else "RT"

    @property
    def rules(self) -> str:
        if self is Route.DOMESTIC:
            return "LA 109; RULES C-1, C-4, C-6, C-8, C-9, C-10"
        if self is Route.USMCA_EXPORT:
            return RULES_USMCA_EXPORT
        return "LA 108; RULES I-1"


def route_of(destination: str) -> Route:
    if destination == HOME:
        return Route.DOMESTIC
    if destination in USMCA_PARTNERS:
        return Route.USMCA_EXPORT
    return Route.EXPORT


def default_destinations(history: list[str]) -> list[str]:
    """MEX, USA and the first other country in the company's export history."""
    other = next((d for d in history if d not in (HOME, *USMCA_PARTNERS)), None)
    return [HOME, "USA", *([other] if other else [])]


@dataclass(frozen=True, slots=True)
class LotUse:
    """A lot the simulated line would take from (FIFO), and how long it has left."""

    lot_id: int
    pedimento: str
    part: str
    fraccion: str
    origin: str
    entry_date: date
    limit_date: date | None
    days_left: int | None  # at the simulated date; None: no limit while the program lasts
    quantity: Decimal
    value_usd: Decimal
    directed: bool
    open_after: Decimal  # what stays open in the lot afterwards


@dataclass(frozen=True, slots=True)
class ShortLine:
    """A component of the simulated line the open lots cannot cover."""

    part: str
    required: Decimal
    missing: Decimal


@dataclass(frozen=True, slots=True)
class PastLimitLot:
    """A lot of a component past its limit with an open balance (skipped; RULES I-4: A3)."""

    lot_id: int
    pedimento: str
    part: str
    limit_date: date
    days_past: int
    open_quantity: Decimal


@dataclass(frozen=True, slots=True)
class OptionCost:
    """What one destination costs in Mexican duties (MXN, whole pesos per portion)."""

    destination: str
    route: Route
    key: str
    igi: Decimal = ZERO  # IGI updated (F4) or the 63-A amount owed
    dta: Decimal = ZERO
    iva: Decimal = ZERO
    iva_credit: Decimal = ZERO
    total: Decimal = ZERO  # what the pedimento pays
    cash_cost: Decimal = ZERO  # total less the IVA credited
    total_mfn: Decimal = ZERO  # the same at the general rate only (no program)
    savings: Decimal = ZERO  # total_mfn − total
    programs: tuple[str, ...] = ()
    due_by: date | None = None
    priced: bool = True
    detail: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def rules(self) -> str:
        return self.route.rules


def cheapest(options: list[OptionCost]) -> str | None:
    """The destination of the lowest cash cost among the priced options (ties: first)."""
    priced = [o for o in options if o.priced]
    if not priced:
        return None
    return min(priced, key=lambda o: o.cash_cost).destination


@dataclass(frozen=True, slots=True)
class WhatIfSale:
    company_rfc: str
    company_name: str
    product: str
    quantity: Decimal
    date: date
    pedimento: str | None
    lots: tuple[LotUse, ...]
    shortfalls: tuple[ShortLine, ...]
    past_limit: tuple[PastLimitLot, ...]
    options: tuple[OptionCost, ...]
    cheapest: str | None
    #: the loaded lists and data the figures used
    data_used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    simulation: bool = True

    @property
    def value_usd(self) -> Decimal:
        return sum((lot.value_usd for lot in self.lots), ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "simulation": self.simulation,
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "product": self.product,
            "quantity": self.quantity,
            "date": self.date,
            "pedimento": self.pedimento,
            "value_usd": self.value_usd,
            "lots": list(self.lots),
            "shortfalls": list(self.shortfalls),
            "past_limit": list(self.past_limit),
            "options": [{**_option_dict(o)} for o in self.options],
            "cheapest": self.cheapest,
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def _option_dict(o: OptionCost) -> dict[str, Any]:
    return {
        "destination": o.destination,
        "route": o.route,
        "key": o.key,
        "igi": o.igi,
        "dta": o.dta,
        "iva": o.iva,
        "iva_credit": o.iva_credit,
        "total": o.total,
        "cash_cost": o.cash_cost,
        "total_mfn": o.total_mfn,
        "savings": o.savings,
        "programs": list(o.programs),
        "due_by": o.due_by,
        "priced": o.priced,
        "rules": o.rules,
        "detail": o.detail,
        "notes": list(o.notes),
    }


# --------------------------------------------------------------------------- the month's mix


def share_of(portions: list[Any], share: Decimal) -> list[Any]:
    """Each lot portion scaled by ``share`` (0–1): quantity to 6 and value to 4 decimals,
    half-up (the store's steps) — a share of every shipment line goes the other way, the
    FIFO lots staying those the run used."""
    out = []
    for p in portions:
        q = (p.quantity * share).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        v = (p.value_usd * share).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if v > 0:
            out.append(replace(p, quantity=q, value_usd=v, key="F4", destination=HOME))
    return out


@dataclass(frozen=True, slots=True)
class MixResult:
    """The month's F4 if a share of a product's production had gone to the domestic market."""

    company_rfc: str
    product: str
    period: str
    domestic_share: Decimal  # percent
    shipment_lines: int  # the month's shipment lines of the product (all kinds)
    inputs_value_usd: Decimal  # the temporary inputs they consumed
    shifted_value_usd: Decimal  # the share that would change regime
    actual_f4_total: Decimal  # the F4 the product's domestic sales of the month pay now
    option: OptionCost
    data_used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    simulation: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "simulation": self.simulation,
            "company": self.company_rfc,
            "product": self.product,
            "period": self.period,
            "domestic_share_pct": self.domestic_share,
            "shipment_lines": self.shipment_lines,
            "inputs_value_usd": self.inputs_value_usd,
            "shifted_value_usd": self.shifted_value_usd,
            "actual_f4_total": self.actual_f4_total,
            "f4": _option_dict(self.option),
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
