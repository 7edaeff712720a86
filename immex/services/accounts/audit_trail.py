"""The audit trail as admins and auditors read it: when, actor, company, action, object,
outcome — and its export to CSV or XLSX."""

from __future__ import annotations

import csv
import enum
import io
import json
from typing import Any

from openpyxl import Workbook

from immex.services.workspace.context import Workspace

COLUMNS = ("id", "at", "actor", "company", "action", "object", "outcome", "detail")


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    detail = dict(row["detail"] or {})
    return {
        "id": row["id"],
        "at": row["at"].isoformat(),
        "actor": row["actor"],
        "company": row["rfc"],
        "action": row["action"],
        "object": str(detail.pop("object", "")),
        "outcome": str(detail.pop("outcome", "ok")),
        "detail": detail,
    }


def company_entries(
    ws: Workspace, *, after_id: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """The entries of the workspace's company, oldest first."""
    with ws.read() as repos:
        rows = repos.audit_trail.entries(ws.the_company.id, after_id=after_id, limit=limit)
    return [_entry(r) for r in rows]


def installation_entries(
    ws: Workspace, *, after_id: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """Entries of no company: users, grants, tokens, sign-ins."""
    with ws.read() as repos:
        rows = repos.audit_trail.entries(None, after_id=after_id, limit=limit)
    return [_entry(r) for r in rows]


def _cells(entry: dict[str, Any]) -> list[Any]:
    return [
        json.dumps(entry[c], ensure_ascii=False, sort_keys=True) if c == "detail" else entry[c]
        for c in COLUMNS
    ]


def export(entries: list[dict[str, Any]], fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(_cells(e) for e in entries)
        return out.getvalue().encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "audit"
    sheet.append(list(COLUMNS))
    for entry in entries:
        sheet.append(_cells(entry))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
