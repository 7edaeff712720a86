"""Loading rate files into the workspace: runs on SQLite and PostgreSQL (``workspace_url``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from immex.domain.errors import BatchError
from immex.services.rates.loading import load_rates, parse_file
from immex.services.rates.workspace_data import workspace_data
from immex.services.workspace import companies as workspace
from immex.store.tables import core
from immex.store.tables import rates as t

EXCERPT = (
    Path(__file__).resolve().parents[2] / "shared/data/prosec/prosec_dof_2026-04-23_excerpt.csv"
)


def _count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_load_the_dof_excerpt_idempotent_and_used_by_the_rate(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    try:
        first = load_rates(ws, "prosec", EXCERPT)
        assert first.rows_inserted == 11 and not first.already_loaded
        assert any("acotación" in w for w in first.warnings)
        again = load_rates(ws, "prosec", EXCERPT)
        assert again.already_loaded and again.rows_inserted == 0
        assert "already loaded" in again.message and "nothing written" in again.message
        assert _count(engine, t.prosec_rates) == 11
        assert _count(engine, t.rate_load_batches) == 1
        assert _count(engine, t.prosec_sectors) == 23
        with engine.connect() as conn:
            batch = conn.execute(select(t.rate_load_batches)).one()
            actions = conn.execute(select(core.audit_log.c.action)).scalars().all()
        assert len(batch.sha256) == 64 and batch.file_name == EXCERPT.name and batch.loaded_by
        assert "rates.load.prosec" in actions
        data = workspace_data(ws)
        rows = data.book.prosec_for("7211.29.99")
        assert {r.sector for r in rows} == {"I", "XIX"}
        assert all(r.acotacion.startswith("Únicamente") for r in rows)
        assert "11 PROSEC rows" in data.book.data_notes[0]
    finally:
        ws.store.dispose()


def test_same_rows_in_another_file_are_skipped_conflicts_are_errors(
    workspace_url: str, tmp_path: Path
) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    try:
        load_rates(ws, "prosec", EXCERPT)
        lines = EXCERPT.read_text(encoding="utf-8").splitlines()
        copy = tmp_path / "copy.csv"
        copy.write_text("\n".join(lines[:3]) + "\n\n", encoding="utf-8")  # other bytes, same rows
        result = load_rates(ws, "prosec", copy)
        assert result.rows_inserted == 0 and result.rows_already_present == 2
        changed = tmp_path / "changed.csv"
        changed.write_text(
            lines[0] + "\n" + lines[1].replace(",Ex.,", ",5,") + "\n", encoding="utf-8"
        )
        with pytest.raises(BatchError) as info:
            load_rates(ws, "prosec", changed)
        assert "conflicts with the row of the same key loaded from" in str(info.value.errors[0])
        assert _count(engine, t.prosec_rates) == 11
    finally:
        ws.store.dispose()


def test_malformed_file_reports_every_error_and_writes_nothing(
    workspace_url: str, tmp_path: Path
) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    bad = tmp_path / "bad_fta.csv"
    bad.write_text(
        "agreement,origin_countries,fraccion,rate,valid_from,valid_to,source\n"
        "TMEC,USA;CAN,8501.10.01,Ex.,2020-07-01,,T-MEC (ILLUSTRATIVE)\n"
        "TMEC,US,8501.1,abc,2020-13-01,,\n"  # 5 digits: no scope (8501.10 is a subheading)
        "TMEC,USA,8501.10.02,0,2021-01-01,2020-01-01,x\n"
        "TMEC,USA;CAN,8501.10.01,0,2020-07-01,,dup\n",
        encoding="utf-8",
    )
    try:
        with pytest.raises(BatchError) as info:
            load_rates(ws, "fta", bad)
        text = [str(e) for e in info.value.errors]
        assert "bad_fta.csv:3: origin_countries: not an ISO-3 country code (got 'US')" in text
        assert any(x.startswith("bad_fta.csv:3: fraccion:") for x in text)
        assert any(x.startswith("bad_fta.csv:3: rate:") for x in text)
        assert any(x.startswith("bad_fta.csv:3: valid_from: not a date") for x in text)
        assert any(x.startswith("bad_fta.csv:3: source: missing") for x in text)
        assert any(x.startswith("bad_fta.csv:4: valid_to: ends before it starts") for x in text)
        assert any(x.startswith("bad_fta.csv:5: fraccion: same key as line 2") for x in text)
        assert _count(engine, t.fta_rates) == 0
        assert _count(engine, t.rate_load_batches) == 0
    finally:
        ws.store.dispose()


def test_wrong_layout_names_the_missing_columns(workspace_url: str, tmp_path: Path) -> None:
    ws = workspace.create_workspace(workspace_url)
    bad = tmp_path / "amend.csv"
    bad.write_text("fraccion,importe\n8501.10.01,5\n", encoding="utf-8")  # "tasa" = rate
    try:
        with pytest.raises(BatchError) as info:
            load_rates(ws, "amendments", bad)
        assert {e.field for e in info.value.errors} == {"rate", "valid_from", "source"}
        assert all(e.line == 1 for e in info.value.errors)
    finally:
        ws.store.dispose()


def test_xlsx_amendments_and_fta(workspace_url: str, tmp_path: Path) -> None:
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(["fraccion", "rate", "valid_from", "valid_to", "source"])
    ws.append(["85011001", 35, datetime(2026, 1, 1), None, "ILLUSTRATIVE amendment"])
    ws.append(["8501.10.02", "Ex.", "2026-01-01", "2026-12-31", "ILLUSTRATIVE"])
    ws.append(["8501.10.03", "0.36 Dls. por Kg", "2026-01-01", None, "ILLUSTRATIVE specific"])
    path = tmp_path / "amend.xlsx"
    wb.save(path)
    ws = workspace.create_workspace(workspace_url)
    try:
        result = load_rates(ws, "amendments", path)
        assert result.rows_inserted == 3
        book = workspace_data(ws).book
        from datetime import date

        row = book.amendment_at("8501.10.01", date(2026, 2, 1))
        assert row is not None and row.rate.percent == 35
        spec = book.amendment_at("8501.10.03", date(2026, 2, 1))
        assert (
            spec is not None and spec.rate.percent is None and spec.rate.text == "0.36 Dls. por Kg"
        )
    finally:
        ws.store.dispose()


def test_xlsx_percentage_cells_are_read_as_the_percentage_shown(tmp_path: Path) -> None:
    """A cell showing ``5%`` stores 0.05: it is the rate 5, not 0.05 (a 100× misread)."""
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(["fraccion", "rate", "valid_from", "valid_to", "source"])
    ws.append(["8501.10.01", 0.05, datetime(2026, 1, 1), None, "ILLUSTRATIVE 5%"])
    ws.append(["8501.10.02", 0.025, datetime(2026, 1, 1), None, "ILLUSTRATIVE 2.5%"])
    ws.append(["8501.10.03", 0, datetime(2026, 1, 1), None, "ILLUSTRATIVE 0%"])
    ws.append(["8501.10.04", 7.5, datetime(2026, 1, 1), None, "ILLUSTRATIVE plain number"])
    for row in (2, 3, 4):
        ws.cell(row=row, column=2).number_format = "0.0%"
    path = tmp_path / "pct.xlsx"
    wb.save(path)
    parsed, _ = parse_file("amendments", path)
    rates = {r.fraccion: r.rate for _, r in parsed}
    assert rates["8501.10.01"].percent == 5
    assert rates["8501.10.02"].percent == Decimal("2.5")
    assert rates["8501.10.03"].percent == 0
    assert rates["8501.10.04"].percent == Decimal("7.5")


def test_the_batch_and_its_audit_entry_name_the_workspace_actor(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url, actor="ana.lopez")
    try:
        load_rates(ws, "prosec", EXCERPT)
        with ws.store.engine.connect() as conn:
            batch = conn.execute(select(t.rate_load_batches)).one()
            entry = conn.execute(
                select(core.audit_log).where(core.audit_log.c.action == "rates.load.prosec")
            ).one()
        assert batch.loaded_by == "ana.lopez" and entry.actor == "ana.lopez"
    finally:
        ws.store.dispose()
