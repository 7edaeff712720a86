"""``immex rates load tariff FILE --in-force-from DATE --source TEXT [--dry-run]``.

Brings the tariff up to date from an official SE workbook (the DOF 29-12-2025 reform, the
DOF 23-04-2026 decree…): every fraction of the workbook is compared with the rate in force
on the date (bundled LIGIE, with the amendments already loaded), each difference becomes a
dated LIGIE amendment citing the file (name and SHA-256) and the source the user names, and
a diff summary says what changed. Nothing else is written; ``dry_run`` writes nothing.
Fractions the bundled LIGIE lacks are reported as new (there is no row to amend: load them
with their own amendment rows once the LIGIE text that creates them is known).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from immex.domain.errors import BatchError, ErrorRecord, InvalidInput
from immex.domain.messages import Template
from immex.domain.rates import AmendmentRow
from immex.domain.tariff_diff import ChangeKind, InForce, Published, TariffDiff, compare_tariff
from immex.refdata.bundled import normalize_unit
from immex.refdata.tariff_data import TariffBook, load_tariff_book
from immex.refdata.tariff_workbook import TariffWorkbook, fold, read_tariff_workbook
from immex.services.rates.batches import (
    LoadResult,
    already_loaded,
    record_batch,
    require_rates_tables,
)
from immex.services.rates.workspace_data import workspace_data
from immex.services.workspace.context import Workspace

DRY_RUN = Template("tariff_load.dry_run", "dry run: nothing written")
#: what a LIGIE workbook's load says: how its rates compare with those in force, and what it wrote
DIFF_HEAD = Template(
    "tariff_load.diff_head",
    "{file}: {fractions} fractions read; {rates} ({up} up, {down} down, {other} of another "
    "kind), {unchanged} unchanged, {new} new, {missing} in force but not in the file, {units}",
)
N_RATES_DIFFER = Template(
    "tariff_load.n_rates_differ",
    "{n} rate differs from those in force on {day}",
    "{n} rates differ from those in force on {day}",
)
N_UNIT_CHANGES = Template("tariff_load.n_unit_changes", "{n} unit change", "{n} unit changes")
N_WRITTEN = Template("tariff_load.n_written", "{n} amendment written", "{n} amendments written")
DIFF_DRY = Template("tariff_load.diff_dry", "{head}; dry run: nothing written")
DIFF_WRITTEN = Template("tariff_load.diff_written", "{head}; {written}")
WRITTEN = Template("tariff_load.written", "{file}: {written}")
HAS_AMENDMENT = Template(
    "tariff_load.has_amendment",
    "fracción {fraccion} already has an amendment from {day} (rate {rate}, loaded from "
    "{file}); a workbook does not replace a loaded amendment",
)


NO_SOURCE = Template(
    "tariff_load.no_source",
    'say where the workbook comes from (--source), e.g. "SE, Tarifa LIGIE vigente (DOF '
    '29-12-2025)"; it is cited by every rate it changes',
)
IN_FORCE_FUTURE = Template(
    "tariff_load.in_force_future",
    "--in-force-from {in_force_from} is after today ({today}); load a workbook once its rates "
    "are in force",
)


KIND = "amendments"
#: how many examples of each kind of difference the summary lists
EXAMPLES = 10


@dataclass(frozen=True, slots=True)
class TariffLoad:
    file: str
    sha256: str
    sheet: str
    layout: str
    in_force_from: date
    source: str
    fractions: int
    diff: TariffDiff
    dry_run: bool
    result: LoadResult | None  # None on a dry run

    def summary(self) -> dict[str, Any]:
        d = self.diff
        return {
            "file": self.file,
            "sha256": self.sha256,
            "sheet": self.sheet,
            "layout": self.layout,
            "in_force_from": self.in_force_from,
            "source": self.source,
            "fractions_read": self.fractions,
            "changed": len(d.changes),
            "up": d.count(ChangeKind.UP),
            "down": d.count(ChangeKind.DOWN),
            "kind_changed": d.count(ChangeKind.KIND),
            "unchanged": d.unchanged,
            "new": len(d.new),
            "missing": len(d.missing),
            "unit_changes": len(d.unit_changes),
            "examples": {
                "changes": [
                    {
                        "fraccion": c.fraccion,
                        "before": c.before.display,
                        "after": c.after.display,
                        "kind": c.kind.value,
                    }
                    for c in d.changes[:EXAMPLES]
                ],  # fmt: skip
                "new": [n.fraccion for n in d.new[:EXAMPLES]],
                "missing": list(d.missing[:EXAMPLES]),
                "unit_changes": [
                    {"fraccion": u.fraccion, "before": u.before, "after": u.after}
                    for u in d.unit_changes[:EXAMPLES]
                ],
            },
            "dry_run": self.dry_run,
            "amendments_written": 0 if self.result is None else self.result.rows_inserted,
            "message": self.message,
        }

    @property
    def message(self) -> str:
        d = self.diff
        head = DIFF_HEAD(
            file=self.file,
            fractions=self.fractions,
            rates=N_RATES_DIFFER(n=len(d.changes), day=self.in_force_from.isoformat()),
            up=d.count(ChangeKind.UP),
            down=d.count(ChangeKind.DOWN),
            other=d.count(ChangeKind.KIND),
            unchanged=d.unchanged,
            new=len(d.new),
            missing=len(d.missing),
            units=N_UNIT_CHANGES(n=len(d.unit_changes)),
        )
        if self.dry_run:
            return DIFF_DRY(head=head)
        if self.result is not None and self.result.already_loaded:
            return self.result.message
        written = 0 if self.result is None else self.result.rows_inserted
        return DIFF_WRITTEN(head=head, written=N_WRITTEN(n=written))


def _unit(text: str) -> str:
    """The canonical unit code of a published unit, or its folded text when unknown."""
    if not text:
        return ""
    try:
        return normalize_unit(text)
    except Exception:  # an unknown spelling is compared as written
        return fold(text)


def _in_force(book: TariffBook, ws: Workspace | None, when: date) -> dict[str, InForce]:
    rates = workspace_data(ws).book
    out = {}
    for frac in book.fractions():
        amendment = rates.amendment_at(frac.fraccion, when)
        if amendment is not None:
            rate = amendment.rate
        else:
            try:
                rate = book.import_rate_at(frac.fraccion, when).rate
            except Exception:  # a fraction that did not exist on that date: not in force
                continue
        out[frac.fraccion] = InForce(rate, _unit(frac.umt))
    return out


def _citation(source: str, wb: TariffWorkbook) -> str:
    return f"{source}; file {wb.name} (SHA-256 {wb.sha256})"


def load_tariff(
    ws: Workspace, path: Path, in_force_from: date, source: str, *, dry_run: bool = False
) -> TariffLoad:
    """Compare the workbook with the tariff in force on ``in_force_from`` and (unless
    ``dry_run``) record every difference as a dated amendment."""
    if not source.strip():
        raise InvalidInput(
            NO_SOURCE(),
            field="source",
        )
    if in_force_from > ws.today:
        raise InvalidInput(
            IN_FORCE_FUTURE(in_force_from=in_force_from.isoformat(), today=ws.today.isoformat()),
            field="in_force_from",
        )
    path = Path(path)
    workbook = read_tariff_workbook(path)
    book = load_tariff_book()
    with ws.read() as repos:
        require_rates_tables(ws, repos)
        prior = already_loaded(repos, KIND, path, workbook.sha256)
    published = [Published(f.fraccion, f.import_rate, _unit(f.unit)) for f in workbook.fractions]
    diff = compare_tariff(published, _in_force(book, ws, in_force_from))
    common = (workbook.name, workbook.sha256, workbook.sheet, workbook.layout, in_force_from,
              source.strip(), len(workbook.fractions), diff)  # fmt: skip
    if dry_run:
        return TariffLoad(*common, dry_run=True, result=None)
    if prior is not None:
        return TariffLoad(*common, dry_run=False, result=prior)
    amendments = diff.amendments(in_force_from, _citation(source.strip(), workbook))
    result = _write(ws, path, workbook, amendments)
    return TariffLoad(*common, dry_run=False, result=result)


def _refuse_conflicts(
    stored: list[tuple[Any, str]], rows: list[tuple[int, AmendmentRow]], name: str
) -> None:
    """A loaded amendment of the same fraction and start date is never replaced silently."""
    by_key = {(r.fraccion, r.valid_from): (r, f) for r, f in stored}
    errors = []
    for line, row in rows:
        old = by_key.get((row.fraccion, row.valid_from))
        if old is not None:
            errors.append(ErrorRecord(
                name, line, "import_rate",
                HAS_AMENDMENT(fraccion=row.fraccion, day=row.valid_from.isoformat(),
                              rate=old[0].rate.display, file=old[1]),
                row.rate.display,
            ))  # fmt: skip
    if errors:
        raise BatchError(errors)


def _write(
    ws: Workspace, path: Path, wb: TariffWorkbook, amendments: list[AmendmentRow]
) -> LoadResult:
    line_of = {f.fraccion: f.row for f in wb.fractions}
    rows = [(line_of[a.fraccion], a) for a in amendments]
    with ws.write() as uow:
        _refuse_conflicts(uow.repos.rates.rows(KIND), rows, wb.name)
        batch_id = record_batch(uow, KIND, path, wb.sha256, len(wb.fractions), len(rows))
        uow.repos.rates.add_rows(KIND, batch_id, rows)
    return LoadResult(
        KIND, wb.name, wb.sha256, batch_id, len(wb.fractions), len(rows), 0, False,
        WRITTEN(file=wb.name, written=N_WRITTEN(n=len(rows))), (),
    )  # fmt: skip
