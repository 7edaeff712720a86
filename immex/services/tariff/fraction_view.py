"""``immex tariff show`` / ``GET /api/tariff/{code}`` in a workspace: the bundled fracción
with the rate the workspace's loaded LIGIE amendments put in force (an official tariff
workbook, an amendment file)."""

from __future__ import annotations

from datetime import date
from typing import Any

from immex.services.rates.workspace_data import workspace_data
from immex.services.tariff.lookup import show
from immex.services.workspace.context import Workspace


def show_in_workspace(
    ws: Workspace | None, code: str, as_of: date, warnings: list[str] | None = None
) -> dict[str, Any]:
    """:func:`show` with the workspace's amendment that covers ``as_of`` (None: the bundled
    data alone)."""
    first = show(code, as_of, warnings)
    if ws is None:
        return first
    amendment = workspace_data(ws).book.amendment_at(first["fraccion"], as_of)
    if amendment is None:
        return first
    return show(code, as_of, warnings, amendment=amendment)
