"""Contract of the annex repository and loader on SQLite and PostgreSQL: the rows come back
as they were loaded (scope, annex, dates, citation, confidence, exceptions, note, file),
a failed or dry-run load leaves nothing, and the loaded rows join the bundled ones in the
workspace's annex book. Loaded rows are ILLUSTRATIVE."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from immex.domain.errors import BatchError
from immex.domain.immex_annex import Annex, AnnexRow, FlagKind
from immex.services.rates.annex_load import annex_book, annex_data, load_annex_file
from immex.services.workspace import companies as workspace
from immex.store.tables import annex as t


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    w = workspace.create_workspace(workspace_url)
    yield w
    w.store.dispose()


def _count(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.immex_annex_rows)).scalar_one())


def test_repository_round_trip(ws) -> None:  # type: ignore[no-untyped-def]
    rows = [
        (2, AnnexRow("8703.23", Annex.I, date(2021, 5, 1), date(2022, 12, 31),
                     "ILLUSTRATIVE Anexo I", "M", ("8703.23.01", "8703.23.02"), "nota ñ")),
        (3, AnnexRow("2208", Annex.II, date(2020, 1, 1), None, "ILLUSTRATIVE Anexo II", "L")),
    ]  # fmt: skip
    with ws.store.begin() as repos:
        assert repos.annex.has_table() and repos.annex.rows() == []
        batch = repos.rates.add_batch(
            kind="immex-annex", file_name="a.csv", sha256="0" * 64, rows=2, loaded_by="t",
            loaded_at=datetime(2026, 1, 2, tzinfo=UTC),
        )  # fmt: skip
        repos.annex.add_rows(batch, rows)
        repos.annex.add_rows(batch, [])
    with ws.store.connect() as repos:
        assert repos.annex.rows() == [(r, "a.csv") for _, r in rows]


def test_load_writes_all_or_nothing_and_feeds_the_book(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    head = "fraccion,annex,valid_from,valid_to,source,confidence,exceptions,note\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "8703.23,I,2021-05-01,,ILLUSTRATIVE,M,,\n9999,IV,2021-05-01,,x,M,,\n")
    with pytest.raises(BatchError) as info:
        load_annex_file(ws, bad)
    assert [(e.line, e.field) for e in info.value.errors] == [(3, "annex")]
    assert _count(ws) == 0
    good = tmp_path / "good.csv"
    good.write_text(head + "8703.23,I,2021-05-01,2022-12-31,ILLUSTRATIVE,M,8703.23.02,n\n")
    dry = load_annex_file(ws, good, dry_run=True)
    assert dry.dry_run and dry.rows_inserted == 1 and _count(ws) == 0
    done = load_annex_file(ws, good)
    assert done.rows_inserted == 1 and done.batch_id is not None and _count(ws) == 1
    data = annex_data(ws)
    assert data.files == ("good.csv",) and len(data.bundled) == 10 and len(data.loaded) == 1
    book = annex_book(ws)
    car = book.flag("8703.23.99", date(2022, 6, 1))
    assert car is not None and car.kind is FlagKind.RESTRICTED and car.source == "ILLUSTRATIVE"
    assert book.flag("8703.23.02", date(2022, 6, 1)).kind is FlagKind.EXCEPTION  # type: ignore[union-attr]
    assert book.flag("8703.23.99", date(2023, 1, 1)) is None
    assert book.flag("6109.10.01", date(2025, 1, 1)) is not None  # bundled rows still there
    with ws.store.connect() as repos:
        actions = [a["action"] for a in repos.audit.entries()]
    assert actions.count("rates.load.immex-annex") == 1  # the dry run left no trace
