"""Workspace store contract: runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from immex.domain.errors import InvalidFormat, InvalidInput, NotFound
from immex.services.workspace import companies as workspace
from immex.store.migrate import current_heads
from immex.store.tables import core


def test_init_is_idempotent_and_applies_all_heads(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    heads = current_heads(engine)
    workspace.create_workspace(workspace_url).store.dispose()
    assert current_heads(engine) == heads
    assert "0001_core" in heads or heads  # every branch head applied
    ws.store.dispose()


def test_company_add_resolve_and_audit(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    with pytest.raises(NotFound):
        workspace.resolve_company(ws, None)
    c = workspace.add_company(ws, "eku9003173c9", "Electrónica Ejemplo", "123-2006", ["ii", "I"])
    assert c.rfc == "EKU9003173C9" and c.prosec_sectors == ("I", "II")
    assert workspace.resolve_company(ws, None) == c
    with pytest.raises(InvalidInput):
        workspace.add_company(ws, "EKU9003173C9", "again")
    with pytest.raises(InvalidFormat, match="natural person"):
        workspace.add_company(ws, "CACX7605101P8", "Otra")  # a person's 13-character RFC
    workspace.add_company(ws, "AAA010101AA1", "Otra")
    with pytest.raises(InvalidInput, match="--company"):
        workspace.resolve_company(ws, None)
    with engine.connect() as conn:
        actions = conn.execute(select(core.audit_log.c.action)).scalars().all()
    assert actions.count("company.add") == 2
    ws.store.dispose()


def test_rfc_validation() -> None:
    with pytest.raises(InvalidFormat, match="RFC"):
        workspace.validate_rfc("XXX")


def test_cli_workspace_commands_act_as_the_terminal_user(
    workspace_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """init, company add/list/certify build one workspace per command; its audit entries
    name the actor of the terminal ($IMMEX_USER)."""
    import json

    from typer.testing import CliRunner

    from immex.cli.main import app

    monkeypatch.setenv("IMMEX_USER", "ana@example.com")
    runner = CliRunner()
    db = ["--db", workspace_url]
    res = runner.invoke(app, ["init", *db, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["initialised"] is True
    res = runner.invoke(app, ["company", "add", "--rfc", "EKU9003173C9", "--name", "Uno", *db])
    assert res.exit_code == 0 and "company EKU9003173C9 added" in res.stdout
    res = runner.invoke(app, ["company", "list", *db, "--json"])
    assert [c["rfc"] for c in json.loads(res.stdout)] == ["EKU9003173C9"]
    cert = ["company", "certify", "--from", "2025-01-01", "--reference", "R-1", *db]
    assert runner.invoke(app, cert).exit_code == 0
    ws = workspace.open_workspace(workspace_url)
    with ws.read() as repos:
        entries = repos.audit.entries()
    ws.store.dispose()
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("company.add", "ana@example.com"),
        ("company.certify", "ana@example.com"),
    ]
