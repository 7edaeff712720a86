"""``immex impact FILE``: before loading a list, what it would change for this company.

The use case: read the file with its loader's own parser and checks (``immex rates load
prosec|fta|amendments`` layouts; the official tariff workbook of ``immex rates load
tariff``, compared with the tariff in force as that loader does — nothing written), add its
rows to the workspace's rate data in memory, and price the company's goods on the
fracciones it touches before and after (:mod:`immex.domain.impact`): the open temporary
balance on the date, and the last twelve months' F4 and US/CA export portions of the
current discharge run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from immex.domain.duties import DutyContext
from immex.domain.errors import InvalidInput
from immex.domain.impact import FractionImpact, ImpactReport, igi, rank
from immex.domain.lot_portions import LotPortion, PortionSplit
from immex.domain.messages import Template
from immex.domain.rates import AmendmentRow, FtaRow, ProsecRow, RateBook, RateQuery
from immex.domain.savings import savings_start
from immex.domain.usmca_63a import DESTINATIONS
from immex.services.discharge.balances import balance
from immex.services.duties.journal_portions import duty_context_of, has_run, lot_portions
from immex.services.rates.loading import parse_file
from immex.services.rates.tariff_load import load_tariff
from immex.services.workspace.context import Workspace

Row = ProsecRow | FtaRow | AmendmentRow


SAY_KIND = Template(
    "impact.say_kind", "{file}: say what the file is with --kind tariff|amendments|prosec|agreement"
)
NEEDS_IN_FORCE = Template(
    "impact.needs_in_force_from",
    "a tariff workbook needs --in-force-from (the date its rates take effect)",
)
NO_RUN = Template(
    "impact.no_run",
    "no discharge run yet: the open balances are whole lots and the last twelve months have no "
    "F4 or 63-A (run `immex discharge run`)",
)
USED_FILE = Template(
    "impact.used_file",
    "the file {file} read as `immex rates load {loader}` reads it ({rows} row); nothing loaded",
    "the file {file} read as `immex rates load {loader}` reads it ({rows} rows); nothing loaded",
    count="rows",
)
USED_LEDGER = Template(
    "impact.used_ledger",
    "ledger: {materials}; open balances on {day}; the current discharge run's F4 and US/CA "
    "exports from {start} to {day}",
)
N_MATERIALS = Template("impact.n_materials", "{n} material", "{n} materials")
SIMULATION = Template("impact.simulation", "a simulation: nothing was written")
WITH_ROWS = Template(
    "impact.with_rows",
    "with the {n} row of {name} added (not loaded)",
    "with the {n} rows of {name} added (not loaded)",
)
COMPARED = Template(
    "impact.compared",
    "IGI compared at the rates in force on {day} (customs value at the FIX of the entry × rate; "
    "before the INPC update and the 63-A offset, which the list does not change); the "
    "company's registrations and certificates of origin considered",
)


class ListKind(StrEnum):
    """What the file is (the loader whose layout it has)."""

    TARIFF = "tariff"  # the official SE workbook (rates load tariff)
    AMENDMENTS = "amendments"
    PROSEC = "prosec"
    AGREEMENT = "agreement"  # an FTA schedule (rates load fta)

    @property
    def loader(self) -> str:
        return "fta" if self is ListKind.AGREEMENT else self.value


def guess_kind(path: Path) -> ListKind:
    """The kind of a file from its extension and name, when ``--kind`` is not given."""
    name = path.name.lower()
    if path.suffix.lower() in (".xlsx", ".xlsb", ".xls"):
        return ListKind.TARIFF
    for kind in (ListKind.PROSEC, ListKind.AMENDMENTS):
        if kind.value in name:
            return kind
    if "fta" in name or "tlc" in name or "agreement" in name:
        return ListKind.AGREEMENT
    raise InvalidInput(SAY_KIND(file=path.name), field="kind")


def _rows(
    ws: Workspace, path: Path, kind: ListKind, in_force_from: date | None, source: str
) -> tuple[list[Row], list[str]]:
    if kind is ListKind.TARIFF:
        if in_force_from is None:
            raise InvalidInput(NEEDS_IN_FORCE(), field="in_force_from")
        loaded = load_tariff(ws, path, in_force_from, source or path.name, dry_run=True)
        rows = loaded.diff.amendments(in_force_from, f"{source or path.name} (not loaded)")
        return list(rows), [loaded.message]
    parsed, warnings = parse_file(kind.loader, path)
    return [r for _line, r in parsed], list(warnings)


def _after(book: RateBook, rows: Sequence[Row], name: str) -> RateBook:
    return RateBook(
        [*book.prosec, *(r for r in rows if isinstance(r, ProsecRow))],
        [*book.fta, *(r for r in rows if isinstance(r, FtaRow))],
        [*book.amendments, *(r for r in rows if isinstance(r, AmendmentRow))],
        (*book.data_notes, WITH_ROWS(n=len(rows), name=name)),
        book.sector_order,
    )


def _price(
    f: FractionImpact,
    where: str,
    p: LotPortion,
    before: DutyContext,
    after: DutyContext,
    when: date,
    sectors: tuple[str, ...],
) -> None:
    q = RateQuery(
        p.fraccion, p.origin, when, sectors, (), (p.certificate,) if p.certificate else ()
    )
    va = p.value_usd * before.fx_for(p.entry_date).rate
    b, a = before.decision(q), after.decision(q)
    if not f.rate_before:
        f.rate_before = b.chosen.rate_text if b.chosen else "—"
        f.rate_after = a.chosen.rate_text if a.chosen else "—"
    f.add(where, igi(va, b.rate), igi(va, a.rate))


def impact(
    ws: Workspace,
    path: Path | str,
    as_of: date,
    *,
    kind: str | ListKind | None = None,
    in_force_from: date | None = None,
    source: str = "",
    context: DutyContext | None = None,
) -> ImpactReport:
    """What loading ``path`` would change for ``ws.company``; nothing is written."""
    path = Path(path)
    chosen = ListKind(kind) if kind else guess_kind(path)
    company = ws.the_company
    sectors = tuple(company.prosec_sectors)
    rows, warnings = _rows(ws, path, chosen, in_force_from, source)
    starts = [r.valid_from for r in rows]
    when = max(as_of, min(starts)) if starts else as_of
    start = savings_start((as_of.year, as_of.month))
    touched = {r.fraccion for r in rows}
    with ws.read() as repos:
        before = (context or duty_context_of(ws)).with_memo()
        materials = repos.decisions.material_fractions(company.id)
        open_lots, notes = balance(ws, as_of)
        lots = repos.reports.portion_lots([b.lot_id for b in open_lots])
        dom = lot_portions(ws, ("F4",), start, as_of, split=PortionSplit.LOT, fractions=touched)
        exp = lot_portions(
            ws,
            ("RT",),
            start,
            as_of,
            split=PortionSplit.LOT,
            fractions=touched,
            destinations=DESTINATIONS,
        )
        run = has_run(ws)
    after = replace(before, book=_after(before.book, rows, path.name))
    table = {f: FractionImpact(f, sum(1 for r in rows if r.fraccion == f)) for f in touched}
    for part, frac in sorted(materials.items()):
        if frac in table:
            table[frac].parts.append(part)
    for b in open_lots:
        lot = lots[b.lot_id]
        if lot.fraccion in table and b.open_value_usd > 0:
            p = LotPortion(
                b.lot_id,
                0,
                "",
                as_of,
                "",
                "",
                "",
                b.lot_id,
                b.pedimento,
                b.part,
                lot.fraccion,
                lot.origin,
                b.entry_date,
                lot.certificate,
                b.open_quantity,
                b.open_value_usd,
            )
            table[lot.fraccion].open_value_usd += b.open_value_usd
            _price(table[lot.fraccion], "open", p, before, after, when, sectors)
    for where, portions in (("f4", dom), ("usmca", exp)):
        for p in portions:
            if p.value_usd > 0:
                _price(table[p.fraccion], where, p, before, after, when, sectors)
    ranked = rank(list(table.values()))
    if not run:
        warnings.append(NO_RUN())
    return ImpactReport(
        company.rfc,
        path.name,
        chosen.value,
        len(rows),
        when,
        (start, as_of),
        tuple(ranked),
        len(touched) - len(ranked),
        data_used=(
            USED_FILE(file=path.name, loader=chosen.loader, rows=len(rows)),
            USED_LEDGER(
                materials=N_MATERIALS(n=len(materials)),
                day=as_of.isoformat(),
                start=start.isoformat(),
            ),
            *before.notes,
        ),
        notes=(
            SIMULATION(),
            COMPARED(day=when.isoformat()),
            *notes,
        ),
        warnings=tuple(dict.fromkeys(warnings)),
    )
