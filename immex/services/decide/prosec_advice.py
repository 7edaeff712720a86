"""``immex prosec advise``: which PROSEC sector pays, and what the ones held saved.

The use case: the period's domestic-sale lot portions (per lot and month, as the F4 of each
month) and the inputs of its exports to the US/Canada (per lot and document, as the 63-A
report), on fracciones some loaded PROSEC row lists; each sector with rows is priced in and
out of the company's registrations with the F4 and 63-A engines
(:func:`immex.domain.savings.realised`, :func:`immex.domain.usmca_63a.price_exports`), and
the domain (:mod:`immex.domain.prosec_advice`) ranks and explains. Nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from immex.domain.duties import DutyContext
from immex.domain.errors import InvalidInput
from immex.domain.lot_portions import LotPortion, PortionSplit
from immex.domain.money import ZERO
from immex.domain.prosec_advice import ProsecAdvice, SectorSaving, rank
from immex.domain.rates import ProsecRow
from immex.domain.savings import realised
from immex.domain.usmca_63a import DESTINATIONS, price_exports
from immex.services.duties.journal_portions import (
    duty_context_of,
    has_run,
    journal_caveats,
    lot_portions,
)
from immex.services.duties.usmca import read_us_duties
from immex.services.rates.sectors import sector_catalog
from immex.services.workspace.context import Workspace


def _in_period(r: ProsecRow, date_from: date, date_to: date) -> bool:
    return r.valid_from <= date_to and (r.valid_to is None or r.valid_to >= date_from)


def _f4_effect(
    dom: Sequence[LotPortion], ctx: DutyContext, with_s: tuple[str, ...], without: tuple[str, ...]
) -> tuple[dict[tuple[str, str], Decimal], str]:
    """Saving per (fracción, month) on the F4s, and why the sector's rate did not apply."""
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    a, b = realised(dom, ctx, with_s), realised(dom, ctx, without)
    why = ""
    for (month, w), (_m, wo) in zip(a, b, strict=True):
        out[(w.portion.fraccion, month)] += wo.best.total - w.best.total
        if not why:
            why = next(
                (
                    o.reason
                    for o in w.best.options
                    if o.program == "PROSEC" and not o.eligible and o.reason
                ),
                "",
            )
    return dict(out), why


def _usmca_effect(
    exp: Sequence[LotPortion],
    ctx: DutyContext,
    us: dict[str, Decimal],
    with_s: tuple[str, ...],
    without: tuple[str, ...],
) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    a, b = price_exports(exp, ctx, us, with_s), price_exports(exp, ctx, us, without)
    for w, wo in zip(a, b, strict=True):
        d = w.portion.shipment_date
        out[(w.portion.fraccion, f"{d.year:04d}-{d.month:02d}")] += wo.result.owed - w.result.owed
    return dict(out)


def _sector(
    code: str,
    rows: list[ProsecRow],
    held: tuple[str, ...],
    dom: list[LotPortion],
    exp: list[LotPortion],
    ctx: DutyContext,
    us: dict[str, Decimal],
    materials: dict[str, str],
    names: dict[str, str],
    date_from: date,
    date_to: date,
) -> SectorSaving:
    mine = [r for r in rows if r.sector == code and _in_period(r, date_from, date_to)]
    fractions = {r.fraccion for r in mine}
    with_s = tuple(sorted(set(held) | {code}))
    without = tuple(sorted(set(held) - {code}))
    f4, why = _f4_effect([p for p in dom if p.fraccion in fractions], ctx, with_s, without)
    usmca = _usmca_effect([p for p in exp if p.fraccion in fractions], ctx, us, with_s, without)
    by: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for k, v in [*f4.items(), *usmca.items()]:
        by[k] += v
    used = set(materials.values())
    return SectorSaving(
        code,
        names.get(code) or next((r.sector_name for r in mine), ""),
        code in held,
        sum(f4.values(), ZERO),
        sum(usmca.values(), ZERO),
        {k: v for k, v in by.items() if v},
        parts_covered=sum(1 for f in materials.values() if f in fractions),
        parts_total=len(materials),
        fractions_listed=len(fractions),
        acotaciones=tuple(
            sorted(
                {f"{r.fraccion}: {r.acotacion}" for r in mine if r.acotacion and r.fraccion in used}
            )
        ),
        products_in_goods=None,
        rows_source=tuple(sorted({r.source for r in mine})),
        rejected=why,
    )


def prosec_advise(
    ws: Workspace,
    date_from: date,
    date_to: date,
    *,
    us_duties_file: Path | str | None = None,
    context: DutyContext | None = None,
) -> ProsecAdvice:
    """Every PROSEC sector with rows loaded, priced on the period's F4s and 63-A duties."""
    if date_to < date_from:
        raise InvalidInput(f"--to {date_to} is before --from {date_from}", field="to")
    company = ws.the_company
    held = tuple(company.prosec_sectors)
    us = read_us_duties(Path(us_duties_file)) if us_duties_file else {}
    with ws.read() as repos:
        ctx = context or duty_context_of(ws)
        rows = list(ctx.book.prosec)
        fractions = {r.fraccion for r in rows}
        dom = lot_portions(
            ws, ("F4",), date_from, date_to, split=PortionSplit.LOT_MONTH, fractions=fractions
        )
        exp = lot_portions(
            ws,
            ("RT",),
            date_from,
            date_to,
            split=PortionSplit.LOT_DOCUMENT,
            fractions=fractions,
            destinations=DESTINATIONS,
        )
        materials = repos.decisions.material_fractions(company.id)
        warnings = (
            journal_caveats(ws, date_from, date_to, ("domestic", "export"))
            if has_run(ws)
            else ["no discharge run yet: run `immex discharge run` first"]
        )
    names = {s.code: s.name for s in sector_catalog()}
    codes = sorted({r.sector for r in rows if _in_period(r, date_from, date_to)})
    sectors = rank(
        [
            _sector(c, rows, held, dom, exp, ctx, us, materials, names, date_from, date_to)
            for c in codes
        ]
    )
    if not rows:
        warnings.append(
            "no PROSEC rows loaded: load a sector's list with `immex rates load "
            "prosec FILE` (Decree art. 5; RULES P-3, P-6)"
        )
    notes = [
        "a simulation: nothing was written",
        "saving of a sector = the duties with the company's registrations minus the sector "
        "− the duties with them plus the sector: F4 of each month (change date: its last "
        "weekday; RULES C-4) and LA 63-A on exports to the US/Canada (RULES U-3)",
        "realised = sectors held; potential = sectors not held, as if the registration had "
        "been in force over the whole period",
        "a sector's inputs may be used only for the sector's goods (RULES P-4); the goods "
        "list (Decree art. 4) is not loaded, so the company's products are not checked",
    ]
    if not us:
        notes.append(
            "no US/CA duties file: the 63-A figures take no US/CA duty paid "
            "(the full Mexican duty owed; RULES U-2)"
        )
    return ProsecAdvice(
        company.rfc,
        company.name,
        date_from,
        date_to,
        held,
        tuple(sectors),
        data_used=(
            f"ledger: {len(dom)} domestic-sale and {len(exp)} US/CA export lot portion(s) of "
            "the current discharge run on fracciones the loaded PROSEC rows list",
            f"{len(materials)} material(s) and their fracciones",
            *ctx.notes,
        ),
        notes=tuple(notes),
        warnings=tuple(dict.fromkeys(warnings)),
    )
