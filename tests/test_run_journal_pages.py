"""A run's journal a page at a time (the discharge page): pages across the stored chunks'
boundaries (chunks made small here) give every allocation once, in journal order, equal to
the rows ``immex discharge show`` lists; a decoded chunk is reused for the next page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from immex.domain.errors import InvalidInput, NotFound
from immex.services.discharge import run_history
from immex.services.discharge.journal import journal_rows
from immex.services.discharge.runs import run_discharge
from immex.services.workspace.companies import open_workspace
from immex.store.repositories import journal as journal_store
from tests.support_demo import demo_run


def test_pages_cross_chunk_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = demo_run()
    db = tmp_path / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    monkeypatch.setattr(journal_store, "CHUNK_ROWS", 37)
    monkeypatch.setattr(run_history, "CHUNK_ROWS", 37)
    ws = open_workspace(f"sqlite:///{db}", actor="t")
    with ws.read() as repos:
        company = repos.companies.by_rfc(summary.company_rfc)
    ws = ws.with_company(company)
    run = run_discharge(ws, through=None)
    expected = journal_rows(ws, run_id=run.run_id)
    assert len(expected) > 3 * 37
    with ws.read() as repos:
        assert repos.journal.allocation_count(run.run_id) == len(expected)
        assert repos.journal.allocation_chunk(run.run_id, 1) is not None  # several chunks
    for limit in (10, 37, 50, 1000):
        seen = []
        offset: int | None = 0
        while offset is not None:
            page = run_history.journal_page(ws, run.run_id, offset, limit)
            assert len(page.rows) <= limit and page.total == len(expected)
            seen += page.rows
            offset = page.next_offset
        assert seen == expected, limit
    last = run_history.journal_page(ws, run.run_id, len(expected), 10)
    assert last.rows == () and last.next_offset is None and last.previous_offset is not None
    with pytest.raises(InvalidInput):
        run_history.journal_page(ws, run.run_id, 0, 0)
    with pytest.raises(NotFound):
        run_history.journal_page(ws, run.run_id + 99, 0)
    ws.store.dispose()
