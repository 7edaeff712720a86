"""The imports page's history: the company's import batches (who, when, what, and whether
voided or a rectification), newest first."""

from __future__ import annotations

from immex.services.ledger.corrections import BatchRow, list_batches
from immex.services.workspace.context import Workspace


def batch_history(ws: Workspace) -> list[BatchRow]:
    """The company's batches, newest first (see :func:`.corrections.list_batches`)."""
    return list_batches(ws)[::-1]
