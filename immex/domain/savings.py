"""What the programs saved against the general rate (MFN), and which PROSEC sector to add.

Realised savings: every domestic-sale lot portion (journal key ``F4``) of a range, priced by
month exactly as :mod:`immex.domain.f4_plan` prices the month's F4 (best lawful rate vs MFN
only, same engine, same change date): by program/sector, by fracción, by month.

"Which sector should we add?": for the lot portions of the range that pay Mexican IGI —
domestic sales (F4) and inputs of exports to the US/Canada (LA 63-A) — and for each PROSEC
sector whose loaded list has the portion's fracción, the marginal effect of that sector:
for a sector the company is not registered in, IGI with its registrations − IGI with the
sector added; for a registered one, IGI without it − IGI with it. IGI here is
``customs value (MXN, FIX of the entry) × rate / 100`` at the rates in force on
``rates_as_of`` (by default the end of the range) — before the INPC update and the 63-A
offset, which do not depend on the sector. Acotaciones are flagged, never assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.duties import DutyContext
from immex.domain.f4_plan import (
    F4Policy,
    PricedPortion,
    default_change_date,
    price_portions,
    program_label,
)
from immex.domain.lot_portions import LotPortion, merge_by_lot
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.rates import MFN, PROSEC, RateDecision, RateQuery
from immex.domain.series import Month, month_str, previous_month

NOTE_PROSEC_NOT_IN_FORCE = Template(
    "note.prosec_not_in_force",
    "no PROSEC rate applied to the range's changes of regime: the loaded PROSEC rows were not "
    "in force on the dates used (see each line's trace for the reason)",
)()
NOTE_REALISED = Template(
    "note.savings_realised",
    "realised savings = F4 at MFN only − F4 at the best lawful rate, each domestic-sale lot "
    "portion priced with the F4 of its month (change date: the month's last weekday)",
)()
NOTE_WHAT_IF = Template(
    "note.savings_what_if",
    "sector what-if at the rates in force on {day}: IGI on the customs value (FIX of the entry "
    "date) before the INPC update and the 63-A offset; F4 and US/Canada export portions of the "
    "range",
)
FRACTION_REASON = Template("reason.of_fraction", "{fraccion}: {reason}")


@dataclass(frozen=True, slots=True)
class SectorWhatIf:
    sector: str
    sector_name: str
    registered: bool
    fractions: tuple[str, ...]
    portions: int
    customs_value_mxn: Decimal
    igi_saving: Decimal  # MXN over the range, at the rates of rates_as_of
    needs_review: tuple[str, ...]  # acotaciones a person must check
    reason: str = ""  # why the sector's rate did not apply (first such reason), if any


@dataclass(frozen=True, slots=True)
class SavingsReport:
    company_rfc: str
    company_name: str
    date_from: date
    date_to: date
    rates_as_of: date
    prosec_sectors: tuple[str, ...]
    total: Decimal
    total_best: Decimal
    total_mfn: Decimal
    by_program: dict[str, Decimal]
    by_sector: dict[str, Decimal]
    by_fraction: tuple[dict[str, Any], ...]
    by_month: tuple[dict[str, Any], ...]
    what_if: tuple[SectorWhatIf, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The report as ``immex savings --json`` prints it."""
        return {
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "from": self.date_from,
            "to": self.date_to,
            "rates_as_of": self.rates_as_of,
            "prosec_sectors": list(self.prosec_sectors),
            "savings": self.total,
            "total_best": self.total_best,
            "total_mfn": self.total_mfn,
            "by_program": self.by_program,
            "by_sector": self.by_sector,
            "by_fraction": list(self.by_fraction),
            "by_month": list(self.by_month),
            "what_if": list(self.what_if),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }

    def best_unregistered(self) -> SectorWhatIf | None:
        cands = [w for w in self.what_if if not w.registered and w.igi_saving > 0]
        return max(cands, key=lambda w: w.igi_saving) if cands else None


def months_back(month: Month, n: int) -> date:
    """The first day of the month ``n`` months before ``month``."""
    for _ in range(n):
        month = previous_month(month)
    return date(month[0], month[1], 1)


def savings_start(month: Month) -> date:
    """First day of the twelve-month savings window that ends with ``month``."""
    return months_back(month, 11)


def realised(
    domestic: Sequence[LotPortion],
    context: DutyContext,
    prosec_sectors: tuple[str, ...],
    *,
    policy: F4Policy = F4Policy.ENTRY_DATE,
) -> list[tuple[str, PricedPortion]]:
    """Price the domestic portions month by month (the F4 of each month): ``(month, priced)``."""
    by_month: dict[Month, list[LotPortion]] = defaultdict(list)
    for p in domestic:
        if p.value_usd > 0:
            by_month[(p.shipment_date.year, p.shipment_date.month)].append(p)
    out: list[tuple[str, PricedPortion]] = []
    for month in sorted(by_month):
        change = default_change_date(month)
        label = month_str(month)
        for pp in price_portions(
            merge_by_lot(by_month[month]),
            context,
            change,
            prosec_sectors,
            policy=policy,
            source=f"savings {label}",
        ):
            out.append((label, pp))
    return out


def what_if(
    portions: Sequence[LotPortion],
    context: DutyContext,
    prosec_sectors: tuple[str, ...],
    rates_as_of: date,
    sector_names: dict[str, str],
) -> list[SectorWhatIf]:
    ctx = context.with_memo()
    registered = set(prosec_sectors)
    acc: dict[str, dict[str, Any]] = {}

    def decide(p: LotPortion, sectors: set[str]) -> RateDecision:
        certified = (p.certificate,) if p.certificate else ()
        q = RateQuery(p.fraccion, p.origin, rates_as_of, tuple(sorted(sectors)), (), certified)
        return ctx.decision(q)

    def rate(p: LotPortion, sectors: set[str]) -> Decimal | None:
        return decide(p, sectors).rate

    for p in portions:
        if p.value_usd <= 0:
            continue
        rows = ctx.book.prosec_for(p.fraccion)
        sectors = sorted({r.sector for r in rows})
        if not sectors:
            continue
        va = p.value_usd * ctx.fx_for(p.entry_date).rate
        current = rate(p, registered)
        for s in sectors:
            with_s = decide(p, registered | {s})
            why = next(
                (
                    o.reason
                    for o in with_s.options
                    if o.detail == f"sector {s}" and not o.eligible and o.reason
                ),
                "",
            )
            if s in registered:
                other = rate(p, registered - {s})
                saving = (
                    (other - current) * va / 100
                    if (other is not None and current is not None)
                    else ZERO
                )
            else:
                added = with_s.rate
                saving = (
                    (current - added) * va / 100
                    if (added is not None and current is not None)
                    else ZERO
                )
            a = acc.setdefault(
                s,
                {
                    "fractions": set(),
                    "portions": 0,
                    "va": ZERO,
                    "saving": ZERO,
                    "review": set(),
                    "why": "",
                },
            )
            if why and not a["why"]:
                a["why"] = FRACTION_REASON(fraccion=p.fraccion, reason=why)
            a["fractions"].add(p.fraccion)
            a["portions"] += 1
            a["va"] += va
            a["saving"] += saving
            for r in rows:
                if r.sector == s and r.acotacion and r.covers(rates_as_of):
                    a["review"].add(f"{r.fraccion}: {r.acotacion}")
    out = [
        SectorWhatIf(
            s,
            sector_names.get(s, ""),
            s in registered,
            tuple(sorted(a["fractions"])),
            a["portions"],
            a["va"],
            a["saving"],
            tuple(sorted(a["review"])),
            a["why"],
        )
        for s, a in acc.items()
    ]
    out.sort(key=lambda w: (-w.igi_saving, w.sector))
    return out


def build_savings(
    priced: Sequence[tuple[str, PricedPortion]],
    whatif: Sequence[SectorWhatIf],
    *,
    company_rfc: str,
    company_name: str,
    date_from: date,
    date_to: date,
    rates_as_of: date,
    prosec_sectors: tuple[str, ...],
) -> SavingsReport:
    by_program: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_sector: dict[str, Decimal] = defaultdict(lambda: ZERO)
    frac: dict[tuple[str, str], dict[str, Any]] = {}
    month: dict[str, dict[str, Any]] = {}
    for label, pp in priced:
        b = pp.best
        prog = program_label(b.program, b.program_detail)
        if b.program != MFN:
            by_program[prog] += pp.savings
        if b.program == PROSEC:
            by_sector[b.program_detail.replace("sector ", "")] += pp.savings
        f = frac.setdefault(
            (b.fraccion, prog),
            {
                "fraccion": b.fraccion,
                "program": prog,
                "portions": 0,
                "total": ZERO,
                "total_mfn": ZERO,
                "savings": ZERO,
            },
        )
        f["portions"] += 1
        f["total"] += b.total
        f["total_mfn"] += pp.mfn.total
        f["savings"] += pp.savings
        m = month.setdefault(
            label,
            {"month": label, "portions": 0, "total": ZERO, "total_mfn": ZERO, "savings": ZERO},
        )
        m["portions"] += 1
        m["total"] += b.total
        m["total_mfn"] += pp.mfn.total
        m["savings"] += pp.savings
    total_best = sum((pp.best.total for _, pp in priced), ZERO)
    total_mfn = sum((pp.mfn.total for _, pp in priced), ZERO)
    warnings = list(dict.fromkeys(w for _, pp in priced for w in pp.best.warnings))
    not_in_force = []
    if not by_sector and whatif:
        not_in_force.append(NOTE_PROSEC_NOT_IN_FORCE)
    notes = (NOTE_REALISED, NOTE_WHAT_IF(day=rates_as_of.isoformat()), *not_in_force)
    return SavingsReport(
        company_rfc,
        company_name,
        date_from,
        date_to,
        rates_as_of,
        prosec_sectors,
        total_mfn - total_best,
        total_best,
        total_mfn,
        dict(sorted(by_program.items())),
        dict(sorted(by_sector.items())),
        tuple(sorted(frac.values(), key=lambda r: (-r["savings"], r["fraccion"]))),
        tuple(month[k] for k in sorted(month)),
        tuple(whatif),
        tuple(warnings),
        notes,
    )
