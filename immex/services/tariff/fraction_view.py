"""``immex tariff show`` / ``GET /api/tariff/{code}`` in a workspace: the bundled fracción
with the rate the workspace's loaded LIGIE amendments put in force (an official tariff
workbook, an amendment file); a heading or a subheading with the fracciones it holds."""

from __future__ import annotations

from datetime import date
from typing import Any

from immex.services.rates.workspace_data import workspace_data
from immex.services.tariff.groups import code_level, show_group
from immex.services.tariff.lookup import show
from immex.services.workspace.context import Workspace


def show_in_workspace(
    ws: Workspace | None, code: str, as_of: date, warnings: list[str] | None = None
) -> dict[str, Any]:
    """:func:`show` with the workspace's amendment that covers ``as_of`` (None: the bundled
    data alone); a heading (4 digits) or a subheading (6) is :func:`show_group`, its
    ``level`` says which."""
    if code_level(code) != "fraction":
        amendments = workspace_data(ws).book.amendment_at if ws is not None else None
        return {**show_group(code, as_of, amendments), "warnings": list(warnings or [])}
    first = show(code, as_of, warnings)
    if ws is None:
        return first
    amendment = workspace_data(ws).book.amendment_at(first["fraccion"], as_of)
    if amendment is None:
        return first
    return show(code, as_of, warnings, amendment=amendment)
