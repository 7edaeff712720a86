"""`immex user revoke | expires | enable` (issue 11): an administrator takes a company away
from a user (its data then answers 404 to them through the API), sets or extends an
auditor's expiry (an expired auditor gets 401, an extended one works again) and enables a
disabled account (its old tokens stay revoked) — each change in the audit trail, each
message in Spanish and English."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.cli.main import app
from immex.services.accounts import tokens
from immex.services.workspace.companies import open_workspace
from immex.web.site import create_site

A, B = "EKU9003173C9", "AAA010101AA1"
PASSWORD = "correct horse battery"
TODAY = date.today()  # the CLI reads the clock: dates below are relative to it


class Clock:
    def __init__(self) -> None:
        self.day = TODAY

    def __call__(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 9, 0, tzinfo=UTC)


@dataclass
class Install:
    db: str
    clock: Clock
    client: TestClient

    def cli(self, *args: str, code: int = 0, lang: str = "en") -> str:
        result: Result = CliRunner().invoke(app, ["--lang", lang, *args, "--db", self.db])
        assert result.exit_code == code, (args, result.output)
        return result.output

    def token(self, email: str) -> dict[str, str]:
        out = self.cli("token", "create", email)
        return {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}

    def audit(self, action: str) -> list[dict[str, Any]]:
        """The trail's entries of ``action``, of every company and none, oldest first."""
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute(
                "SELECT actor, company_id, detail FROM audit_log WHERE action = ? ORDER BY id",
                (action,),
            ).fetchall()
        return [{"actor": a, "company_id": c, "detail": json.loads(d)} for a, c, d in rows]


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Install]:
    monkeypatch.setenv("IMMEX_USER", "installer")
    monkeypatch.delenv("IMMEX_SECRET_KEY", raising=False)
    db = str(tmp_path / "immex.db")
    run = CliRunner().invoke
    assert run(app, ["init", "--db", db]).exit_code == 0
    for rfc, name in ((A, "Planta A"), (B, "Planta B")):
        assert run(app, ["company", "add", "--rfc", rfc, "--name", name, "--db", db]).exit_code == 0
    add = ["user", "add", "root@example.com", "--role", "admin", "--password-stdin", "--db", db]
    assert run(app, add, input=PASSWORD + "\n").exit_code == 0
    clock = Clock()
    site = create_site(f"sqlite:///{db}", ServerSettings(clock=clock, jobs=JobRunners.HERE))
    with TestClient(site) as client:
        yield Install(db, clock, client)
    site.state.immex_server.close()


def test_revoke_takes_a_company_away_and_its_data_answers_404(install: Install) -> None:
    install.cli("user", "add", "ana@example.com", "--role", "specialist", "--company", A,
                "--company", B)  # fmt: skip
    ana = install.token("ana@example.com")
    api = install.client
    in_a, in_b = (f"/api/v1/companies/{rfc}/balance?as_of={TODAY}" for rfc in (A, B))
    assert api.get(in_b, headers=ana).status_code == 200
    out = install.cli("user", "revoke", "ana@example.com", "--company", B.lower())
    assert out.strip() == f"user ana@example.com: role in {B} removed; now specialist in {A}"
    assert api.get(in_b, headers=ana).status_code == 404
    assert api.get(in_a, headers=ana).status_code == 200
    assert [c["rfc"] for c in api.get("/api/v1/companies", headers=ana).json()] == [A]
    [entry] = install.audit("user.revoke")
    assert entry["actor"] == "installer" and entry["company_id"] is not None
    assert entry["detail"] == {"object": "ana@example.com", "role": "specialist", "company": B}
    again = install.cli("user", "revoke", "ana@example.com", "--company", B, code=2)
    assert f"has no role in {B}" in again
    spanish = install.cli("user", "revoke", "ana@example.com", "--company", A, lang="es")
    assert spanish.strip() == f"usuario ana@example.com: se retiró su rol en {A}; ahora sin rol"
    assert api.get(in_a, headers=ana).status_code == 404
    last = install.cli("user", "revoke", "root@example.com", code=2)  # someone must manage
    assert "last administrator" in last


def test_an_auditors_expiry_is_set_and_extended_and_an_expired_auditor_gets_401(
    install: Install,
) -> None:
    first = TODAY + timedelta(days=10)
    install.cli("user", "add", "sat@example.com", "--role", "auditor", "--company", A,
                "--expires", first.isoformat())  # fmt: skip
    sat = install.token("sat@example.com")
    api = install.client
    balance = f"/api/v1/companies/{A}/balance?as_of={TODAY}"
    assert "--never" in install.cli("user", "expires", "sat@example.com", code=2)
    both = install.cli("user", "expires", "sat@example.com", "--never", "--date",
                       first.isoformat(), code=2)  # fmt: skip
    assert "give one of --date YYYY-MM-DD or --never (not both)" in both
    never = install.cli("user", "expires", "sat@example.com", "--never", code=2)
    assert "auditor" in never  # an auditor's account is always time-limited
    past = install.cli("user", "expires", "sat@example.com", "--date", TODAY.isoformat(), code=2)
    assert "not after today" in past
    sooner = TODAY + timedelta(days=3)
    out = install.cli("user", "expires", "sat@example.com", "--date", sooner.isoformat())
    assert out.strip() == f"user sat@example.com expires {sooner} (it stops working that day)"
    install.clock.day = sooner - timedelta(days=1)
    assert api.get(balance, headers=sat).status_code == 200
    install.clock.day = sooner  # the day it stops working
    assert api.get(balance, headers=sat).status_code == 401
    later = TODAY + timedelta(days=30)
    spanish = install.cli("user", "expires", "sat@example.com", "--date", later.isoformat(),
                          lang="es")  # fmt: skip
    assert (
        spanish.strip()
        == f"el usuario sat@example.com vence el {later} (ese día deja de funcionar)"
    )
    assert api.get(balance, headers=sat).status_code == 200  # extended: works again
    assert [e["detail"]["expires"] for e in install.audit("user.expiry")] == [
        str(sooner),
        str(later),
    ]
    install.cli("user", "add", "cfo@example.com", "--role", "viewer", "--company", A,
                "--expires", first.isoformat())  # fmt: skip
    out = install.cli("user", "expires", "cfo@example.com", "--never")
    assert out.strip() == "user cfo@example.com has no expiry date"
    assert "cfo@example.com  viewer in " + A + "  account active" in install.cli("user", "list")


def test_enable_a_disabled_account_its_old_tokens_stay_revoked(install: Install) -> None:
    install.cli("user", "add", "ana@example.com", "--role", "viewer", "--company", A)
    old = install.token("ana@example.com")
    api = install.client
    balance = f"/api/v1/companies/{A}/balance?as_of={TODAY}"
    assert "is not disabled" in install.cli("user", "enable", "ana@example.com", code=2)
    install.cli("user", "disable", "ana@example.com")
    assert api.get(balance, headers=old).status_code == 401
    out = install.cli("user", "enable", "ana@example.com")
    assert out.splitlines()[0] == "user ana@example.com enabled (account active)"
    assert "1 token it had before it was disabled stays revoked" in out
    assert api.get(balance, headers=old).status_code == 401  # never revived
    assert api.get(balance, headers=install.token("ana@example.com")).status_code == 200
    assert "ana@example.com  viewer in " + A + "  account active" in install.cli("user", "list")
    [entry] = install.audit("user.enable")
    assert entry["detail"] == {"object": "ana@example.com", "tokens_revoked": 1}
    install.cli("user", "disable", "ana@example.com")
    spanish = install.cli("user", "enable", "ana@example.com", lang="es").splitlines()
    assert spanish == [
        "usuario ana@example.com habilitado (cuenta activa)",
        "1 token que tenía antes de deshabilitarse sigue revocado: cree otros con "
        "`immex token create`",
    ]
    ws = open_workspace(f"sqlite:///{install.db}", actor="t")
    try:
        assert [t["revoked_at"] is not None for t in tokens.list_tokens(ws, "ana@example.com")] == [
            True,
            True,
        ]
    finally:
        ws.store.dispose()
