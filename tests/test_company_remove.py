"""Strict company RFCs and `immex company remove` (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import InvalidFormat, InvalidInput, NotFound
from immex.services.discharge.runs import run_discharge
from immex.services.workspace import companies as workspace
from immex.services.workspace.rfc import validate_rfc
from immex.store.tables import core
from immex.store.tables import ledger as t
from tests.test_ledger_import import count, load_all


@pytest.mark.parametrize(
    ("rfc", "reason"),
    [
        ("EKU9003173C8", "check digit is 8, the SAT algorithm gives 9"),
        ("XAXX010101000", "natural person"),
        ("CACX7605101P8", "natural person"),
        ("EKU90031", "8 characters"),
        ("EKU9013173C9", "901317 is not a date"),
        ("EK19003173C9", "3 letters, 6 digits"),
        ("  ", "empty"),
    ],
)
def test_an_rfc_that_is_not_a_legal_persons_is_refused_with_the_reason(
    rfc: str, reason: str
) -> None:
    with pytest.raises(InvalidFormat, match=reason):
        validate_rfc(rfc)


def test_valid_rfcs_and_the_sat_issued_flag() -> None:
    assert validate_rfc(" eku9003173c9 ") == "EKU9003173C9"
    assert validate_rfc("EKU-900317-3C9") == "EKU9003173C9"
    from immex.samples.demo import COMPANY_RFC

    assert validate_rfc(COMPANY_RFC) == COMPANY_RFC  # the demo's company is well formed
    # a number SAT issued with a nonconforming digit: accepted only when said so
    assert validate_rfc("EKU9003173C8", accept_sat_issued=True) == "EKU9003173C8"
    with pytest.raises(InvalidFormat, match="date"):  # the flag forgives the digit only
        validate_rfc("EKU9013173C8", accept_sat_issued=True)


def test_cli_company_add_refuses_and_accepts_with_the_flag(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    bad = runner.invoke(app, ["company", "add", "--rfc", "EKU9003173C8", "--name", "X", "--db", db])
    assert bad.exit_code == 2 and "--accept-sat-issued-rfc" in bad.output
    person = runner.invoke(
        app, ["company", "add", "--rfc", "XAXX010101000", "--name", "X", "--db", db, "--json"]
    )
    assert person.exit_code == 2
    assert "natural person" in json.loads(person.stdout)["errors"][0]["message"]
    ok = runner.invoke(
        app,
        ["company", "add", "--rfc", "EKU9003173C8", "--name", "X", "--db", db,
         "--accept-sat-issued-rfc"],
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    ws = workspace.open_workspace(db)
    with ws.store.engine.connect() as conn:
        detail = conn.execute(
            select(core.audit_log.c.detail).where(core.audit_log.c.action == "company.add")
        ).scalar_one()
    assert "accepted as issued by SAT" in detail["note"]
    ws.store.dispose()


def test_an_empty_company_is_removed_with_an_audit_entry(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url, actor="ana@example.com")
    company = workspace.add_company(ws, "EKU9003173C9", "Vacía")
    removal = workspace.remove_company(ws, "eku9003173c9")
    assert not removal.with_data and removal.deleted == {}
    assert workspace.list_companies(ws) == []
    with pytest.raises(NotFound):
        workspace.resolve_company(ws, "EKU9003173C9")
    with ws.store.engine.connect() as conn:
        row = conn.execute(
            select(core.audit_log).where(core.audit_log.c.action == "company.remove")
        ).one()
        assert conn.execute(select(func.count()).select_from(core.companies)).scalar() == 1
    assert row.actor == "ana@example.com" and row.company_id == company.id
    assert row.detail["rfc"] == "EKU9003173C9" and row.detail["with_data"] is False
    # adding the RFC again takes the company back
    again = workspace.add_company(ws, "EKU9003173C9", "Otra vez", prosec=["II"])
    assert again.id == company.id and again.name == "Otra vez" and again.prosec_sectors == ("II",)
    ws.store.dispose()


def test_a_company_with_data_needs_with_data(workspace_url: str, tmp_path: Path) -> None:
    ws = workspace.create_workspace(workspace_url, actor="ana@example.com")
    keep = workspace.add_company(ws, "AAA010101AA1", "Se queda")
    gone = workspace.add_company(ws, "EKU9003173C9", "Con datos")
    for c in (keep, gone):
        load_all(ws.with_company(c), tmp_path)
        run_discharge(ws.with_company(c), None, False)
    engine = ws.store.engine
    before = count(engine, t.lots)
    with pytest.raises(InvalidInput, match="--with-data") as refused:
        workspace.remove_company(ws, gone.rfc)
    assert "3 ledger_lots" in refused.value.message
    assert count(engine, t.lots) == before  # nothing written
    removal = workspace.remove_company(ws, gone.rfc, with_data=True)
    assert removal.with_data and removal.deleted["ledger_lots"] == 3
    assert removal.deleted["ledger_allocation_chunks"] >= 1
    assert count(engine, t.lots) == before - 3  # the other company's lots stay
    with engine.connect() as conn:
        detail = conn.execute(
            select(core.audit_log.c.detail).where(core.audit_log.c.action == "company.remove")
        ).scalar_one()
        runs = conn.execute(select(func.count()).select_from(t.discharge_runs)).scalar()
    assert detail["deleted"]["ledger_shipments"] == 3
    assert {b["entity"] for b in detail["batches"]} == {
        "materials", "products", "bom", "pedimentos", "shipments"
    }  # fmt: skip
    assert runs == 1
    assert [c.rfc for c in workspace.list_companies(ws)] == [keep.rfc]
    ws.store.dispose()


def test_cli_company_remove(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    runner.invoke(app, ["init", "--db", db])
    runner.invoke(app, ["company", "add", "--rfc", "EKU9003173C9", "--name", "X", "--db", db])
    out = runner.invoke(app, ["company", "remove", "EKU9003173C9", "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["rfc"] == "EKU9003173C9"
    missing = runner.invoke(app, ["company", "remove", "EKU9003173C9", "--db", db])
    assert missing.exit_code == 2 and "no company" in missing.output
