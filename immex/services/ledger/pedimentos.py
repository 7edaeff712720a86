"""Import pedimento lines: the lots of temporary imports the FIFO discharge draws from.

A pedimento is stored once: the lines of a pedimento already imported for the company are
compared with the stored ones — identical lines are counted as unchanged, different ones are
an error (a plain re-import never changes a stored pedimento). A rectification
(``rectify``: its reason) stores the new lines of each pedimento that differs as a new
version and withdraws the earlier lines, which stay in the pedimento's history
(:mod:`.corrections`); the current discharge run becomes stale. Lots load through bulk inserts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.entry_rules import (
    AN_ENTRY,
    PEDIMENTO_LINES,
    UNDECLARED_ORIGIN,
    after_fx_note,
    consecutive_problem,
    future_problem,
    origin_problem,
    year_problem,
)
from immex.domain.errors import ImmexError
from immex.domain.ledger import lot_key_mismatch
from immex.domain.messages import Template
from immex.services.ledger.annex_flags import flagged_lots, import_notes
from immex.services.ledger.corrections import STALE_NOTE
from immex.services.ledger.field_checks import (
    FX_PLACES,
    QUANTITY_PLACES,
    VALUE_PLACES,
    check_country,
    check_customs_office,
    check_fraccion,
    check_fx,
    check_pedimento_key,
    fixed,
    non_negative,
    parse_day,
    parse_pedimento,
    positive,
)
from immex.services.ledger.import_job import (
    PROGRESS_EVERY,
    ImportJob,
    ImportResult,
    RowFields,
    open_batch,
)
from immex.services.rates.annex_load import annex_book_of
from immex.services.workspace.context import UnitOfWork

UNKNOWN_KEY = Template("import.unknown_key", "unknown pedimento key")
UNKNOWN_ORIGIN = Template("import.unknown_country", "unknown country")


#: a lot as LOT_COLUMNS of the ledger repository (batch id 0 until the batch exists)
LotRow = tuple[Any, ...]
#: the positions of the source line and of the batch id in a LotRow
_LINE, _BATCH = 12, 13
#: the pedimento, clave, entry date, fracción and line of a LotRow (the annex flags)
_ANNEX_COLUMNS = (1, 2, 3, 9, _LINE)
UNKNOWN_MATERIAL = Template(
    "import.unknown_material", "unknown material; import it with `immex import materials`"
)()
#: notes on single pedimentos shown at most
MAX_NOTES = 20
EMPTY = Template("import.empty", "required value is empty")()
DIFFERENT = Template(
    "import.pedimento_differs",
    "already imported for this company with different lines ({stored} stored, {given} in this "
    "file); a plain re-import never changes a stored pedimento: to record its rectification "
    "(R1) import the file with --rectify --reason TEXT",
)
NOT_STORED = Template(
    "import.rectify_not_stored",
    "not stored for this company, so there is nothing to rectify; import it without --rectify",
)
RECTIFIED = Template(
    "import.rectified",
    "{count} pedimento(s) rectified ({pedimentos}): the earlier lines stay in their history "
    "(`immex pedimento history NUMBER`)",
)


class _Cached:
    """A field check run once per distinct text (a big file repeats its keys, countries and
    fracciones); a text found wrong is reported on its first row and, when ``again`` is
    given, on every later row with that message."""

    def __init__(self, check: Callable[[str], str], name: str, again: str | None) -> None:
        self.check = check
        self.name = name
        self.again = again
        self.seen: dict[str, str | None] = {}

    def __call__(self, acc: RowFields, line: int, text: str) -> str | None:
        if text not in self.seen:
            try:
                self.seen[text] = self.check(text)
            except ImmexError as exc:
                self.seen[text] = None
                acc.error(line, self.name, exc.message, text)
        elif self.seen[text] is None and self.again is not None:
            acc.error(line, self.name, self.again, text)
        return self.seen[text]


@dataclass(slots=True)
class _Lots:
    """What the file says, sorted by what becomes of it."""

    rows: int = 0
    #: the latest entry date and how many rows are after the last FIX of the workspace
    latest: date = date.min
    after_fx: int = 0
    #: notes on single pedimentos (late-December pedimentos entering in January)
    notes: dict[str, str] = field(default_factory=dict)
    new: list[LotRow] = field(default_factory=list)
    #: rows of pedimentos already imported, compared with the stored lines
    again: dict[str, list[LotRow]] = field(default_factory=dict)
    #: … of which a row has its own errors (not compared)
    broken: set[str] = field(default_factory=set)


class _LotReader:
    """Checks each pedimento row against the company's materials and pedimentos."""

    def __init__(self, job: ImportJob, materials: dict[str, tuple[str, str]], known: set[str]):
        self.job = job
        self.acc = job.fields
        self.materials = materials
        self.known = known
        self.keys = _Cached(check_pedimento_key, "clave", UNKNOWN_KEY())
        self.countries = _Cached(check_country, "origin", UNKNOWN_ORIGIN())
        self.fracciones = _Cached(check_fraccion, "fraccion", None)
        #: the problem of each distinct pedimento number (office, consecutive), "" for none
        self.numbers: dict[str, str] = {}
        self.quantity = positive(QUANTITY_PLACES)
        self.value = non_negative(VALUE_PLACES)
        ix = self.acc.index
        self.columns = tuple(
            ix[c]
            for c in (
                "pedimento",
                "clave",
                "date",
                "part_number",
                "quantity",
                "value_usd",
                "origin",
            )
        )
        self.width = max(ix.values()) + 1

    def read(self) -> _Lots:
        """Every row checked (the hot loop of a million-row file: checks inlined, each
        distinct key, country and fracción checked once)."""
        lots = _Lots()
        acc, known, materials, progress = self.acc, self.known, self.materials, self.job.progress
        keys, countries, fracciones = self.keys, self.countries, self.fracciones
        known_keys, known_countries, known_fracs = keys.seen, countries.seen, fracciones.seen
        qty_check, value_check = self.quantity, self.value
        i_ped, i_key, i_date, i_part, i_qty, i_val, i_orig = self.columns
        width, has_optional, cid = self.width, bool(acc.optional), self.job.company_id
        for line, cells in self.job.rows:
            lots.rows += 1
            errors_before = acc.count
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            ped_s = cells[i_ped].strip()
            try:
                ped: str | None = parse_pedimento(ped_s)
            except ImmexError as exc:
                acc.error(line, "pedimento", exc.message, ped_s)
                ped = None
            if ped is not None and (problem := self._number_problem(ped)):
                acc.error(line, "pedimento", problem, ped_s)
            key_s = cells[i_key].strip().upper()
            key = known_keys.get(key_s) or keys(acc, line, key_s)
            entry: date | None = None
            try:
                entry = parse_day(cells[i_date])
            except ImmexError as exc:
                acc.error(line, "date", exc.message, cells[i_date])
            if entry is not None:
                self._check_date(lots, line, ped, entry, cells[i_date])
            part = cells[i_part].strip()
            material = materials.get(part)
            if material is None:
                acc.error(line, "part_number", UNKNOWN_MATERIAL if part else EMPTY, part)
            try:
                qty = qty_check(cells[i_qty])
            except ImmexError as exc:
                acc.error(line, "quantity", exc.message, cells[i_qty])
                qty = 0
            try:
                val = value_check(cells[i_val])
            except ImmexError as exc:
                acc.error(line, "value_usd", exc.message, cells[i_val])
                val = 0
            orig = cells[i_orig].strip().upper()
            if known_countries.get(orig) is None:
                countries(acc, line, orig)
            if orig == UNDECLARED_ORIGIN:
                acc.error(line, "origin", origin_problem(orig) or "", orig)
            kind_error = lot_key_mismatch(key_s, material[1] if material else None)
            if kind_error:
                acc.error(line, "clave", kind_error, key_s)
            frac = material[0] if material else ""
            fx = cert = start = None
            if has_optional:
                frac_s = acc.get(cells, "fraccion")
                if frac_s:
                    frac = known_fracs.get(frac_s) or fracciones(acc, line, frac_s) or ""
                fx = acc.parse(line, cells, "fx", check_fx, required=False)
                cert = acc.get(cells, "certificate") or None
                start = acc.parse(line, cells, "start_date", parse_day, required=False)
            if ped in known or not acc.errors:
                row = _lot_row(
                    cid, ped, key, entry, start, part, qty, val, orig, frac, fx, cert, line
                )
                if ped not in known:
                    lots.new.append(row)
                elif acc.count > errors_before:
                    lots.broken.add(str(ped))
                else:
                    lots.again.setdefault(str(ped), []).append(row)
            if progress is not None and lots.rows % PROGRESS_EVERY == 0:
                progress("validated", lots.rows)
        for ped_no in lots.broken:
            lots.again.pop(ped_no, None)
        self._notes(lots)
        return lots

    def _number_problem(self, ped: str) -> str:
        """The customs office and the consecutive of a pedimento number (once per number)."""
        found = self.numbers.get(ped)
        if found is None:
            try:
                check_customs_office(ped[2:4])
                found = consecutive_problem(ped) or ""
            except ImmexError as exc:
                found = exc.message
            self.numbers[ped] = found
        return found

    def _check_date(self, lots: _Lots, line: int, ped: str | None, day: date, text: str) -> None:
        """The entry's date against its pedimento's year, today and the FIX data."""
        acc, job = self.acc, self.job
        if ped is not None:
            error, note = year_problem(ped, day)
            if error:
                acc.error(line, "date", error, text)
            elif note and len(lots.notes) < MAX_NOTES:
                lots.notes.setdefault(ped, f"{job.path.name}:{line}: {note}")
        if job.today is not None and (late := future_problem(day, job.today, AN_ENTRY)):
            acc.error(line, "date", late, text)
        if day > lots.latest:
            lots.latest = day
        if job.fx_last is not None and day > job.fx_last:
            lots.after_fx += 1

    def _notes(self, lots: _Lots) -> None:
        job = self.job
        job.notes.extend(lots.notes.values())
        if job.fx_last is not None and lots.after_fx:
            note = after_fx_note(lots.latest, job.fx_last, lots.after_fx, PEDIMENTO_LINES)
            job.notes.append(f"{job.path.name}: {note}")


def import_pedimentos(uow: UnitOfWork, job: ImportJob) -> ImportResult:
    ledger = uow.repos.ledger
    reader = _LotReader(
        job,
        ledger.material_fracciones_and_kinds(job.company_id),
        ledger.pedimentos(job.company_id),
    )
    lots = reader.read()
    if job.rectify is not None:
        return _rectify(uow, job, lots)
    same, _ = _same_as_stored(uow, job, lots.again) if lots.again else (0, {})
    job.fields.fail_if_errors()
    if not lots.new:
        return job.nothing_new(lots.rows, same)
    flagged = flagged_lots(annex_book_of(uow.repos), lots.new, _ANNEX_COLUMNS)
    job.notes.extend(import_notes(job.path.name, flagged))
    batch = open_batch(uow, job, lots.rows)
    rows = [r[:_BATCH] + (batch,) for r in lots.new]
    del lots.new[:]
    ledger.add_lots(rows)
    uow.audit(
        "import.pedimentos", job.audit_detail(lots.rows, pedimentos=len({r[1] for r in rows}))
    )
    return job.result(lots.rows, len(rows), 0, same, batch)


def _rectify(uow: UnitOfWork, job: ImportJob, lots: _Lots) -> ImportResult:
    """New versions of stored pedimentos: the lines of each one that differs are stored
    under a new batch, the earlier ones withdrawn by a correction naming the reason."""
    reported: set[str] = set()
    for row in lots.new:
        if row[1] not in reported:
            reported.add(row[1])
            job.fields.error(row[_LINE], "pedimento", NOT_STORED(), row[1])
    same, changed = _same_as_stored(uow, job, lots.again) if lots.again else (0, {})
    job.fields.fail_if_errors()
    if not changed:
        return job.nothing_new(lots.rows, same)
    batch = open_batch(uow, job, lots.rows)
    rows = [r[:_BATCH] + (batch,) for ped in sorted(changed) for r in changed[ped]]
    uow.repos.ledger.add_lots(rows)
    peds = sorted(changed)
    run = uow.repos.journal.current_run(job.company_id)
    stale = None if run is None else run.id
    ws = uow.workspace
    correction = uow.repos.corrections.add(
        company_id=job.company_id, kind="rectify", batch_id=batch, reason=job.rectify or "",
        actor=ws.actor, created_at=ws.now(), stale_run=stale, detail={"pedimentos": peds},
    )  # fmt: skip
    withdrawn = uow.repos.corrections.withdraw_lots(job.company_id, peds, batch, correction)
    uow.audit(
        "import.rectify",
        job.audit_detail(lots.rows, pedimentos=peds, reason=job.rectify, withdrawn=withdrawn,
                         stale_run=stale),
    )  # fmt: skip
    shown = ", ".join(format_pedimento(p) for p in peds[:5]) + (" …" if len(peds) > 5 else "")
    job.notes.append(RECTIFIED(count=len(peds), pedimentos=shown))
    if stale is not None:
        job.notes.append(STALE_NOTE(run=stale))
    return job.result(lots.rows, 0, len(rows), same, batch)


def _lot_row(cid: int, ped: Any, *fields: Any) -> LotRow:
    """A lot row as LOT_COLUMNS (batch id 0 until the batch exists)."""
    key, entry, start, part, qty, val, orig, frac, fx, cert, line = fields
    return (
        cid,
        ped,
        key,
        entry.isoformat() if entry else None,
        start.isoformat() if start else None,
        part,
        qty,
        val,
        orig,
        frac,
        fx,
        cert,
        line,
        0,
    )


def _lot_content(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a pedimento row says (clave … certificate), comparable with a stored lot."""
    clave, entry, start, part, qty, val, orig, frac, fx, cert = row
    return (
        clave,
        str(entry)[:10],
        str(start)[:10] if start else None,
        part,
        int(qty),
        int(val),
        orig,
        frac,
        fixed(fx, FX_PLACES) if fx else None,
        cert or None,
    )


def _same_as_stored(
    uow: UnitOfWork, job: ImportJob, again: dict[str, list[LotRow]]
) -> tuple[int, dict[str, list[LotRow]]]:
    """Rows of pedimentos already imported: identical lines are left as they are (their
    count is returned) and the pedimentos whose lines differ from the stored ones with
    their rows — an error, unless the job is a rectification."""
    stored: dict[str, Counter[tuple[Any, ...]]] = {}
    for r in uow.repos.ledger.lot_lines(job.company_id, sorted(again)):
        stored.setdefault(r[0], Counter())[_lot_content(r[1:])] += 1
    same = 0
    changed: dict[str, list[LotRow]] = {}
    for ped, rows in again.items():
        mine = Counter(_lot_content(r[2:12]) for r in rows)
        if mine == stored.get(ped):
            same += len(rows)
            continue
        changed[ped] = rows
        if job.rectify is None:
            theirs = sum(stored.get(ped, Counter()).values())
            job.fields.error(
                rows[0][_LINE], "pedimento", DIFFERENT(stored=theirs, given=len(rows)), ped
            )
    return same, changed
