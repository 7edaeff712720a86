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
  products fall within the sector's goods (Decree art. 4; RULES P-1, P-4) — only when the
  user gives that list (``--sector-goods FILE``; immex bundles none): otherwise the advice
  says it is not checked.

Ranked by saving. No store, no clock: the priced figures come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.messages import Msg, Template, joined
from immex.domain.money import ZERO

HELD = Template(
    "advice.held",
    "Sector {sector} ({name}) is held: holding it saved {saving} MXN from {start} to {end} — "
    "{f4} on the changes of regime (F4) and {usmca} on LA 63-A — against the duties the "
    "company would have paid without it; its list covers {covered} of the company's {parts} "
    "parts.",
)
POTENTIAL = Template(
    "advice.potential",
    "Sector {sector} ({name}) is not held: registering it would have saved {saving} MXN from "
    "{start} to {end} ({f4} on F4, {usmca} on LA 63-A), had the registration been in force; "
    "its list covers {covered} of the company's {parts} parts. A registration requires "
    "producing the sector's goods (RULES P-1, P-4).",
)
NO_EFFECT = Template(
    "advice.no_effect",
    "Sector {sector} ({name}) is not held and would not have lowered the period's duties; its "
    "list covers {covered} of the company's {parts} parts.",
)
REJECTED = Template("advice.rejected", "Why its rate did not apply: {why}.")
ACOTACIONES = Template(
    "advice.acotaciones",
    "{n} fracción carries an acotación a person must confirm (RULES P-3).",
    "{n} fracciones carry an acotación a person must confirm (RULES P-3).",
)
GOODS_UNKNOWN = Template(
    "advice.goods_unknown",
    "Whether the company's products are the sector's goods is not checked: the sector's "
    "goods list (Decree art. 4) was not given (--sector-goods FILE).",
)
GOODS_NOT_LISTED = Template(
    "advice.goods_not_listed",
    "The goods list given ({file}) has no row for sector {sector}: whether the company's "
    "products are its goods is not checked.",
)
GOODS_ALL = Template(
    "advice.goods_all",
    "All {total} of the company's products fall within the sector's goods (Decree art. 4, "
    "list {file}).",
)
GOODS_SOME = Template(
    "advice.goods_some",
    "{inside} of the company's {total} products fall within the sector's goods (Decree art. 4, "
    "list {file}); not within: {outside} — the sector's inputs may be used only for its goods "
    "(RULES P-4).",
)
REALISED = Template(
    "advice.realised",
    "Realised: the sectors held ({held}) saved {saving} MXN from {start} to {end}.",
)
NO_POTENTIAL = Template(
    "advice.no_potential",
    "Potential: no sector the company does not hold would have saved more.",
)
BEST = Template(
    "advice.best",
    "Potential: the best sector not held is {sector} ({name}), {saving} MXN over the same period.",
)
NONE_HELD = Template("advice.none_held", "none")
KIND = {True: Template("advice.kind_realised", "realised"),
        False: Template("advice.kind_potential", "potential")}  # fmt: skip


def _pesos(v: Decimal) -> str:
    return f"{v:,.0f}"


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
    products_in_goods: int | None  # None: the sector's goods list was not given
    rows_source: tuple[str, ...]
    rejected: str = ""  # why the sector's rate did not apply, when it did not
    products_total: int = 0
    products_outside: tuple[str, ...] = ()  # products whose fracción the goods list lacks
    goods_file: str = ""  # the goods list given ("" = none)

    @property
    def saving(self) -> Decimal:
        return self.f4_saving + self.usmca_saving

    @property
    def kind(self) -> Msg:
        return KIND[self.held]()

    def explanation(self, date_from: date, date_to: date) -> Msg:
        """The saving in words."""
        fields = {
            "sector": self.sector, "name": self.sector_name, "saving": _pesos(self.saving),
            "start": date_from.isoformat(), "end": date_to.isoformat(),
            "f4": _pesos(self.f4_saving), "usmca": _pesos(self.usmca_saving),
            "covered": self.parts_covered, "parts": self.parts_total,
        }  # fmt: skip
        parts: list[Msg | str] = []
        if self.held:
            parts.append(HELD(**fields))
        elif self.saving > 0:
            parts.append(POTENTIAL(**fields))
        else:
            parts.append(NO_EFFECT(**fields))
            if self.rejected:
                parts.append(REJECTED(why=self.rejected))
        if self.acotaciones:
            parts.append(ACOTACIONES(n=len(self.acotaciones)))
        parts.append(self.goods_text())
        return joined(parts, " ")

    def goods_text(self) -> Msg:
        """Whether the company's products fall within the sector's goods (RULES P-1, P-4)."""
        if not self.goods_file:
            return GOODS_UNKNOWN()
        if self.products_in_goods is None:
            return GOODS_NOT_LISTED(file=self.goods_file, sector=self.sector)
        if not self.products_outside:
            return GOODS_ALL(total=self.products_total, file=self.goods_file)
        shown = ", ".join(self.products_outside[:8])
        more = len(self.products_outside) - 8
        return GOODS_SOME(
            inside=self.products_in_goods, total=self.products_total, file=self.goods_file,
            outside=shown + (f" (+{more})" if more > 0 else ""),
        )  # fmt: skip


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

    def summary(self) -> Msg:
        best = next((s for s in self.sectors if not s.held and s.saving > 0), None)
        realised = REALISED(
            held=", ".join(self.held) if self.held else NONE_HELD(),
            saving=_pesos(self.realised),
            start=self.date_from.isoformat(),
            end=self.date_to.isoformat(),
        )
        if best is None:
            return joined([realised, NO_POTENTIAL()], " ")
        potential = BEST(sector=best.sector, name=best.sector_name, saving=_pesos(best.saving))
        return joined([realised, potential], " ")

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
                    "products_total": s.products_total,
                    "products_outside": list(s.products_outside),
                    "goods_file": s.goods_file or None,
                    "rows_source": list(s.rows_source),
                    "explanation": s.explanation(self.date_from, self.date_to),
                }
                for s in self.sectors
            ],
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
