"""``immex prosec application --sector S``: the data a PROSEC application asks for.

The goods the company produces (products and their fracciones), the components it imports
by fracción with the sector's rate (its loaded list, RULES P-3) and the general rate (LIGIE
in force), the twelve months' import volumes, and the savings estimate of the advisor
(:func:`immex.services.decide.prosec_advice.prosec_advise`) for the sector over the same
months. A person completes and files it; the pack says what it could not fill.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.duties import DutyContext
from immex.domain.errors import ImmexError
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.program_packs import Pack
from immex.domain.savings import savings_start
from immex.services.decide.prosec_advice import prosec_advise
from immex.services.duties.journal_portions import duty_context_of
from immex.services.rates.sectors import normalize_sector, sector_catalog
from immex.services.workspace.context import Workspace

NOT_IN_DATA = Template("app.not_in_data", "not in the data ({detail})")
NOT_LISTED = Template("app.not_listed", "not in the sector's list")
NO_ROWS = Template(
    "app.no_rows",
    "no loaded PROSEC rows of sector {sector} in force on {day}: the sector's rates and the "
    "savings estimate are empty (load the list with `immex rates load prosec FILE`)",
)
L_SECTOR = Template("app.sector", "sector")
L_HELD = Template("app.held", "held already")
L_PRODUCTS = Template("app.products", "products")
L_IMPORTED = Template("app.imported", "imported fracciones")
L_LISTED = Template("app.listed", "of them in the sector's list")
L_IMPORTS_12M = Template("app.imports_12m", "12-month imports (USD)")
L_SAVING = Template("app.saving", "savings estimate, 12 months (MXN)")
L_HOW = Template("app.how", "savings estimate: how")
NO_SAVING = Template(
    "app.no_saving", "no loaded row of the sector lists a fracción the company used in the period"
)
T_GOODS = Template("app.t.goods", "goods produced")
T_COMPONENTS = Template("app.t.components", "components imported")
D_ROWS = Template(
    "app.used_rows",
    "{rows} loaded PROSEC row of sector {sector} in force on {day}",
    "{rows} loaded PROSEC rows of sector {sector} in force on {day}",
    count="rows",
)
D_LEDGER = Template(
    "app.used_ledger",
    "ledger: {products}, {materials}, {lots} from {start} to {end}",
)
#: the counts of the data used, each in the form its number takes
N_PRODUCTS = Template("app.n_products", "{n} product", "{n} products")
N_MATERIALS = Template("app.n_materials", "{n} material", "{n} materials")
N_LOTS = Template("app.n_lots", "{n} lot entered", "{n} lots entered")
N_GOODS = Template(
    "app.goods",
    "the goods the company produces must be the sector's goods (Decree art. 4; RULES P-1, P-4): "
    "check them with `immex prosec advise --sector-goods FILE`, or a person must confirm",
)
N_ACOTACIONES = Template(
    "app.acotaciones",
    "acotaciones limit which goods of a fracción qualify (RULES P-3): confirm each",
)


def _mfn_text(ctx: DutyContext, fraccion: str, when: date) -> str:
    try:
        return ctx.mfn(fraccion, when).rate.text
    except ImmexError as exc:
        return NOT_IN_DATA(detail=exc.message)


def prosec_application(
    ws: Workspace, sector: str, as_of: date, *, context: DutyContext | None = None
) -> Pack:
    """The application data for ``sector`` from the twelve months ending with ``as_of``."""
    start = savings_start((as_of.year, as_of.month))
    company = ws.the_company
    with ws.read() as repos:
        ctx = context or duty_context_of(ws)
        code = normalize_sector(sector, ctx.book.sector_order or None)
        products = repos.decisions.product_fractions(company.id)
        materials = repos.decisions.material_fractions(company.id)
        lots = repos.reports.lots_entered(company.id, start, as_of)
        advice = prosec_advise(ws, start, as_of, context=ctx)
    rows = [r for r in ctx.book.prosec if r.sector == code and r.covers(as_of)]
    listed = {r.fraccion: r for r in rows}
    volumes: dict[str, list[Any]] = defaultdict(lambda: [set(), 0, ZERO, ZERO])
    for lot in lots:
        v = volumes[lot.fraccion]
        v[0].add(lot.part_number)
        v[1] += 1
        v[2] += lot.quantity
        v[3] += lot.value_usd
    imported = sorted(set(materials.values()) | set(volumes))
    components = tuple(
        (
            f,
            ", ".join(sorted(p for p, fr in materials.items() if fr == f)),
            listed[f].rate.text if f in listed else NOT_LISTED(),
            _mfn_text(ctx, f, as_of),
            listed[f].acotacion if f in listed else "",
            volumes[f][1] if f in volumes else 0,
            volumes[f][2] if f in volumes else ZERO,
            volumes[f][3] if f in volumes else ZERO,
        )
        for f in imported
    )
    saving = next((s for s in advice.sectors if s.sector == code), None)
    name = {s.code: s.name for s in sector_catalog()}.get(code, "")
    warnings = list(advice.warnings)
    if not rows:
        warnings.append(NO_ROWS(sector=code, day=as_of.isoformat()))
    summary: tuple[tuple[str, Any], ...] = (
        (L_SECTOR(), f"{code} {name}".strip()),
        (L_HELD(), code in company.prosec_sectors),
        (L_PRODUCTS(), len(products)),
        (L_IMPORTED(), len(imported)),
        (L_LISTED(), sum(1 for f in imported if f in listed)),
        (L_IMPORTS_12M(), sum((v[3] for v in volumes.values()), ZERO)),
        (L_SAVING(), saving.saving if saving else Decimal(0)),
        (L_HOW(), saving.explanation(start, as_of) if saving else NO_SAVING()),
    )
    return Pack(
        "prosec application",
        company.rfc,
        company.name,
        f"{start} … {as_of}",
        summary,
        (
            (T_GOODS(), ("product", "fraccion"), tuple(sorted(products.items()))),
            (
                T_COMPONENTS(),
                (
                    "fraccion",
                    "parts",
                    "sector_rate",
                    "mfn_rate",
                    "acotacion",
                    "lots_12m",
                    "quantity_12m",
                    "value_usd_12m",
                ),
                components,
            ),
        ),
        data_used=(
            D_ROWS(rows=len(rows), sector=code, day=as_of.isoformat()),
            D_LEDGER(
                products=N_PRODUCTS(n=len(products)),
                materials=N_MATERIALS(n=len(materials)),
                lots=N_LOTS(n=len(lots)),
                start=start.isoformat(),
                end=as_of.isoformat(),
            ),
            *advice.data_used,
        ),
        notes=(
            N_GOODS(),
            N_ACOTACIONES(),
            *advice.notes,
        ),
        warnings=tuple(dict.fromkeys(warnings)),
    )
