"""The PROSEC advisor: what each sector with loaded rows would have saved the company.

For every PROSEC sector whose list (Decree art. 5; RULES P-3) is loaded, over a period:

- the duties of the period's changes of regime (F4; RULES C-4) and of the inputs of exports
  to the US/Canada (LA 63-A; RULES U-3) priced twice — with the company's registrations plus
  the sector, and with them minus the sector — the difference is the sector's saving, per
  fracción and month;
- **realised** for a sector the company holds (what holding it saved), **potential** for one
  it does not (what registering would have saved, had the registration been in force);
- how many of the company's parts (materials) the sector's list covers, the acotaciones a
  person must confirm (RULES P-3: never applied silently), and whether the company's own
  products fall within the sector's goods (Decree art. 4; RULES P-1, P-4) — only when that
  list is loaded, which no loader provides yet: then the advice says so.

Ranked by saving. No store, no clock: the priced figures come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.money import ZERO


@dataclass(frozen=True, slots=True)
class SectorSaving:
    """One sector's effect on the period's duties (MXN, whole pesos per portion)."""

    sector: str
    sector_name: str
    held: bool
    f4_saving: Decimal
    usmca_saving: Decimal
    #: (fracción, YYYY-MM) → saving
    by_fraction_month: dict[tuple[str, str], Decimal]
    parts_covered: int
    parts_total: int
    fractions_listed: int
    acotaciones: tuple[str, ...]
    products_in_goods: int | None  # None: the sector's goods list is not loaded
    rows_source: tuple[str, ...]
    rejected: str = ""  # why the sector's rate did not apply, when it did not

    @property
    def saving(self) -> Decimal:
        return self.f4_saving + self.usmca_saving

    @property
    def kind(self) -> str:
        return "realised" if self.held else "potential"

    def explanation(self, date_from: date, date_to: date) -> str:
        """The saving in words."""
        span = f"from {date_from} to {date_to}"
        parts = f"its list covers {self.parts_covered} of the company's {self.parts_total} parts"
        if self.held:
            text = (
                f"Sector {self.sector} ({self.sector_name}) is held: holding it saved "
                f"{self.saving:,.0f} MXN {span} — {self.f4_saving:,.0f} on the changes of "
                f"regime (F4) and {self.usmca_saving:,.0f} on LA 63-A — against the duties "
                f"the company would have paid without it; {parts}."
            )
        elif self.saving > 0:
            text = (
                f"Sector {self.sector} ({self.sector_name}) is not held: registering it would "
                f"have saved {self.saving:,.0f} MXN {span} ({self.f4_saving:,.0f} on F4, "
                f"{self.usmca_saving:,.0f} on LA 63-A), had the registration been in force; "
                f"{parts}. A registration requires producing the sector's goods (RULES P-1, "
                "P-4)."
            )
        else:
            text = (
                f"Sector {self.sector} ({self.sector_name}) is not held and would not have "
                f"lowered the period's duties; {parts}"
                + (f" ({self.rejected})" if self.rejected else "")
                + "."
            )
        if self.acotaciones:
            text += (
                f" {len(self.acotaciones)} fracción(es) carry an acotación a person must "
                "confirm (RULES P-3)."
            )
        if self.products_in_goods is None:
            text += " Whether the company's products are the sector's goods is not checked: "
            text += "the sector's goods list (Decree art. 4) is not loaded."
        return text


def rank(savings: list[SectorSaving]) -> list[SectorSaving]:
    """Highest saving first; held sectors before others at equal saving; then by code."""
    return sorted(savings, key=lambda s: (-s.saving, not s.held, s.sector))


@dataclass(frozen=True, slots=True)
class ProsecAdvice:
    company_rfc: str
    company_name: str
    date_from: date
    date_to: date
    held: tuple[str, ...]
    sectors: tuple[SectorSaving, ...]
    data_used: tuple[str, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    simulation: bool = True

    @property
    def realised(self) -> Decimal:
        return sum((s.saving for s in self.sectors if s.held), ZERO)

    @property
    def potential(self) -> Decimal:
        return sum((s.saving for s in self.sectors if not s.held and s.saving > 0), ZERO)

    def summary(self) -> str:
        best = next((s for s in self.sectors if not s.held and s.saving > 0), None)
        text = (
            f"Realised: the sectors held ({', '.join(self.held) or 'none'}) saved "
            f"{self.realised:,.0f} MXN from {self.date_from} to {self.date_to}. "
        )
        if best is None:
            return text + "Potential: no sector the company does not hold would have saved more."
        return text + (
            f"Potential: the best sector not held is {best.sector} ({best.sector_name}), "
            f"{best.saving:,.0f} MXN over the same period."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "simulation": self.simulation,
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "from": self.date_from,
            "to": self.date_to,
            "held": list(self.held),
            "realised": self.realised,
            "potential": self.potential,
            "summary": self.summary(),
            "sectors": [
                {
                    "sector": s.sector,
                    "name": s.sector_name,
                    "held": s.held,
                    "kind": s.kind,
                    "saving": s.saving,
                    "f4_saving": s.f4_saving,
                    "usmca_saving": s.usmca_saving,
                    "by_fraction_month": [
                        {"fraccion": f, "month": m, "saving": v}
                        for (f, m), v in sorted(s.by_fraction_month.items())
                    ],
                    "parts_covered": s.parts_covered,
                    "parts_total": s.parts_total,
                    "fractions_listed": s.fractions_listed,
                    "acotaciones": list(s.acotaciones),
                    "products_in_goods": s.products_in_goods,
                    "rows_source": list(s.rows_source),
                    "explanation": s.explanation(self.date_from, self.date_to),
                }
                for s in self.sectors
            ],
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
