"""The ledger page of the web: lots a page at a time with their balance on a date, one
lot with its allocations. Balances are those of ``immex balance`` (the current run's
allocations up to the date); the page of lots is read by keyset (``after`` a lot id)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from immex.domain.discharge import kernel as fe
from immex.domain.discharge.kernel_pack import KEY_NAMES
from immex.domain.discharge.limits import GoodsKind, LotStatus, lot_status
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.immex_annex import AnnexBook
from immex.domain.ledger import TEMPORARY_KEYS
from immex.domain.messages import Template
from immex.services.discharge.balances import LotBalance, expiry, used_by_lot
from immex.services.discharge.caveats import LOTS_WHOLE
from immex.services.discharge.journal import open_value
from immex.services.discharge.limits import limit_policy
from immex.services.discharge.plant import lot_kind
from immex.services.rates.annex_load import annex_book_of
from immex.services.workspace.context import Workspace

BAD_STATUS = Template("lots.bad_status", "status must be one of {choices}, not {text}")
NO_LOT = Template("lots.no_lot", "no lot {lot_id} in {rfc}")


MAX_PAGE = 200


class LotFilter(enum.StrEnum):
    ALL = "all"
    OPEN = "open"  # open quantity left
    EXPIRING = "expiring"  # within the warning window of the limit
    EXPIRED = "expired"  # past the limit with quantity open


@dataclass(frozen=True, slots=True)
class LotPage:
    rows: tuple[LotBalance, ...]
    next_after: int | None  # the ``after`` of the next page (None: last page)
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LotAllocation:
    shipment_id: int
    ship_date: date
    key: str
    quantity: Decimal
    value_usd: Decimal
    directed: bool


@dataclass(frozen=True, slots=True)
class LotDetail:
    balance: LotBalance
    fraccion: str
    origin: str
    source_line: int
    batch_id: int
    allocations: tuple[LotAllocation, ...]


def lot_filter(text: str) -> LotFilter:
    try:
        return LotFilter(text or "all")
    except ValueError:
        choices = ", ".join(f.value for f in LotFilter)
        raise InvalidInput(BAD_STATUS(choices=choices, text=repr(text)), field="status") from None


def _used(ws: Workspace, run_id: int | None, as_of: date, lot_ids: list[int]) -> dict[int, int]:
    if run_id is None or not lot_ids:
        return {}
    ids, totals = used_by_lot(ws, run_id, as_of)
    wanted = np.asarray(lot_ids, dtype=ids.dtype if len(ids) else np.int64)
    at = np.searchsorted(ids, wanted)
    inside = at < len(ids)
    found = np.zeros(len(wanted), dtype=bool)
    found[inside] = ids[at[inside]] == wanted[inside]
    return dict(zip(wanted[found].tolist(), totals[at[found]].tolist(), strict=True))


def _row(
    lot: object, taken: int, repos_policy: object, as_of: date, within: int, book: AnnexBook
) -> LotBalance:
    kind: GoodsKind = lot_kind(lot)
    start = getattr(lot, "start_date", None) or lot.entry_date  # type: ignore[attr-defined]
    limit = repos_policy.limit_date(kind, start)  # type: ignore[attr-defined]
    days_left = None if limit is None else (limit - as_of).days
    q, v = lot.quantity_micro, lot.value_e4  # type: ignore[attr-defined]
    open_micro = max(q - taken, 0)
    status = lot_status(days_left, within) if open_micro else LotStatus.OPEN
    return LotBalance(
        lot.id, lot.pedimento, lot.clave, lot.part_number, kind,  # type: ignore[attr-defined]
        lot.entry_date, limit, days_left, Decimal(q).scaleb(-6),  # type: ignore[attr-defined]
        Decimal(taken).scaleb(-6), Decimal(open_micro).scaleb(-6), open_value(v, q, taken),
        status, lot.fraccion,  # type: ignore[attr-defined]
        book.lot_flag(lot.clave, lot.fraccion, lot.entry_date),  # type: ignore[attr-defined]
        getattr(lot, "umc", None) or "",  # the material's, joined by the page's query
    )  # fmt: skip


def lot_page(
    ws: Workspace, as_of: date, *, search: str = "", status: LotFilter = LotFilter.ALL,
    after: int = 0, limit: int = 50, within: int = 30,
) -> LotPage:  # fmt: skip
    """One page of the company's temporary-import lots entered by ``as_of``: by id after
    ``after`` (keyset); EXPIRING/EXPIRED are the lots of ``immex expiry`` (by limit date)."""
    limit = max(1, min(limit, MAX_PAGE))
    if status in (LotFilter.EXPIRING, LotFilter.EXPIRED):
        rows, notes = expiry(ws, within, as_of)
        want = LotStatus.EXPIRED if status is LotFilter.EXPIRED else LotStatus.NEAR
        chosen = [r for r in rows if r.status is want and _matches(r, search)]
        chosen.sort(key=lambda r: r.lot_id)
        chosen = [r for r in chosen if r.lot_id > after]
        more = len(chosen) > limit
        page = chosen[:limit]
        return LotPage(tuple(page), page[-1].lot_id if more else None, tuple(notes))
    company = ws.the_company
    out: list[LotBalance] = []
    cursor, more = after, True
    with ws.read() as repos:
        policy = limit_policy(repos, company)
        book = annex_book_of(repos)
        run = repos.journal.current_run(company.id)
        notes = [] if run is not None else [LOTS_WHOLE()]
        while len(out) <= limit and more:
            lots = repos.lot_browser.page(
                company.id, TEMPORARY_KEYS, after=cursor, limit=limit + 1, search=search,
                entered_by=as_of,
            )  # fmt: skip
            more = len(lots) == limit + 1
            if not lots:
                break
            cursor = lots[-1].id
            used = _used(ws, run.id if run else None, as_of, [lot.id for lot in lots])
            rows = [_row(lot, used.get(lot.id, 0), policy, as_of, within, book) for lot in lots]
            if status is LotFilter.OPEN:
                rows = [r for r in rows if r.open_quantity > 0]
            out += rows
    page = out[:limit]
    has_next = len(out) > limit or (more and bool(page))
    return LotPage(tuple(page), page[-1].lot_id if has_next and page else None, tuple(notes))


def _matches(row: LotBalance, search: str) -> bool:
    text = search.strip().upper()
    return not text or row.part.startswith(text) or text.replace(" ", "") in row.pedimento


def lot_detail(ws: Workspace, lot_id: int, as_of: date, within: int = 30) -> LotDetail:
    """One lot, its balance on ``as_of`` and every allocation the current run made of it."""
    company = ws.the_company
    with ws.read() as repos:
        lot = repos.lot_browser.lot(company.id, TEMPORARY_KEYS, lot_id)
        if lot is None:
            raise NotFound(NO_LOT(lot_id=lot_id, rfc=company.rfc), field="lot_id")
        policy = limit_policy(repos, company)
        book = annex_book_of(repos)
        run = repos.journal.current_run(company.id)
        cols = repos.journal.allocations(run.id) if run else None
    allocations: list[LotAllocation] = []
    taken = 0
    if cols is not None:
        m = cols["lot_id"] == lot_id
        for sid, day, key, qty, value, directed in zip(
            cols["ship_id"][m].tolist(), cols["ship_date"][m].tolist(), cols["key"][m].tolist(),
            cols["qty"][m].tolist(), cols["value"][m].tolist(), cols["directed"][m].tolist(),
            strict=True,
        ):  # fmt: skip
            when = fe.from_day(day)
            if when <= as_of:
                taken += qty
            allocations.append(LotAllocation(
                sid, when, KEY_NAMES[key], Decimal(qty).scaleb(-6), Decimal(value).scaleb(-4),
                bool(directed),
            ))  # fmt: skip
    allocations.sort(key=lambda a: (a.ship_date, a.shipment_id))
    return LotDetail(
        _row(lot, taken, policy, as_of, within, book), lot.fraccion, lot.origin, lot.source_line,
        lot.batch_id, tuple(allocations),
    )  # fmt: skip
