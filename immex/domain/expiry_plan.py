"""The expiry action plan: for a lot at or past its IMMEX limit, each lawful way out.

A temporary import must leave the temporary regime by its limit (LA 108; RULES I-2): it may

- **return abroad** (RT for processed goods, H1 in the same state): no IGI; the DTA fixed fee
  per pedimento (LFD 49-III; RULES C-8, C-8b);
- **change regime** to definitive (F4; LA 109): IGI at the best lawful rate updated, DTA and
  IVA (RULES C-1 … C-10);
- be **transferred** virtually to another IMMEX company (V1): the DTA fixed fee (RULES C-8b);
- be **destroyed** when it is waste or scrap (LA 109 ¶3; RULES C-5): not definitively
  imported, no IGI — only for goods that are waste, which a person must confirm;
- and once past its limit the goods are illegally in the country: the only way out is the
  **regularization** A3 paying the taxes with the fines of LA 182-II/183-II or 178-I
  (RULES I-4) — the ways above close at the limit.

No store and no clock: the costs come computed; this module says which ways are open, their
deadline and which is cheapest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class WayOut(StrEnum):
    RETURN = "return"  # RT / H1
    CHANGE_OF_REGIME = "change_of_regime"  # F4
    VIRTUAL_TRANSFER = "virtual_transfer"  # V1
    DESTRUCTION = "destruction"  # waste and scrap (LA 109 ¶3)
    REGULARIZATION = "regularization"  # A3

    @property
    def keys(self) -> str:
        return {
            WayOut.RETURN: "RT/H1",
            WayOut.CHANGE_OF_REGIME: "F4",
            WayOut.VIRTUAL_TRANSFER: "V1",
            WayOut.DESTRUCTION: "—",
            WayOut.REGULARIZATION: "A3",
        }[self]

    @property
    def rules(self) -> str:
        return {
            WayOut.RETURN: "LA 108; LFD 49-III; RULES I-2, C-8, C-8b",
            WayOut.CHANGE_OF_REGIME: "LA 109; RULES C-1, C-4, C-6, C-8, C-9, C-10",
            WayOut.VIRTUAL_TRANSFER: "RULES C-8b",
            WayOut.DESTRUCTION: "LA 109 ¶3; RULES C-5",
            WayOut.REGULARIZATION: "LA 108, 182-II, 183-II, 178-I; RULES I-4",
        }[self]


#: ways that need a condition a person must confirm (excluded from "cheapest")
CONDITIONAL = frozenset({WayOut.DESTRUCTION})
#: the ways open before the limit, and the one after it
BEFORE_LIMIT = (WayOut.RETURN, WayOut.CHANGE_OF_REGIME, WayOut.VIRTUAL_TRANSFER, WayOut.DESTRUCTION)
AFTER_LIMIT = (WayOut.REGULARIZATION,)


def ways_open(days_left: int | None) -> tuple[WayOut, ...]:
    """The ways out on the plan's date: before (or on) the limit, or past it."""
    if days_left is not None and days_left < 0:
        return AFTER_LIMIT
    return BEFORE_LIMIT


@dataclass(frozen=True, slots=True)
class WayCost:
    """One way out for one lot: what it costs in Mexican duties (MXN), by when."""

    way: WayOut
    #: None: not computed (the data lacks a figure; ``missing`` says which)
    cost: Decimal | None
    deadline: date | None
    detail: dict[str, Any]
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    cheapest: bool = False

    @property
    def complete(self) -> bool:
        return self.cost is not None and not self.missing


def mark_cheapest(costs: list[WayCost]) -> list[WayCost]:
    """The ways with the cheapest unconditional cost marked (ties: all of them) — only when
    every unconditional way's cost is complete: an unknown cost may be the cheapest."""
    eligible = [c for c in costs if c.way not in CONDITIONAL]
    if not eligible or not all(c.complete for c in eligible):
        return costs
    best = min(c.cost for c in eligible if c.cost is not None)
    return [_with(c, cheapest=(c in eligible and c.cost == best)) for c in costs]


def _with(c: WayCost, *, cheapest: bool) -> WayCost:
    return WayCost(c.way, c.cost, c.deadline, c.detail, c.missing, c.notes, cheapest)


@dataclass(frozen=True, slots=True)
class LotPlan:
    lot_id: int
    pedimento: str
    part: str
    fraccion: str
    origin: str
    entry_date: date
    limit_date: date | None
    days_left: int | None
    status: str
    open_quantity: Decimal
    open_value_usd: Decimal
    ways: tuple[WayCost, ...]


@dataclass(frozen=True, slots=True)
class ExpiryPlan:
    company_rfc: str
    company_name: str
    as_of: date
    within_days: int
    lots: tuple[LotPlan, ...]
    totals: dict[str, Any]
    data_used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    simulation: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "simulation": self.simulation,
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "as_of": self.as_of,
            "within_days": self.within_days,
            "totals": self.totals,
            "lots": [
                {
                    **{
                        k: getattr(lp, k)
                        for k in (
                            "lot_id",
                            "pedimento",
                            "part",
                            "fraccion",
                            "origin",
                            "entry_date",
                            "limit_date",
                            "days_left",
                            "status",
                            "open_quantity",
                            "open_value_usd",
                        )
                    },
                    "ways": [
                        {
                            "way": w.way,
                            "keys": w.way.keys,
                            "cost": w.cost,
                            "deadline": w.deadline,
                            "cheapest": w.cheapest,
                            "rules": w.way.rules,
                            "missing": list(w.missing),
                            "notes": list(w.notes),
                            "detail": w.detail,
                        }
                        for w in lp.ways
                    ],
                }
                for lp in self.lots
            ],
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
