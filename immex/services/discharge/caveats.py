"""What a figure built from the current run's journal leaves out: a journal made stale by a
correction (a batch voided, a pedimento rectified), a run that stops before the period ends,
imports made after the run, shipment lines the run could not discharge in full (shortfall) or
could not explode (no BOM version in force on their date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from immex.domain.company import Company
from immex.domain.messages import Template, joined
from immex.services.ledger.corrections import stale_notes
from immex.services.workspace.context import Workspace
from immex.store.repositories.journal import RunRecord
from immex.store.unit import Repositories

#: said by every figure that reads the journal when the company has none yet
NO_RUN_YET = Template(
    "discharge.no_run_yet", "no discharge run yet: run `immex discharge run` first"
)
#: said by the balances and the ledger pages when there is no journal: lots are shown whole
LOTS_WHOLE = Template(
    "discharge.no_run_lots_whole", "no discharge run yet: every lot is shown whole"
)
RUN_STOPS = Template(
    "discharge.caveat.run_stops",
    "the current discharge run {run_id} covers shipments through {through} only: later "
    "shipments are not in these figures (run `immex discharge run`)",
)
LEDGER_CHANGED = Template(
    "discharge.caveat.ledger_changed",
    "the ledger changed after discharge run {run_id} ({created}): imported since: {files}{more}"
    " — these figures use the old journal; run `immex discharge run` again",
)
SHORTFALLS = Template(
    "discharge.caveat.shortfalls",
    "{lines} shipment line(s) of these dates could not be discharged in full (not enough open "
    "temporary imports on the date; {shortfalls} component shortfall(s)): {shown}{more} — the "
    "missing inputs are not in these figures (see `immex discharge show {run_id}`)",
)
SHORT_ITEM = Template("discharge.caveat.short_item", "{where} {day} {part} missing {quantity}")
UNEXPLODED = Template(
    "discharge.caveat.unexploded",
    "{lines} shipment line(s) of these dates have no BOM version in force on their date and were "
    "not discharged: {shown}{more} — their inputs are not in these figures (import the BOM, then "
    "run `immex discharge run`)",
)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def run_caveats(repos: Repositories, company: Company, run: RunRecord, date_to: date) -> list[str]:
    """Why the current run may not cover a period ending ``date_to``: it stops before it,
    or the ledger was imported into or corrected after the run (the journal is older than
    the data; a correction makes it stale)."""
    out: list[str] = list(stale_notes(repos, company.id, run.id))
    if run.through is not None and run.through < date_to:
        out.append(RUN_STOPS(run_id=run.id, through=run.through.isoformat()))
    later = [
        r
        for r in repos.discharge_inputs.recent_imports(company.id, 50)
        if _naive(r.imported_at) > _naive(run.created_at)
    ]
    if later:
        files = ", ".join(f"{r.entity} {r.file_name}" for r in reversed(later[:3]))
        out.append(
            LEDGER_CHANGED(
                run_id=run.id,
                created=f"{run.created_at:%Y-%m-%d %H:%M}",
                files=files,
                more=" …" if len(later) > 3 else "",
            )
        )
    return out


def journal_caveats(
    ws: Workspace,
    date_from: date,
    date_to: date,
    kinds: Sequence[str],
    destinations: Sequence[str] | None = None,
    limit: int = 5,
) -> list[str]:
    """What a figure built from the current run's journal for shipments of ``kinds`` (and
    ``destinations``) dated ``date_from`` … ``date_to`` leaves out: shipment lines the run
    could not discharge in full (shortfall) or could not explode (no BOM version in force
    on their date), a run that stops before ``date_to`` and imports made after the run.
    Empty when there is no run (callers say so themselves)."""
    company = ws.the_company
    with ws.read() as repos:
        run = repos.journal.current_run(company.id)
        if run is None:
            return []
        out = run_caveats(repos, company, run, date_to)
        period = (run.id, date_from, date_to, kinds, destinations)
        short = repos.journal.period_shortfalls(*period)
        unexp = repos.journal.period_unexploded(*period)
    if short:
        lines = {(r.document, r.line) for r in short}
        items = joined(
            [
                SHORT_ITEM(
                    where=f"{r.document}/{r.line}",
                    day=r.ship_date.isoformat(),
                    part=r.part_number,
                    quantity=f"{Decimal(r.missing_micro).scaleb(-6).normalize():f}",
                )
                for r in short[:limit]
            ]
        )
        out.append(
            SHORTFALLS(
                lines=len(lines),
                shortfalls=len(short),
                shown=items,
                more=" …" if len(short) > limit else "",
                run_id=run.id,
            )
        )
    if unexp:
        shown = "; ".join(
            f"{r.document}/{r.line} {r.ship_date.isoformat()} {r.product}" for r in unexp[:limit]
        )
        out.append(
            UNEXPLODED(lines=len(unexp), shown=shown, more=" …" if len(unexp) > limit else "")
        )
    return out
