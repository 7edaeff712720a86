"""The discharge page of the web: the company's runs, newest first, and one run's
journal summary, shortfalls and expired lots (what ``immex discharge`` reports), and the
run's journal a page at a time (found by the chunk's index, never read whole)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from immex.domain.discharge.kernel import KEY_NAMES
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Template
from immex.services.discharge.journal import JournalRow, open_value
from immex.services.workspace.context import Workspace
from immex.store.repositories.journal import CHUNK_ROWS, RunRecord
from immex.store.unit import Repositories

#: allocations shown per page of a run's journal (at most)
JOURNAL_PAGE = 100
MAX_PAGE = 1000
#: the chunks last decoded (a journal never changes once written): (database, run, its
#: journal hash, chunk)
_CHUNKS: OrderedDict[tuple[str, int, str, int], dict[str, Any]] = OrderedDict()
_KEEP = 2
_LOCK = threading.Lock()

BAD_PAGE = Template("journal.bad_page", "offset must be 0 or more and limit 1 to {max_page}")
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


@dataclass(frozen=True, slots=True)
class JournalPage:
    """Rows ``offset`` to ``offset + len(rows)`` of a run's journal, of ``total``."""

    run: RunRecord
    offset: int
    limit: int
    total: int
    rows: tuple[JournalRow, ...]

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.rows)
        return end if end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def _chunk(
    ws: Workspace, repos: Repositories, run: RunRecord, chunk_no: int
) -> dict[str, Any] | None:
    key = (str(ws.store.engine.url), run.id, run.journal_hash, chunk_no)
    with _LOCK:
        if key in _CHUNKS:
            _CHUNKS.move_to_end(key)
            return _CHUNKS[key]
    cols = repos.journal.allocation_chunk(run.id, chunk_no)
    if cols is not None:
        with _LOCK:
            _CHUNKS[key] = cols
            while len(_CHUNKS) > _KEEP:
                _CHUNKS.popitem(last=False)
    return cols


def journal_page(
    ws: Workspace, run_id: int, offset: int = 0, limit: int = JOURNAL_PAGE
) -> JournalPage:
    """One page of run ``run_id``'s allocations in journal order, each with its shipment
    and lot (the rows ``immex discharge show`` lists)."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(BAD_PAGE(max_page=MAX_PAGE), field="offset")
    company = ws.the_company
    with ws.read() as repos:
        run = repos.journal.run(company.id, run_id)
        if run is None:
            raise NotFound(NO_RUN_IN(run_id=run_id, rfc=company.rfc), field="run_id")
        total = repos.journal.allocation_count(run_id)
        picked: list[tuple[int, int, int, int, int, bool]] = []
        position = offset
        while position < min(total, offset + limit):
            cols = _chunk(ws, repos, run, position // CHUNK_ROWS)
            if cols is None:
                break
            lo = position % CHUNK_ROWS
            hi = min(len(cols["qty"]), lo + offset + limit - position)
            for i in range(lo, hi):
                picked.append((int(cols["ship_id"][i]), int(cols["lot_id"][i]),
                               int(cols["qty"][i]), int(cols["value"][i]), int(cols["key"][i]),
                               bool(cols["directed"][i])))  # fmt: skip
            position += hi - lo
        lots = repos.discharge_inputs.lots_by_id(company.id, [p[1] for p in picked])
        ships = repos.discharge_inputs.shipments_by_id([p[0] for p in picked])
    rows = []
    for sid, lid, qty, value, key, directed in picked:
        lot, ship = lots[lid], ships[sid]
        rows.append(JournalRow(
            run.id, sid, ship.document, ship.line, ship.kind, ship.ship_date, ship.product,
            lot.part_number, lid, lot.pedimento, lot.clave, lot.entry_date, lot.origin,
            lot.fraccion, Decimal(lot.fx) if lot.fx else None, lot.certificate,
            Decimal(qty).scaleb(-6), Decimal(value).scaleb(-4), KEY_NAMES[key], directed,
        ))  # fmt: skip
    return JournalPage(run, offset, limit, total, tuple(rows))


def superseded_by(runs: list[RunRecord]) -> dict[int, int]:
    """Which run replaced each earlier one: the run that says it supersedes it, else the
    company's next run (the latest run is the current one; every earlier run was replaced)."""
    ordered = sorted(runs, key=lambda r: r.id)
    replaced = {later.id: ordered[i + 1].id for i, later in enumerate(ordered[:-1])}
    replaced.update({r.supersedes: r.id for r in ordered if r.supersedes is not None})
    return replaced
