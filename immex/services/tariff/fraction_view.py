"""``immex tariff show`` in a workspace: the bundled fracción with the rate the workspace's
loaded LIGIE amendments put in force (an official tariff workbook, an amendment file)."""

from __future__ import annotations

from datetime import date
from typing import Any

from immex.services.rates.workspace_data import optional_workspace, workspace_data
from immex.services.tariff.lookup import show


def show_in_workspace(
    code: str, as_of: date, db: str | None, warnings: list[str] | None = None
) -> dict[str, Any]:
    """:func:`show` with the amendment of the workspace (``--db``, ``$IMMEX_DB`` or
    ``./immex.db`` when present) that covers ``as_of``; the bundled data alone without one."""
    with optional_workspace(db) as ws:
        rates = workspace_data(ws).book
        first = show(code, as_of, warnings)
        amendment = rates.amendment_at(first["fraccion"], as_of)
        if amendment is None:
            return first
        return show(code, as_of, warnings, amendment=amendment)
