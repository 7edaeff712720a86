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
from immex.domain.money import ZERO
from immex.domain.program_packs import Pack
from immex.domain.savings import savings_start
from immex.services.decide.prosec_advice import prosec_advise
from immex.services.duties.journal_portions import duty_context_of
from immex.services.rates.sectors import normalize_sector, sector_catalog
from immex.services.workspace.context import Workspace


def _mfn_text(ctx: DutyContext, fraccion: str, when: date) -> str:
    try:
        return ctx.mfn(fraccion, when).rate.text
    except ImmexError as exc:
        return f"not in the data ({exc.message})"


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
            listed[f].rate.text if f in listed else "not in the sector's list",
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
        warnings.append(
            f"no loaded PROSEC rows of sector {code} in force on {as_of}: the "
            "sector's rates and the savings estimate are empty (load the list with "
            "`immex rates load prosec FILE`)"
        )
    summary: tuple[tuple[str, Any], ...] = (
        ("sector", f"{code} {name}".strip()),
        ("held already", code in company.prosec_sectors),
        ("products", len(products)),
        ("imported fracciones", len(imported)),
        ("of them in the sector's list", sum(1 for f in imported if f in listed)),
        ("12-month imports (USD)", sum((v[3] for v in volumes.values()), ZERO)),
        ("savings estimate, 12 months (MXN)", saving.saving if saving else Decimal(0)),
        (
            "savings estimate: how",
            saving.explanation(start, as_of)
            if saving
            else "no loaded row of the sector lists a fracción the company used in the period",
        ),
    )
    return Pack(
        "prosec application",
        company.rfc,
        company.name,
        f"{start} … {as_of}",
        summary,
        (
            ("goods produced", ("product", "fraccion"), tuple(sorted(products.items()))),
            (
                "components imported",
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
            f"{len(rows)} loaded PROSEC row(s) of sector {code} in force on {as_of}",
            f"ledger: {len(products)} product(s), {len(materials)} material(s), {len(lots)} "
            f"lot(s) entered from {start} to {as_of}",
            *advice.data_used,
        ),
        notes=(
            "the goods the company produces must be the sector's goods (Decree art. 4; RULES "
            "P-1, P-4): the goods list is not loaded — a person must confirm",
            "acotaciones limit which goods of a fracción qualify (RULES P-3): confirm each",
            *advice.notes,
        ),
        warnings=tuple(dict.fromkeys(warnings)),
    )
