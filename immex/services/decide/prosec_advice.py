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
from typing import Any

from immex.domain.duties import DutyContext
from immex.domain.errors import InvalidInput
from immex.domain.lot_portions import LotPortion, PortionSplit
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.prosec_advice import ProsecAdvice, SectorSaving, rank
from immex.domain.rates import ProsecRow
from immex.domain.savings import realised
from immex.domain.usmca_63a import DESTINATIONS, price_exports
from immex.services.decide.sector_goods import SectorGoods, read_sector_goods
from immex.services.discharge.caveats import NO_RUN_YET
from immex.services.duties.journal_portions import (
    duty_context_of,
    has_run,
    journal_caveats,
    lot_portions,
)
from immex.services.duties.savings import TO_BEFORE_FROM
from immex.services.duties.usmca import read_us_duties
from immex.services.rates.sectors import sector_catalog
from immex.services.workspace.context import Workspace

NO_ROWS = Template(
    "advice.no_rows",
    "no PROSEC rows loaded: load a sector's list with `immex rates load prosec FILE` "
    "(Decree art. 5; RULES P-3, P-6)",
)
NONE_IN_FORCE = Template(
    "advice.none_in_force",
    "{rows} PROSEC row loaded, not in force from {start} to {end} (in force from {first}): no "
    "sector to advise on in the period",
    "{rows} PROSEC rows loaded, none in force from {start} to {end} (the first from {first}): no "
    "sector to advise on in the period",
    count="rows",
)
GOODS_EXTRA = Template(
    "advice.goods_extra",
    "the goods list {file} names sector {sectors} with no PROSEC rows loaded: not advised",
    "the goods list {file} names sectors {sectors} with no PROSEC rows loaded: not advised",
)
SIMULATION = Template("advice.simulation", "a simulation: nothing was written")
SAVING_IS = Template(
    "advice.saving_is",
    "saving of a sector = the duties with the company's registrations minus the sector − the "
    "duties with them plus the sector: F4 of each month (change date: its last weekday; RULES "
    "C-4) and LA 63-A on exports to the US/Canada (RULES U-3)",
)
REALISED_IS = Template(
    "advice.realised_is",
    "realised = sectors held; potential = sectors not held, as if the registration had been "
    "in force over the whole period",
)
GOODS_NOT_GIVEN = Template(
    "advice.goods_not_given",
    "a sector's inputs may be used only for the sector's goods (RULES P-4); no goods list "
    "(Decree art. 4) was given (--sector-goods FILE), so the company's products are not checked",
)
GOODS_GIVEN = Template(
    "advice.goods_given",
    "a sector's inputs may be used only for the sector's goods (RULES P-4): the company's "
    "products (their fracción in the product master) checked against the goods list {file}, "
    "the user's transcription of Decree art. 4",
)
NO_US_DUTIES = Template(
    "advice.no_us_duties",
    "no US/CA duties file: the 63-A figures take no US/CA duty paid (the full Mexican duty "
    "owed; RULES U-2)",
)
USED_LEDGER = Template(
    "advice.used_ledger",
    "ledger: {domestic} and {exports} of the current discharge run on fracciones the loaded "
    "PROSEC rows list",
)
USED_MATERIALS = Template(
    "advice.used_materials", "{materials} and {products} with their fracciones"
)
#: the counts of the data used, each in the form its number takes
N_DOMESTIC = Template(
    "advice.n_domestic", "{n} domestic-sale lot portion", "{n} domestic-sale lot portions"
)
N_EXPORTS = Template(
    "advice.n_exports", "{n} US/CA export lot portion", "{n} US/CA export lot portions"
)
N_MATERIALS = Template("advice.n_materials", "{n} material", "{n} materials")
N_PRODUCTS = Template("advice.n_products", "{n} product", "{n} products")
USED_GOODS = Template(
    "advice.used_goods",
    "sector goods list {file} ({rows} row, given by the user)",
    "sector goods list {file} ({rows} rows, given by the user)",
    count="rows",
)


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
    products: dict[str, str],
    goods: SectorGoods | None,
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
        rows_source=tuple(sorted({r.source for r in mine})),
        rejected=why,
        **_goods_check(code, products, goods, date_from, date_to),
    )


def _goods_check(
    code: str, products: dict[str, str], goods: SectorGoods | None, start: date, end: date
) -> dict[str, Any]:
    """Which of the company's products (by their fracción) the sector's goods list has."""
    if goods is None:
        return {"products_in_goods": None, "products_total": len(products)}
    listed = goods.fractions(code, start, end)
    if not listed:
        return {"products_in_goods": None, "products_total": len(products),
                "goods_file": goods.file}  # fmt: skip
    outside = tuple(sorted(p for p, f in products.items() if f not in listed))
    return {
        "products_in_goods": len(products) - len(outside),
        "products_total": len(products),
        "products_outside": outside,
        "goods_file": goods.file,
    }


def prosec_advise(
    ws: Workspace,
    date_from: date,
    date_to: date,
    *,
    us_duties_file: Path | str | None = None,
    sector_goods: Path | str | None = None,
    context: DutyContext | None = None,
) -> ProsecAdvice:
    """Every PROSEC sector with rows loaded, priced on the period's F4s and 63-A duties."""
    if date_to < date_from:
        raise InvalidInput(TO_BEFORE_FROM(date_to=date_to, date_from=date_from), field="to")
    company = ws.the_company
    held = tuple(company.prosec_sectors)
    us = read_us_duties(Path(us_duties_file)) if us_duties_file else {}
    goods = read_sector_goods(sector_goods) if sector_goods else None
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
        products = repos.decisions.product_fractions(company.id)
        warnings: list[str] = (
            journal_caveats(ws, date_from, date_to, ("domestic", "export"))
            if has_run(ws)
            else [NO_RUN_YET()]
        )
    names = {s.code: s.name for s in sector_catalog()}
    codes = sorted({r.sector for r in rows if _in_period(r, date_from, date_to)})
    sectors = rank(
        [
            _sector(
                c,
                rows,
                held,
                dom,
                exp,
                ctx,
                us,
                materials,
                names,
                date_from,
                date_to,
                products,
                goods,
            )  # fmt: skip
            for c in codes
        ]
    )
    if not rows:
        warnings.append(NO_ROWS())
    elif not codes:
        first = min(r.valid_from for r in rows)
        span = {"start": date_from.isoformat(), "end": date_to.isoformat()}
        warnings.append(NONE_IN_FORCE(rows=len(rows), first=first.isoformat(), **span))
    if goods is not None and (extra := sorted(goods.sectors() - set(codes))):
        warnings.append(GOODS_EXTRA(file=goods.file, sectors=", ".join(extra), n=len(extra)))
    notes = [SIMULATION(), SAVING_IS(), REALISED_IS(), GOODS_GIVEN(file=goods.file) if goods
             else GOODS_NOT_GIVEN()]  # fmt: skip
    if not us:
        notes.append(NO_US_DUTIES())
    return ProsecAdvice(
        company.rfc,
        company.name,
        date_from,
        date_to,
        held,
        tuple(sectors),
        data_used=(
            USED_LEDGER(domestic=N_DOMESTIC(n=len(dom)), exports=N_EXPORTS(n=len(exp))),
            USED_MATERIALS(
                materials=N_MATERIALS(n=len(materials)), products=N_PRODUCTS(n=len(products))
            ),
            *([USED_GOODS(file=goods.file, rows=len(goods.rows))] if goods else []),
            *ctx.notes,
        ),
        notes=tuple(notes),
        warnings=tuple(dict.fromkeys(warnings)),
    )
