"""The discharge page of the web: the company's runs, newest first, and one run's
journal summary, shortfalls and expired lots (what ``immex discharge`` reports)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from immex.domain.errors import NotFound
from immex.domain.messages import Template
from immex.services.discharge.journal import open_value
from immex.services.workspace.context import Workspace
from immex.store.repositories.journal import RunRecord

NO_RUN_IN = Template("journal.no_run_in", "no discharge run {run_id} in {rfc}")


@dataclass(frozen=True, slots=True)
class RunDetail:
    run: RunRecord
    current: bool
    shortfalls: tuple[dict[str, Any], ...]
    expired: tuple[dict[str, Any], ...]
    unexploded: tuple[dict[str, Any], ...]


def run_history(ws: Workspace) -> tuple[list[RunRecord], int | None]:
    """Every run of the company, newest first, and the id of the current one."""
    company = ws.the_company
    with ws.read() as repos:
        runs = repos.journal.runs(company.id)
        current = repos.journal.current_run(company.id)
    runs.sort(key=lambda r: r.id, reverse=True)
    return runs, current.id if current else None


def run_detail(ws: Workspace, run_id: int) -> RunDetail:
    company = ws.the_company
    with ws.read() as repos:
        run = repos.journal.run(company.id, run_id)
        if run is None:
            raise NotFound(NO_RUN_IN(run_id=run_id, rfc=company.rfc), field="run_id")
        current = repos.journal.current_run(company.id)
        short = repos.journal.shortfalls(run_id)
        expired = repos.journal.expired_uses(run_id)
        unexploded = repos.journal.unexploded(run_id)
    return RunDetail(
        run,
        current is not None and current.id == run_id,
        tuple(
            {"document": s.document, "line": s.line, "ship_date": s.ship_date,
             "part": s.part_number, "required": Decimal(s.required_micro).scaleb(-6),
             "missing": Decimal(s.missing_micro).scaleb(-6)}
            for s in short
        ),
        tuple(
            {"lot_id": e.lot_id, "pedimento": e.pedimento, "part": e.part_number,
             "entry_date": e.entry_date, "open": Decimal(e.open_micro).scaleb(-6),
             "open_value_usd": open_value(
                 e.value_e4, e.quantity_micro, e.quantity_micro - e.open_micro)}
            for e in expired
        ),
        tuple(
            {"document": u.document, "line": u.line, "product": u.product,
             "ship_date": u.ship_date}
            for u in unexploded
        ),
    )  # fmt: skip
