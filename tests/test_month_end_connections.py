"""A month-end use case opens the workspace once: the F4 plan, the 63-A report, the savings
and the whole report each read through one connection (nested ``ws.read()`` blocks share
it). SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from immex.services.discharge import runs
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.ledger.importer import import_file
from immex.services.month_end.close import month_end_figures, month_end_reports
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from tests.test_reports_repository import FILES


@pytest.fixture
def ws(workspace_url: str, tmp_path: Path) -> Iterator[Workspace]:
    ws = workspace.create_workspace(workspace_url)
    ws = ws.with_company(workspace.add_company(ws, "EKU9003173C9", "Planta", prosec=["II"]))
    for name, text in FILES.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(ws, name, path)
    runs.run_discharge(ws)
    yield ws
    ws.store.dispose()


def _connections(ws: Workspace, job: Callable[[], Any]) -> int:
    opened: list[object] = []

    def count(conn: object) -> None:
        opened.append(conn)

    event.listen(ws.store.engine, "engine_connect", count)
    try:
        job()
    finally:
        event.remove(ws.store.engine, "engine_connect", count)
    return len(opened)


@pytest.mark.parametrize(
    "name",
    ["f4", "63a", "savings", "figures", "reports"],
)
def test_one_connection_per_use_case(ws: Workspace, name: str, tmp_path: Path) -> None:
    jobs: dict[str, Callable[[], Any]] = {
        "f4": lambda: plan_f4(ws, "2025-03"),
        "63a": lambda: report_63a(ws, "2025-03"),
        "savings": lambda: savings(ws, date(2025, 1, 1), date(2025, 12, 31)),
        "figures": lambda: month_end_figures(ws, (2025, 3)),
        "reports": lambda: month_end_reports(
            ws, "2025-03", formats=["html"], out=tmp_path / "r",
            computed_at=datetime(2025, 4, 1, tzinfo=UTC),
        ),
    }  # fmt: skip
    assert _connections(ws, jobs[name]) == 1


def test_the_count_sees_each_connection(ws: Workspace) -> None:
    """Guards the check itself: two use cases outside a shared block open two."""
    assert _connections(ws, lambda: (plan_f4(ws, "2025-03"), plan_f4(ws, "2025-03"))) == 2
    with ws.session():
        assert _connections(ws, lambda: (plan_f4(ws, "2025-03"), plan_f4(ws, "2025-03"))) == 0
