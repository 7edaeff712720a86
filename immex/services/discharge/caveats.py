"""What a figure built from the current run's journal leaves out: a journal made stale by a
correction (a batch voided, a pedimento rectified), a run that stops before the period ends,
imports made after the run, shipment lines the run could not discharge in full (shortfall) or
could not explode (no BOM version in force on their date)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from immex.domain.company import Company
from immex.domain.messages import Msg, Template, joined
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
THROUGH = Template(
    "caveat.through",
    "the current discharge run {run} covers shipments through {day} only: later shipments are "
    "not in these figures (run `immex discharge run`)",
)
LATER_IMPORTS = Template(
    "caveat.later_imports",
    "the ledger changed after discharge run {run} ({when}): imported since: {files}{more} — "
    "these figures use the old journal; run `immex discharge run` again",
)
SHORT = Template(
    "caveat.short",
    "{n} shipment line of these dates could not be discharged in full (not enough open "
    "temporary imports on the date; {shortfalls}): {shown}{more} — the missing inputs are not "
    "in these figures (see `immex discharge show {run}`)",
    "{n} shipment lines of these dates could not be discharged in full (not enough open "
    "temporary imports on the date; {shortfalls}): {shown}{more} — the missing inputs are not "
    "in these figures (see `immex discharge show {run}`)",
)
N_SHORTFALLS = Template(
    "caveat.n_shortfalls", "{n} component shortfall", "{n} component shortfalls"
)
SHORT_ITEM = Template("caveat.short_item", "{document}/{line} {day} {part} missing {missing}")
UNEXPLODED = Template(
    "caveat.unexploded",
    "{n} shipment line of these dates has no BOM version in force on its date and was not "
    "discharged: {shown}{more} — its inputs are not in these figures (import the BOM, then run "
    "`immex discharge run`)",
    "{n} shipment lines of these dates have no BOM version in force on their date and were not "
    "discharged: {shown}{more} — their inputs are not in these figures (import the BOM, then "
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
        out.append(THROUGH(run=run.id, day=run.through.isoformat()))
    later = [
        r
        for r in repos.discharge_inputs.recent_imports(company.id, 50)
        if _naive(r.imported_at) > _naive(run.created_at)
    ]
    if later:
        files = ", ".join(f"{r.entity} {r.file_name}" for r in reversed(later[:3]))
        more = " …" if len(later) > 3 else ""
        when = f"{run.created_at:%Y-%m-%d %H:%M}"
        out.append(LATER_IMPORTS(run=run.id, when=when, files=files, more=more))
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
        shown: Msg | str = joined(
            [
                SHORT_ITEM(document=r.document, line=r.line, day=r.ship_date.isoformat(),
                           part=r.part_number,
                           missing=f"{Decimal(r.missing_micro).scaleb(-6).normalize():f}")
                for r in short[:limit]
            ]
        )  # fmt: skip
        out.append(SHORT(n=len(lines), shortfalls=N_SHORTFALLS(n=len(short)), shown=shown,
                         more=" …" if len(short) > limit else "", run=run.id))  # fmt: skip
    if unexp:
        shown = "; ".join(
            f"{r.document}/{r.line} {r.ship_date.isoformat()} {r.product}" for r in unexp[:limit]
        )
        out.append(UNEXPLODED(n=len(unexp), shown=shown,
                              more=" …" if len(unexp) > limit else ""))  # fmt: skip
    return out
