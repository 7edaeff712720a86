"""Open quantity and value per lot on a date (``immex balance``) and the lots past or near
their IMMEX limit (``immex expiry``), from the current run's allocations up to that date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from immex.domain.discharge import kernel as fe
from immex.domain.discharge.limits import GoodsKind, LimitPolicy, LotStatus, lot_status
from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.immex_annex import AnnexBook, AnnexFlag
from immex.domain.ledger import TEMPORARY_KEYS
from immex.domain.messages import Template
from immex.services.discharge.caveats import LOTS_WHOLE, run_caveats
from immex.services.discharge.journal import open_value
from immex.services.discharge.limits import limit_policy
from immex.services.discharge.plant import lot_kind
from immex.services.figure_cache import cached
from immex.services.rates.annex_load import annex_book_of
from immex.services.rates.workspace_data import series_of
from immex.services.workspace.context import Workspace

NEGATIVE_WITHIN = Template(
    "balance.negative_within",
    "--within: {within_days} is negative (days ahead, 0 or more)",
)


@dataclass(frozen=True, slots=True)
class LotBalance:
    lot_id: int
    pedimento: str
    clave: str
    part: str
    kind: GoodsKind
    entry_date: date
    limit_date: date | None
    days_left: int | None
    quantity: Decimal
    allocated: Decimal
    open_quantity: Decimal
    open_value_usd: Decimal
    status: LotStatus
    fraccion: str = ""
    #: the fracción is in Annex I/II of the IMMEX Decree on the entry date (RULES I-10)
    annex: AnnexFlag | None = None
    #: the unit of its quantities (UMC of the part: SAT code, "06"; "" for a part that is not
    #: among the materials); shown as :func:`immex.refdata.bundled.unit_symbol`
    umc: str = ""


def used_by_lot(ws: Workspace, run_id: int, as_of: date) -> tuple[np.ndarray, np.ndarray]:
    """Quantity (µ) the run allocated from each lot to shipments dated up to ``as_of``:
    (lot ids ascending, totals), computed once per state of the database on a server."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        with ws.read() as repos:
            cols = repos.journal.allocations(run_id)
        m = cols["ship_date"] <= fe.day(as_of)
        ids, inv = np.unique(cols["lot_id"][m], return_inverse=True)
        totals = np.zeros(len(ids), dtype=np.int64)
        np.add.at(totals, inv, cols["qty"][m])
        ids.setflags(write=False)
        totals.setflags(write=False)
        return ids, totals

    return cached(ws, "discharge.used_by_lot", (run_id, as_of), compute)


def _used(ws: Workspace, run_id: int, as_of: date) -> dict[int, int]:
    ids, totals = used_by_lot(ws, run_id, as_of)
    return dict(zip(ids.tolist(), totals.tolist(), strict=True))


def _balance(
    lot: Any, taken: int, policy: LimitPolicy, as_of: date, within: int | None,
    limits: dict[tuple[GoodsKind, date], date | None], book: AnnexBook, umc: str,
) -> LotBalance | None:  # fmt: skip
    """The lot's balance on ``as_of`` (None when nothing is open, or — with ``within`` —
    when it is neither expired nor near its limit)."""
    open_micro = lot.quantity_micro - taken
    if open_micro <= 0:
        return None
    kind = lot_kind(lot)
    key = (kind, lot.start_date or lot.entry_date)
    if key not in limits:
        limits[key] = policy.limit_date(*key)
    limit = limits[key]
    days_left = None if limit is None else (limit - as_of).days
    status = lot_status(days_left, within)
    if within is not None and status is LotStatus.OPEN:
        return None
    return LotBalance(
        lot.id, lot.pedimento, lot.clave, lot.part_number, kind, lot.entry_date, limit,
        days_left, Decimal(lot.quantity_micro).scaleb(-6), Decimal(taken).scaleb(-6),
        Decimal(open_micro).scaleb(-6), open_value(lot.value_e4, lot.quantity_micro, taken),
        status, lot.fraccion, book.lot_flag(lot.clave, lot.fraccion, lot.entry_date), umc,
    )  # fmt: skip


def _balances(
    ws: Workspace, as_of: date, part: str | None, within: int | None
) -> tuple[list[LotBalance], list[str]]:
    company = ws.the_company
    notes: list[str] = []
    with ws.read() as repos:
        lots = repos.discharge_inputs.lots_with_kind(
            company.id, TEMPORARY_KEYS, entered_by=as_of, part=part, fifo_order=True
        )
        policy = limit_policy(repos, company)
        book = annex_book_of(repos)
        units = repos.reports.part_units(company.id)  # once: part → UMC, no query per lot
        run = repos.journal.current_run(company.id)
        used: dict[int, int] = {}
        if run is None:
            notes.append(LOTS_WHOLE())
        else:
            notes += run_caveats(repos, company, run, as_of)
            used = _used(ws, run.id, as_of)
    limits: dict[tuple[GoodsKind, date], date | None] = {}
    out = []
    for lot in lots:
        b = _balance(lot, used.get(lot.id, 0), policy, as_of, within, limits, book,
                     units.get(lot.part_number, ""))  # fmt: skip
        if b is not None:
            out.append(b)
    return out, notes + policy.notes + flagged_note(out)


FLAGGED_LOTS = Template(
    "annex.balance.flagged",
    "{lots} open lot (USD {value}) of a fracción in Annex I/II of the IMMEX Decree on its entry "
    "date: column annex; its citation in --json (RULES I-5, I-10)",
    "{lots} open lots (USD {value}) of a fracción in Annex I/II of the IMMEX Decree on its entry "
    "date: column annex; the citation of each in --json (RULES I-5, I-10)",
    count="lots",
)


def flagged_note(rows: list[LotBalance]) -> list[str]:
    """One note when some lots are flagged (their count and open value)."""
    flagged = [b for b in rows if b.annex is not None]
    if not flagged:
        return []
    value = sum((b.open_value_usd for b in flagged), Decimal(0))
    return [FLAGGED_LOTS(lots=len(flagged), value=f"{value:,.2f}")]


def balance(
    ws: Workspace, as_of: date, part: str | None = None
) -> tuple[list[LotBalance], list[str]]:
    """Open quantity and value per lot on ``as_of`` (current run's allocations up to that
    date), with its limit date and days left. Returns (balances, notes)."""
    rows, notes = cached(ws, "discharge.balance", (as_of, part),
                         lambda: _balances(ws, as_of, part, None))  # fmt: skip
    return list(rows), list(notes)


def expiry(ws: Workspace, within_days: int, as_of: date) -> tuple[list[LotBalance], list[str]]:
    """Lots with open quantity past their limit or within ``within_days`` of it, with the
    value at risk (open value). Sorted by limit date."""
    if within_days < 0:
        raise InvalidInput(NEGATIVE_WITHIN(within_days=within_days), field="within")

    def compute() -> tuple[list[LotBalance], list[str]]:
        rows, notes = _balances(ws, as_of, None, within_days)
        rows.sort(key=lambda b: (b.limit_date or date.max, b.lot_id))
        return rows, notes

    rows, notes = cached(ws, "discharge.expiry", (as_of, within_days), compute)
    return list(rows), list(notes)


def values_mxn(ws: Workspace, rows: list[LotBalance]) -> list[Decimal | None]:
    """Each lot's open value in pesos — the value at risk the reports show: its open USD
    value at the FIX of its pedimento's entry date (LA 56, CFF 20; the workspace's loaded FIX
    included); ``None`` for a date outside the FIX series."""
    fx = series_of(ws)[0]
    rates: dict[date, Decimal | None] = {}
    out: list[Decimal | None] = []
    for b in rows:
        if b.entry_date not in rates:
            try:
                rates[b.entry_date] = fx.for_pedimento(b.entry_date).rate
            except ImmexError:
                rates[b.entry_date] = None
        rate = rates[b.entry_date]
        out.append(None if rate is None else b.open_value_usd * rate)
    return out
