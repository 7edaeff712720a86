"""The imports page's history: the company's import batches (who, when, what), newest
first."""

from __future__ import annotations

from immex.services.workspace.context import Workspace
from immex.store.repositories.ledger_records import ImportBatch


def batch_history(ws: Workspace) -> list[ImportBatch]:
    company = ws.the_company
    with ws.read() as repos:
        batches = repos.ledger.batches(company.id)
    return sorted(batches, key=lambda b: b.id, reverse=True)
