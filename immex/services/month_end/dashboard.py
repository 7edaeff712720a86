"""The dashboard of the web: the month to close at a glance — open temporary value by
month of its limit (the report's expiry radar), the month's F4 and 63-A amounts, the last
discharge run and whether the ledger changed since, and reference data not current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from immex.domain.f4_plan import F4Plan, period_bounds
from immex.domain.series import Month
from immex.domain.usmca_63a import UsmcaReport
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.journal_portions import duty_context_of
from immex.services.duties.usmca import report_63a
from immex.services.figure_cache import cached
from immex.services.ledger.corrections import stale_notes
from immex.services.refdata.status import Currency, SourceStatus, status
from immex.services.reports.annex24 import balance_table, expiry_radar
from immex.services.workspace.context import Workspace
from immex.store.repositories.journal import RunRecord


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    period: str  # the month to close, YYYY-MM
    radar: dict[str, Any]  # months, soon, expired, soon_value_mxn (as in the report)
    plan: F4Plan
    usmca: UsmcaReport
    last_run: RunRecord | None
    ledger_changed: bool  # a file was imported or the ledger corrected after the last run
    stale_data: tuple[SourceStatus, ...]
    #: why the last run's journal is stale (a batch voided, a pedimento rectified after it)
    stale_journal: tuple[str, ...] = ()


def month_to_close(as_of: date) -> Month:
    """The month before ``as_of``'s (the one whose F4 and 63-A are due now)."""
    return (as_of.year - 1, 12) if as_of.month == 1 else (as_of.year, as_of.month - 1)


def dashboard(ws: Workspace, as_of: date, month: Month, soon_days: int = 90) -> Dashboard:
    """The dashboard on ``as_of`` for ``month`` (once per state of the database on a
    server)."""
    return cached(ws, "month_end.dashboard", (as_of, month, soon_days),
                  lambda: _dashboard(ws, as_of, month, soon_days))  # fmt: skip


def _dashboard(ws: Workspace, as_of: date, month: Month, soon_days: int) -> Dashboard:
    end = period_bounds(month)[1]
    company = ws.the_company
    with ws.read() as repos:
        ctx = duty_context_of(ws)
        plan = plan_f4(ws, month, context=ctx)
        usmca = report_63a(ws, month, None, context=ctx)
        balances, _notes = balance_table(ws, end)
        run = repos.journal.current_run(company.id)
        batches = repos.ledger.batches(company.id)
        stale = tuple(stale_notes(repos, company.id, run.id)) if run is not None else ()
    changed = run is not None and any(b.imported_at > run.created_at for b in batches)
    changed = changed or bool(stale)
    sources = tuple(s for s in status(ws, as_of) if s.status is not Currency.CURRENT)
    return Dashboard(
        as_of, plan.period, expiry_radar(balances, end, soon_days), plan, usmca, run,
        changed, sources, stale,
    )  # fmt: skip
