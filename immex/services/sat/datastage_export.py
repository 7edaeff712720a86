"""The stored SAT tables as Data Stage rows: the inverse of the import
(:mod:`immex.services.sat.datastage_import`), through :mod:`immex.datastage.exporter`."""

from __future__ import annotations

from typing import Any

from immex.datastage import exporter
from immex.datastage.layout import TABLE_CODES
from immex.services.workspace.context import Workspace


def export_tables(
    ws: Workspace, company_id: int | None = None, source: str = "datastage"
) -> dict[str, list[Any]]:
    """Every Data Stage table as stored: ``{table code: [records]}`` (the records the reader
    produces: typed records, or raw value tuples)."""
    with ws.read() as repos:
        return {
            code: exporter.records(code, repos.sat.stored_rows(code, company_id, source))
            for code in TABLE_CODES
        }
