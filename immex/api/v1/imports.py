"""Imports through the API: ``POST /companies/{rfc}/imports/{kind}`` (multipart field
``file``; kind as in ``immex import KIND``, also ``datastage`` and ``m3``, which take one
or more files).

A small file is imported at once: 201 with the batch, or 422 with every error
``{"line", "column", "message"}`` and nothing written. With ``?async=1``, or for uploads
above 5 MiB (``import_jobs.INLINE_BYTES``), the import is a background job: 202
``{"job_id"}``, its progress and result at ``GET /jobs/{id}`` (a refused file: the job
fails with the same errors in ``result.errors``; nothing written). ``?rectify=true&reason=…``
records new versions of stored pedimentos, materials, products or BOM lines, as
``immex import KIND FILE --rectify --reason TEXT``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from immex.api.i18n import in_lang
from immex.api.v1.auth import OperateWs, server_of
from immex.api.v1.errors import RefusedFile, error_body, request_lang
from immex.domain.errors import BatchError, InvalidInput
from immex.services.jobs.import_jobs import (
    INLINE_BYTES,
    ImportKind,
    import_now,
    submit_import,
)
from immex.services.ledger.importer import rectification

router = APIRouter(tags=["imports"])

AsyncQuery = Query(False, alias="async", description="Run the import as a job (202).")
RectifyQuery = Query(
    False,
    description="Record new versions of what is stored (pedimentos, materials, products, "
    "BOM lines), as `immex import KIND FILE --rectify`; needs reason.",
)
ReasonQuery = Query(None, description="Why (the rectification's reason, kept in the history).")


def _read(uploads: list[UploadFile]) -> list[tuple[str, bytes]]:
    return [(u.filename or f"upload{n}", u.file.read()) for n, u in enumerate(uploads)]


@router.post("/companies/{rfc}/imports/{kind}", status_code=201)
def import_files(
    request: Request, ws: OperateWs, kind: ImportKind, file: list[UploadFile],
    run_async: bool = AsyncQuery, rectify: bool = RectifyQuery, reason: str | None = ReasonQuery,
) -> Any:  # fmt: skip
    """Import the files all or nothing: 201 with the batch (its message in the language of
    ``Accept-Language``) or 422 with every error; as a job (202 ``{"job_id"}``) with
    ``?async=1`` or above 5 MiB. ``?rectify=true&reason=…`` records new versions of stored
    data (422 without a reason, or for shipments, Data Stage and archivo M)."""
    try:
        why = rectification(kind.value, rectify, reason)
    except InvalidInput as exc:  # in the reader's language, as a refused file's errors
        body = error_body(exc, request_lang(request))
        body["errors"] = [{"line": None, "column": exc.field, "message": body["error"],
                           "value": None, "code": body["code"]}]  # fmt: skip
        return JSONResponse(status_code=422, content=body)
    files = _read(file)
    if run_async or sum(len(data) for _, data in files) > INLINE_BYTES:
        job = submit_import(ws, kind, files, why)
        server_of(request).dispatch(job.id)
        return JSONResponse(
            status_code=202,
            content={"job_id": job.id, "status": job.status.value,
                     "url": f"/api/v1/jobs/{job.id}"},
        )  # fmt: skip
    try:
        done = import_now(ws, kind, files, why)
    except BatchError as exc:
        raise RefusedFile(exc) from None
    return in_lang(done, request_lang(request))  # its message in the reader's language
