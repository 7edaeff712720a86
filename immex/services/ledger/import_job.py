"""One import of a ledger file: what it is (entity, columns), its rows with the errors
found in them, and its result.

Every problem is collected as an :class:`ErrorRecord` (file:line, column, message, value);
:func:`fail_if_errors` raises them all at once as a :class:`BatchError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from immex.domain.errors import BatchError, ErrorRecord, ImmexError
from immex.domain.messages import Template
from immex.services.ledger.tabular import Rows
from immex.services.workspace.context import UnitOfWork

MISSING_COLUMN = Template("import.missing_column", "missing column (expected {columns})")
EMPTY = Template("import.empty", "required value is empty")
IMPORTED = Template("import.result", "{file}: {rows} — {new}, {updated}, {same}")
#: the counts of an import's result, each in the form its number takes
ROWS = Template("import.rows", "{n} row", "{n} rows")
NEW_ROWS = Template("import.rows_new", "{n} new", "{n} new")
UPDATED_ROWS = Template("import.rows_updated", "{n} updated", "{n} updated")
SAME_ROWS = Template("import.rows_same", "{n} unchanged", "{n} unchanged")
ALL_SAME = Template(
    "import.all_same",
    "{file}: {rows} row, already imported with the same content; nothing written",
    "{file}: {rows} rows, all already imported with the same content; nothing written",
    count="rows",
)
NO_ROWS = Template("import.no_rows", "{file}: no rows; nothing written")
#: a note of the import on the file, on one of its lines
FILE_NOTE = Template("import.read_note", "{file}: {note}")
LINE_NOTE = Template("import.line_note", "{file}:{line}: {note}")


class Entity(StrEnum):
    """What a ledger file holds (``immex import <entity>``)."""

    MATERIALS = "materials"
    PRODUCTS = "products"
    BOM = "bom"
    PEDIMENTOS = "pedimentos"
    SHIPMENTS = "shipments"


ENTITIES = tuple(e.value for e in Entity)
COLUMNS: dict[Entity, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # entity: (required columns, optional columns)
    Entity.MATERIALS: (("part_number", "description", "kind", "fraccion", "umc"), ()),
    Entity.PRODUCTS: (("part_number", "description", "fraccion", "umc"), ()),
    Entity.BOM: (
        ("product", "component", "qty_per_unit"),
        ("scrap_pct", "valid_from", "valid_to"),
    ),
    Entity.PEDIMENTOS: (
        ("pedimento", "clave", "date", "part_number", "quantity", "value_usd", "origin"),
        ("fraccion", "fx", "certificate", "start_date"),
    ),
    Entity.SHIPMENTS: (
        ("document", "kind", "date", "product", "quantity"),
        ("destination", "value_usd", "pedimento", "evidence"),
    ),
}
#: stop collecting after this many errors (the file is obviously wrong)
MAX_ERRORS = 1000
#: how often (in rows) a long import reports progress
PROGRESS_EVERY = 100_000
#: ``progress(stage, rows done)``
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    entity: str
    file: str
    sha256: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    already_imported: bool
    batch_id: int | None
    message: str
    #: how the file was read, when it was not plain comma-separated UTF-8
    notes: tuple[str, ...] = ()
    #: a dry run: every check done, what would be written counted, nothing kept
    dry_run: bool = False


class RowFields:
    """The cells of a file's rows by column name; records errors with file:line and column."""

    def __init__(self, source: str, header: list[str], entity: Entity) -> None:
        self.source = source
        self.errors: list[ErrorRecord] = []
        self.count = 0  # every error, also those past MAX_ERRORS
        required, optional = COLUMNS[entity]
        self.index = {name: i for i, name in enumerate(header)}
        for name in required:
            if name not in self.index:
                self.error(1, name, MISSING_COLUMN(columns=", ".join(required)), None)
        self.optional = {name for name in optional if name in self.index}

    def error(self, line: int | None, field: str | None, message: str, value: str | None) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ErrorRecord(self.source, line, field, message, value))

    def get(self, cells: list[str], name: str) -> str:
        i = self.index.get(name)
        if i is None or i >= len(cells):
            return ""
        return cells[i].strip()

    def need(self, line: int, cells: list[str], name: str) -> str:
        value = self.get(cells, name)
        if not value:
            self.error(line, name, EMPTY(), value)
        return value

    def parse(
        self,
        line: int,
        cells: list[str],
        name: str,
        fn: Callable[[str], Any],
        required: bool = True,
    ) -> Any:
        value = self.get(cells, name)
        if not value:
            if required:
                self.error(line, name, EMPTY(), value)
            return None
        try:
            return fn(value)
        except ImmexError as exc:
            self.error(line, name, exc.message, value)
        return None

    def fail_if_errors(self) -> None:
        if self.errors:
            raise BatchError(self.errors)


@dataclass(frozen=True, slots=True)
class ImportJob:
    """One file being imported for the workspace's company."""

    entity: Entity
    path: Path
    sha256: str
    company_id: int
    fields: RowFields
    rows: Rows
    progress: Progress | None
    #: the workspace's today: nothing is dated after it
    today: date | None = None
    #: the last FIX the workspace has: rows dated after it get a warning
    fx_last: date | None = None
    #: notes of the import for the person (warnings that do not stop it)
    notes: list[str] = field(default_factory=list)
    #: a rectification: new versions of stored pedimentos, and why (``--rectify --reason``)
    rectify: str | None = None
    #: 0 for the file's first import; n for its import after n voided batches of it
    attempt: int = 0

    def result(self, rows: int, inserted: int, updated: int, same: int, batch: int) -> ImportResult:
        msg = IMPORTED(
            file=self.path.name, rows=ROWS(n=rows), new=NEW_ROWS(n=inserted),
            updated=UPDATED_ROWS(n=updated), same=SAME_ROWS(n=same),
        )  # fmt: skip
        return ImportResult(
            self.entity.value, str(self.path), self.sha256, rows, inserted, updated, same, False,
            batch, msg,
        )  # fmt: skip

    def nothing_new(self, rows: int, same: int) -> ImportResult:
        """Every row is already in the store, identical: nothing is written."""
        msg = ALL_SAME(file=self.path.name, rows=rows) if rows else NO_ROWS(file=self.path.name)
        return ImportResult(
            self.entity.value, str(self.path), self.sha256, rows, 0, 0, same, rows > 0, None, msg
        )

    def audit_detail(self, rows: int, **more: Any) -> dict[str, Any]:
        return {"file": self.path.name, "sha256": self.sha256, "rows": rows, **more}


def open_batch(uow: UnitOfWork, job: ImportJob, rows: int) -> int:
    """Record the file as an import batch (when, by the workspace's actor); its id."""
    ws = uow.workspace
    return uow.repos.ledger.add_batch(
        job.company_id, job.entity.value, job.path.name, job.sha256, rows, ws.now(), ws.actor,
        job.attempt,
    )  # fmt: skip
