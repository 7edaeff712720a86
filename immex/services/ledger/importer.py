"""Import a file into the Annex 24 ledger of the workspace's company (``immex import …``).

Each entity's file is a table read by :mod:`immex.files` (CSV/TXT in any encoding and
separator, XLSX, XLSB, ODS; Spanish header names accepted, see docs/FILES.md).
Every row is validated and every problem collected as an :class:`ErrorRecord` (file:line,
column, message, value); if there is any, :class:`BatchError` is raised and nothing is
written. A file already imported for the company (same SHA-256) is not imported again: the
result says so — unless its batch was voided: then it is imported as a new batch (the
voided one stays in the history) and a note says so. The import batch and the audit entry
name the workspace's actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services.ledger.field_checks import require_reference_data
from immex.services.ledger.import_job import (
    COLUMNS,
    ENTITIES,
    Entity,
    ImportJob,
    ImportResult,
    Progress,
    RowFields,
)
from immex.services.ledger.master import import_bom, import_parts
from immex.services.ledger.pedimentos import import_pedimentos
from immex.services.ledger.shipments import import_shipments
from immex.services.ledger.tabular import file_sha256, read_rows
from immex.services.rates.workspace_data import series_of
from immex.services.workspace.context import UnitOfWork, Workspace

__all__ = ["COLUMNS", "ENTITIES", "Entity", "ImportResult", "Progress", "import_file"]

RECTIFY_NOT_SHIPMENTS = Template(
    "import.rectify_not_shipments",
    "--rectify applies to pedimentos, materials, products and the BOM; correct {entity} by "
    "voiding the batch (`immex import void BATCH --reason TEXT`) and importing the corrected "
    "file",
)
#: the entities a rectification corrects (shipments are voided and imported again)
RECTIFIABLE = ("pedimentos", "materials", "products", "bom")
RECTIFY_NO_REASON = Template(
    "import.rectify_no_reason",
    "a rectification needs --reason TEXT (e.g. the R1 pedimento that rectifies): it stays in "
    "the pedimento's history",
)
REASON_ALONE = Template(
    "import.reason_alone",
    "a reason goes with a rectification (rectify); a plain import takes none",
)
REIMPORTED_FILE = Template(
    "import.reimported_file",
    "{file} was imported before in batch {batch}, voided on {day} by {actor} ({reason}); it is "
    "imported again as a new batch, and the voided one stays in the history (`immex import "
    "list`)",
)
UNKNOWN_IMPORT = Template("import.unknown_entity", "unknown import {name}; one of {choices}")
NO_SUCH_FILE = Template("import.no_such_file", "no such file: {path}")
ALREADY_IMPORTED = Template(
    "import.already_imported",
    "{file} was already imported (batch {batch}, {when}); nothing written",
)
DRY_RUN_RESULT = Template("import.dry_run_result", "dry run (nothing written): {result}")
FILE_NOTE = Template("import.file_note", "{file}: {note}")

_IMPORTERS: dict[Entity, Callable[[UnitOfWork, ImportJob], ImportResult]] = {
    Entity.MATERIALS: import_parts,
    Entity.PRODUCTS: import_parts,
    Entity.BOM: import_bom,
    Entity.PEDIMENTOS: import_pedimentos,
    Entity.SHIPMENTS: import_shipments,
}


def rectification(kind: str, rectify: bool, reason: str | None) -> str | None:
    """The ``rectify`` argument of :func:`import_file` from a form or a query (rectify
    or not, and the reason): checked before any file is read or a job queued — a reason
    without a rectification, a rectification without one or of an entity that takes none
    is refused (``InvalidInput`` naming the field)."""
    text = (reason or "").strip()
    if not rectify:
        if text:
            raise InvalidInput(REASON_ALONE(), field="reason")
        return None
    if kind not in RECTIFIABLE:
        raise InvalidInput(RECTIFY_NOT_SHIPMENTS(entity=kind), field="rectify")
    if not text:
        raise InvalidInput(RECTIFY_NO_REASON(), field="reason")
    return text


def entity_of(name: str) -> Entity:
    """The entity named (``materials`` …); a clear error for any other name."""
    try:
        return Entity(name)
    except ValueError:
        raise InvalidInput(
            UNKNOWN_IMPORT(name=repr(name), choices=", ".join(ENTITIES)), field="entity"
        ) from None


def import_file(
    ws: Workspace,
    entity: Entity | str,
    path: Path | str,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
    rectify: str | None = None,
) -> ImportResult:
    """Validate ``path`` and write it all, or raise :class:`BatchError` and write nothing;
    with ``dry_run`` every check (and every write) is done and nothing is kept. With
    ``rectify`` (the reason) the file records new versions of stored pedimentos, materials,
    products or BOM lines (:mod:`.pedimentos`, :mod:`.master`)."""
    kind = entity_of(entity)
    if rectify is not None:
        if kind.value not in RECTIFIABLE:
            raise InvalidInput(RECTIFY_NOT_SHIPMENTS(entity=kind.value), field="rectify")
        rectify = rectify.strip()
        if not rectify:
            raise InvalidInput(RECTIFY_NO_REASON(), field="reason")
    company = ws.the_company
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(NO_SUCH_FILE(path=str(path)), field="file")
    sha = file_sha256(path)
    with ws.read() as repos:
        previous = repos.ledger.batch_of_file(company.id, kind.value, sha)
        voids = [] if previous is None else repos.corrections.of_batch(company.id, previous.id)
    void = next((c for c in voids if c.kind == "void"), None)
    again: list[str] = []
    if void is not None and previous is not None:  # a voided file may come back: a new batch
        again.append(
            REIMPORTED_FILE(file=path.name, batch=previous.id, actor=void.actor,
                            day=f"{void.created_at:%Y-%m-%d}", reason=void.reason)
        )  # fmt: skip
    elif previous is not None:
        return ImportResult(
            kind.value, str(path), sha, 0, 0, 0, 0, True, previous.id,
            ALREADY_IMPORTED(file=path.name, batch=previous.id,
                             when=f"{previous.imported_at:%Y-%m-%d %H:%M}"),
        )  # fmt: skip
    header, rows, notes = read_rows(path, kind.value)
    require_reference_data(header)
    fields = RowFields(str(path), header, kind)
    fields.fail_if_errors()
    fx_last = None
    if kind in (Entity.PEDIMENTOS, Entity.SHIPMENTS):
        fx_last = series_of(ws)[0].last
    job = ImportJob(
        kind, path, sha, company.id, fields, rows, progress, ws.today, fx_last, rectify=rectify,
        attempt=0 if previous is None else previous.attempt + 1,
    )  # fmt: skip
    with ws.write(dry_run=dry_run) as uow:
        uow.repos.ledger.prepare_bulk_load()
        result = _IMPORTERS[kind](uow, job)
        if not dry_run:
            uow.repos.ledger.refresh_statistics(kind.value, result.inserted)
    if dry_run:
        message = DRY_RUN_RESULT(result=result.message)
        result = replace(result, batch_id=None, message=message, dry_run=True)
    read_notes = [FILE_NOTE(file=path.name, note=note) for note in notes]
    return replace(result, notes=(*again, *read_notes, *job.notes))
