"""Decree impact: what a list not yet loaded would change for the company.

A new list — a LIGIE amendment or the official tariff workbook (RULES T-1, P-6), a PROSEC
sector list (RULES P-3, P-6), an agreement schedule (RULES C-4) — changes the rate a
fracción pays. For the fracciones it touches, the impact compares, at the rates in force on
one date, the IGI of the company's goods before and after the list: the open temporary
balance (what a change of regime of it would pay), the last twelve months' changes of
regime (F4) and the inputs of its exports to the US/Canada (LA 63-A). IGI here is the
customs value (FIX of the entry) × the rate — before the INPC update and the 63-A offset,
which the list does not change (as the savings what-if, :mod:`immex.domain.savings`).

No store, no clock: the portions and the two rate decisions come in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from immex.domain.money import ZERO


@dataclass
class FractionImpact:
    """One fracción the list touches, and what it changes for the company (MXN)."""

    fraccion: str
    rows: int
    parts: list[str] = field(default_factory=list)
    rate_before: str = ""
    rate_after: str = ""
    open_lots: int = 0
    open_value_usd: Decimal = ZERO
    open_igi_before: Decimal = ZERO
    open_igi_after: Decimal = ZERO
    f4_portions: int = 0
    f4_igi_before: Decimal = ZERO
    f4_igi_after: Decimal = ZERO
    usmca_portions: int = 0
    usmca_igi_before: Decimal = ZERO
    usmca_igi_after: Decimal = ZERO

    @property
    def change(self) -> Decimal:
        """What the last twelve months would have paid more (+) or less (−)."""
        return (self.f4_igi_after - self.f4_igi_before) + (
            self.usmca_igi_after - self.usmca_igi_before
        )

    @property
    def concerns_company(self) -> bool:
        return bool(self.parts or self.open_lots or self.f4_portions or self.usmca_portions)

    def add(self, where: str, before: Decimal, after: Decimal) -> None:
        if where == "open":
            self.open_lots += 1
            self.open_igi_before += before
            self.open_igi_after += after
        elif where == "f4":
            self.f4_portions += 1
            self.f4_igi_before += before
            self.f4_igi_after += after
        else:
            self.usmca_portions += 1
            self.usmca_igi_before += before
            self.usmca_igi_after += after


def igi(value_mxn: Decimal, rate: Decimal | None) -> Decimal:
    """Customs value × ad-valorem rate (unrounded: a comparison, not an amount to pay)."""
    return ZERO if rate is None else value_mxn * rate / 100


@dataclass(frozen=True, slots=True)
class ImpactReport:
    company_rfc: str
    file: str
    kind: str
    rows: int
    rates_as_of: date
    period: tuple[date, date]  # the twelve months of F4 and 63-A
    fractions: tuple[FractionImpact, ...]  # those that concern the company, biggest first
    untouched: int  # fracciones of the list the company has nothing on
    data_used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    simulation: bool = True

    def totals(self) -> dict[str, Decimal]:
        keys = (
            "open_value_usd",
            "open_igi_before",
            "open_igi_after",
            "f4_igi_before",
            "f4_igi_after",
            "usmca_igi_before",
            "usmca_igi_after",
        )
        out = {k: sum((getattr(f, k) for f in self.fractions), ZERO) for k in keys}
        out["change_12_months"] = sum((f.change for f in self.fractions), ZERO)
        return out

    def to_dict(self) -> dict[str, Any]:
        totals = {k: cents(v) for k, v in self.totals().items()}
        return {
            "simulation": self.simulation,
            "company": self.company_rfc,
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "rates_as_of": self.rates_as_of,
            "period": {"from": self.period[0], "to": self.period[1]},
            "totals": totals,
            "fractions": [
                {
                    **{k: cents(getattr(f, k)) for k in FractionImpact.__dataclass_fields__},
                    "change_12_months": cents(f.change),
                }
                for f in self.fractions
            ],
            "fractions_not_concerning_the_company": self.untouched,
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def cents(value: Any) -> Any:
    """A comparison amount shown to the centavo (half-up); other values unchanged."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return value


def rank(fractions: list[FractionImpact]) -> list[FractionImpact]:
    return sorted(
        (f for f in fractions if f.concerns_company),
        key=lambda f: (-abs(f.change), -abs(f.open_igi_after - f.open_igi_before), f.fraccion),
    )
