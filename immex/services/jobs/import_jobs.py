"""Imports as background jobs: the uploaded files are kept with the job (in the database,
so a worker on any machine reads them), the import runs as ``immex import KIND`` does
(all or nothing, in one transaction), and the files are dropped once the job is done.

A job killed mid-way leaves the import's transaction rolled back (nothing written) and is
reported failed; retried, it reads the same files again. An import that committed just
before its runner died is not written twice on a retry: every import refuses a file (or
pedimento) it already holds.
"""

from __future__ import annotations

import enum
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from immex.domain.errors import BatchError, ImmexError, InvalidInput
from immex.domain.messages import Msg, Template, msg_record
from immex.services.inputs import jsonable
from immex.services.jobs.queue import Job, JobKind, job_of
from immex.services.ledger import importer as ledger_imports
from immex.services.ledger.importer import Entity
from immex.services.sat.datastage_import import import_datastage
from immex.services.sat.m3_import import import_m3
from immex.services.workspace.context import Workspace

NO_FILE_FIELD = Template("jobs.no_file_field", "send the files in the multipart field 'file'")
WRONG_FILE_KIND = Template("jobs.wrong_file_kind", "file: {name} is not a {value} file ({items})")
ONE_FILE = Template("jobs.one_file", "one {value} file at a time")
NO_FILES_LEFT = Template("jobs.no_files_left", "job {job_id} has no files left to import")


#: an upload larger than this is imported by a job even without ``?async=1`` (202)
INLINE_BYTES = 5 * 1024 * 1024

Reporter = Callable[[int], None]


class ImportKind(enum.StrEnum):
    """What ``POST /api/v1/companies/{rfc}/imports/{kind}`` takes (``immex import KIND``)."""

    MATERIALS = "materials"
    PRODUCTS = "products"
    BOM = "bom"
    PEDIMENTOS = "pedimentos"
    SHIPMENTS = "shipments"
    DATASTAGE = "datastage"  # SAT Data Stage ZIPs
    M3 = "m3"  # validation files (archivo M)


#: the file name endings each kind accepts
SUFFIXES: dict[ImportKind, tuple[str, ...]] = {
    **{ImportKind(e.value): (".csv", ".xlsx", ".xlsm", ".txt") for e in Entity},
    ImportKind.DATASTAGE: (".zip",),
}


def check_files(kind: ImportKind, names: Sequence[str]) -> None:
    """Refuse a file the kind cannot read, before anything is written."""
    if not names:
        raise InvalidInput(NO_FILE_FIELD(), field="file")
    if kind is ImportKind.M3:
        return  # mPPPPNNN.DDD: the extension is the day of the year
    allowed = SUFFIXES[kind]
    for name in names:
        if Path(name).suffix.lower() not in allowed:
            raise InvalidInput(
                WRONG_FILE_KIND(name=name, value=kind.value, items=", ".join(allowed)), field="file"
            )


def batch_errors(exc: BatchError) -> list[dict[str, Any]]:
    """The errors of a refused file as the API shows them (line, column, message), each
    message with its catalog key and fields (``message_record``: the job's answer shows it
    in the reader's language, :func:`immex.services.jobs.queue.Job.public`)."""
    return [
        {"line": e.line, "column": e.field, "message": e.message, "value": e.value,
         "message_record": msg_record(e.message) if isinstance(e.message, Msg) else None}
        for e in exc.errors
    ]  # fmt: skip


def import_now(
    ws: Workspace, kind: ImportKind, files: Sequence[tuple[str, bytes]],
    rectify: str | None = None,
) -> Any:  # fmt: skip
    """Import the files at once (all or nothing): the result as JSON-ready values, or
    :class:`BatchError` with nothing written. ``rectify`` (the reason) records new
    versions of what is stored (see :func:`ledger_imports.import_file`)."""
    if rectify is not None:
        ledger_imports.rectification(kind.value, True, rectify)
    check_files(kind, [name for name, _ in files])
    with tempfile.TemporaryDirectory(prefix="immex-upload-") as folder:
        paths = []
        for n, (name, data) in enumerate(files):
            path = Path(folder) / str(n) / Path(name).name
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
        if kind is ImportKind.DATASTAGE:
            return jsonable(import_datastage(ws, paths))
        if kind is ImportKind.M3:
            return jsonable(import_m3(ws, paths))
        if len(paths) != 1:
            raise InvalidInput(ONE_FILE(value=kind.value), field="file")
        body = jsonable(ledger_imports.import_file(ws, kind.value, paths[0], rectify=rectify))
        body["file"] = Path(files[0][0]).name
        return body


def submit_import(
    ws: Workspace, kind: ImportKind, files: Sequence[tuple[str, bytes]],
    rectify: str | None = None,
) -> Job:  # fmt: skip
    """Queue the import of ``files`` for the workspace's company (audited); the files are
    kept with the job until it is done."""
    check_files(kind, [name for name, _ in files])
    if rectify is not None:
        ledger_imports.rectification(kind.value, True, rectify)
    company = ws.the_company
    names = [Path(name).name for name, _ in files]
    params: dict[str, Any] = {"import": kind.value, "files": names}
    if rectify is not None:
        params["rectify"] = rectify
    with ws.write() as uow:
        job_id = uow.repos.jobs.add(JobKind.IMPORT.value, company.id, params, ws.actor, ws.now())
        for name, (_, data) in zip(names, files, strict=True):
            uow.repos.jobs.add_file(job_id, name, data)
        uow.audit("job.submit", {"object": f"job {job_id}", "kind": JobKind.IMPORT.value,
                                 **params})  # fmt: skip
        row = uow.repos.jobs.get(job_id)
    assert row is not None
    return job_of(row)


class ImportRefused(ImmexError):
    """The job's files were refused: the job fails with every error line."""

    def __init__(self, exc: BatchError) -> None:
        super().__init__(exc.message)
        self.errors = batch_errors(exc)


def run_import(ws: Workspace, params: dict[str, Any], report: Reporter) -> dict[str, Any]:
    """The job's import (its runner records the result or the failure)."""
    job_id = int(params["job_id"])
    with ws.read() as repos:
        files = repos.jobs.files(job_id)
    if not files:
        raise InvalidInput(NO_FILES_LEFT(job_id=job_id), field="job_id")
    report(10)
    try:
        result = import_now(ws, ImportKind(params["import"]), files, params.get("rectify"))
    except BatchError as exc:
        raise ImportRefused(exc) from None
    with ws.write() as uow:
        uow.repos.jobs.drop_files(job_id)
    return dict(result)
