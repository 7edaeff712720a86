"""The current discharge run's journal as lot portions, and the duty context of a workspace.

Shared by the F4 plan, the 63-A report and the savings: the journal columns are filtered
here (keys, shipment dates, destinations, fracciones), the shipments and lots behind them
read through the reports repository, and the grouping into portions is the domain's
(:func:`immex.domain.lot_portions.group_journal`).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from immex.domain.discharge import kernel as fe
from immex.domain.duties import DutyContext
from immex.domain.lot_portions import JournalEntry, LotPortion, PortionSplit, group_journal
from immex.services.discharge import caveats
from immex.services.duties import single as duties
from immex.services.rates.workspace_data import workspace_data
from immex.services.workspace.context import Workspace


def current_run_id(ws: Workspace) -> int | None:
    """The id of the company's current discharge run (None before the first run)."""
    with ws.read() as repos:
        run = repos.journal.current_run(ws.the_company.id)  # read once per read block
        return None if run is None else run.id


def has_run(ws: Workspace) -> bool:
    return current_run_id(ws) is not None


def lot_portions(
    ws: Workspace,
    keys: tuple[str, ...],
    date_from: date,
    date_to: date,
    *,
    split: PortionSplit = PortionSplit.LOT,
    destinations: tuple[str, ...] | None = None,
    fractions: set[str] | None = None,
) -> list[LotPortion]:
    """Lot portions of the current run's allocations with those ``keys`` and shipment dates.

    ``split`` says how allocations are grouped (:class:`PortionSplit`); ``destinations``
    keeps only shipments to those countries; ``fractions`` only lots of those fracciones.
    Order: first journal row.
    """
    split = PortionSplit(split)
    with ws.read() as repos:
        run_id = current_run_id(ws)
        if run_id is None:
            return []
        cols = repos.journal.allocations(run_id)
        codes = [fe.KEY_NAMES.index(k) for k in keys if k in fe.KEY_NAMES]
        mask = np.isin(cols["key"], codes)
        mask &= (cols["ship_date"] >= fe.day(date_from)) & (cols["ship_date"] <= fe.day(date_to))
        idx = np.flatnonzero(mask)
        ships = repos.reports.portion_shipments(cols["ship_id"][idx].tolist())
        if destinations is not None:
            wanted = {sid for sid, r in ships.items() if (r.destination or "") in destinations}
            idx = idx[np.isin(cols["ship_id"][idx], np.fromiter(wanted, dtype=np.int64))]
        lots = repos.reports.portion_lots(cols["lot_id"][idx].tolist())
    if fractions is not None:
        keep = np.fromiter((k for k, r in lots.items() if r.fraccion in fractions), dtype=np.int64)
        idx = idx[np.isin(cols["lot_id"][idx], keep)]
    entries = [
        JournalEntry(sid, lid, qty, value, fe.KEY_NAMES[code])
        for sid, lid, qty, value, code in zip(
            cols["ship_id"][idx].tolist(),
            cols["lot_id"][idx].tolist(),
            cols["qty"][idx].tolist(),
            cols["value"][idx].tolist(),
            cols["key"][idx].tolist(),
            strict=True,
        )
    ]
    return group_journal(entries, ships, lots, split)


def duty_context_of(ws: Workspace) -> DutyContext:
    """The duty engine's context with the workspace's PROSEC/FTA/amendment rows and series."""
    return duties.duty_context(data=workspace_data(ws))


def journal_caveats(
    ws: Workspace,
    date_from: date,
    date_to: date,
    kinds: tuple[str, ...],
    destinations: tuple[str, ...] | None = None,
) -> list[str]:
    """What figures built from the journal leave out (see the discharge service)."""
    return caveats.journal_caveats(ws, date_from, date_to, kinds, destinations=destinations)
