"""The imports page (``/c/{rfc}/imports``): upload a file per kind — every error line by
line and nothing written, or the batch; a dry run; a rectification (new versions of stored
pedimentos, materials, products or BOM lines, with its reason, as ``immex import KIND FILE
--rectify --reason TEXT``); the history of batches, each voidable with a reason
(``POST /c/{rfc}/imports/void``)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from immex.domain.errors import BatchError, DataCoverageError, ErrorRecord, InvalidInput
from immex.domain.messages import Template
from immex.services.ledger import corrections
from immex.services.ledger import importer as ledger_imports
from immex.services.ledger.batch_history import batch_history
from immex.web.company_pages.page_access import (
    CompanyPage,
    OperateForm,
    ReadPage,
    shown_on_page,
)
from immex.web.company_pages.page_render import render

router = APIRouter(include_in_schema=False)
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
RECTIFY_LABEL = Template(
    "page.imports.rectify",
    "Rectify: new versions of data already stored (pedimentos, materials, products, BOM); "
    "every earlier version is kept",
)
REASON_LABEL = Template("page.imports.rectify_reason", "Reason of the rectification")
NOT_A_TABLE = Template(
    "page.imports.not_a_table", "{file}: not a CSV or XLSX file (send .csv, .xlsx, .xlsm or .txt)"
)


def _located(errors: Sequence[ErrorRecord], name: str) -> list[ErrorRecord]:
    """Every error named by the uploaded file's name (not the server's temporary copy)."""
    return [replace(e, source=name) for e in errors]


def _imports(request: Request, page: CompanyPage, status: int = 200, **ctx: Any) -> HTMLResponse:
    ctx.setdefault("result", None)
    ctx.setdefault("errors", None)
    ctx.setdefault("failure", None)
    ctx.setdefault("chosen", "materials")
    ctx.setdefault("voided", None)
    ctx.setdefault("reason", "")
    ctx.setdefault("bad_field", None)
    return render(request, page.who, "imports.html", status, company=page.ws.the_company,
                  can_operate=page.can_operate, kinds=ledger_imports.ENTITIES,
                  batches=batch_history(page.ws), rectify_label=RECTIFY_LABEL(),
                  reason_label=REASON_LABEL(), **ctx)  # fmt: skip


@router.get("/c/{rfc}/imports", response_class=HTMLResponse)
def imports_page(request: Request, page: ReadPage) -> HTMLResponse:
    return _imports(request, page)


@router.post("/c/{rfc}/imports", response_class=HTMLResponse)
def import_upload(
    request: Request, page: OperateForm, file: UploadFile,
    kind: Annotated[str, Form()] = "", dry_run: Annotated[str, Form()] = "",
    rectify: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
) -> HTMLResponse:  # fmt: skip
    """All or nothing: 201 with the batch (200 for a dry run), or 422 with every error;
    a rectification without its reason is 422 too, before the file is read."""
    name = Path(file.filename or "upload.csv").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        problem = NOT_A_TABLE(file=name)
        errors = [ErrorRecord(name, None, "file", problem, None)]
        return _imports(request, page, 400, errors=errors, failure=problem, file_name=name,
                        chosen=kind, reason=reason, bad_field="file")  # fmt: skip
    try:
        why = ledger_imports.rectification(kind, bool(rectify), reason)
    except InvalidInput as exc:
        errors = [ErrorRecord(name, None, exc.field, exc.message, None)]
        return _imports(request, page, 422, errors=errors, failure=exc.message, file_name=name,
                        chosen=kind, reason=reason, bad_field=exc.field)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="immex-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(file.file.read())
        with shown_on_page():
            try:
                result = ledger_imports.import_file(
                    page.ws, kind, path, dry_run=bool(dry_run), rectify=why
                )
            except BatchError as exc:
                return _imports(request, page, 422, errors=_located(exc.errors, name),
                                failure=exc.message, file_name=name, chosen=kind,
                                reason=reason)  # fmt: skip
            except (InvalidInput, DataCoverageError) as exc:  # the file as a whole: unreadable …
                errors = [ErrorRecord(name, None, exc.field, exc.message, None)]
                return _imports(request, page, 422, errors=errors, failure=exc.message,
                                file_name=name, chosen=kind, reason=reason)  # fmt: skip
    return _imports(request, page, 200 if dry_run else 201, result=result, file_name=name,
                    chosen=kind)  # fmt: skip


@router.post("/c/{rfc}/imports/void", response_class=HTMLResponse)
def import_void(
    request: Request, page: OperateForm,
    batch: Annotated[int, Form()], reason: Annotated[str, Form()] = "",
) -> HTMLResponse:  # fmt: skip
    """Void a batch of the company (its rows leave the ledger, kept with the reason)."""
    with shown_on_page():
        voided = corrections.void_batch(page.ws, batch, reason)
    return _imports(request, page, voided=voided)
