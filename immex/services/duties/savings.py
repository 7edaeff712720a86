"""``immex savings``: what the programs saved against MFN over a range, and which PROSEC
sector to add.

The use case: read the range's domestic-sale lot portions (per lot and month) and the
portions that pay Mexican IGI (domestic sales and exports to the US/Canada, on fracciones
some loaded PROSEC row covers), then let the domain (:mod:`immex.domain.savings`) price the
realised savings and the sector what-if.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from immex.domain.duties import DutyContext
from immex.domain.errors import InvalidInput
from immex.domain.lot_portions import PortionSplit
from immex.domain.messages import Template
from immex.domain.savings import SavingsReport, build_savings, realised, what_if
from immex.domain.usmca_63a import DESTINATIONS
from immex.services.discharge.caveats import NO_RUN_YET
from immex.services.duties.journal_portions import (
    duty_context_of,
    has_run,
    journal_caveats,
    lot_portions,
)
from immex.services.rates.sectors import sector_catalog
from immex.services.workspace.context import Workspace

TO_BEFORE_FROM = Template("savings.to_before_from", "--to {date_to} is before --from {date_from}")


def savings(
    ws: Workspace,
    date_from: date,
    date_to: date,
    *,
    rates_as_of: date | None = None,
    context: DutyContext | None = None,
) -> SavingsReport:
    """Realised program savings and the sector what-if of ``ws.company`` over a range."""
    if date_to < date_from:
        raise InvalidInput(TO_BEFORE_FROM(date_to=date_to, date_from=date_from), field="to")
    company = ws.the_company
    with ws.read():
        ctx = context or duty_context_of(ws)
        sectors = tuple(company.prosec_sectors)
        domestic = lot_portions(ws, ("F4",), date_from, date_to, split=PortionSplit.LOT_MONTH)
        fractions = {r.fraccion for r in ctx.book.prosec}
        paying = lot_portions(
            ws, ("F4",), date_from, date_to, split=PortionSplit.LOT, fractions=fractions
        ) + lot_portions(
            ws,
            ("RT",),
            date_from,
            date_to,
            split=PortionSplit.LOT,
            fractions=fractions,
            destinations=DESTINATIONS,
        )
        when = rates_as_of or date_to
        names = {s.code: s.name for s in sector_catalog()}
        names.update({r.sector: r.sector_name for r in ctx.book.prosec if r.sector not in names})
        report = build_savings(
            realised(domestic, ctx, sectors),
            what_if(paying, ctx, sectors, when, names),
            company_rfc=company.rfc,
            company_name=company.name,
            date_from=date_from,
            date_to=date_to,
            rates_as_of=when,
            prosec_sectors=sectors,
        )
        extra = (
            journal_caveats(ws, date_from, date_to, ("domestic",))
            if has_run(ws)
            else [NO_RUN_YET()]
        )
    if extra:
        report = replace(report, warnings=tuple(dict.fromkeys([*extra, *report.warnings])))
    return report
