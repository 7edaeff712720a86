"""Accounts on both stores: users, roles per company, passwords, tokens, throttling, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.accounts import (
    Forbidden,
    NotSignedIn,
    Permission,
    Role,
    TooManyAttempts,
    locked_until,
)
from immex.domain.errors import InvalidInput, NotFound
from immex.services.accounts import access, audit_trail, signin, tokens, users
from immex.services.workspace.companies import add_company, create_workspace
from immex.services.workspace.context import Workspace

PASSWORD = "correct horse battery"
RFC_A, RFC_B = "EKU9003173C9", "AAA010101AA1"


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def ws(workspace_url: str) -> Workspace:
    clock = Clock()
    base = create_workspace(workspace_url, actor="root", today=date(2026, 3, 2))
    base = Workspace(store=base.store, actor="root", today=date(2026, 3, 2), clock=clock)
    add_company(base, RFC_A, "Planta A")
    add_company(base, RFC_B, "Planta B")
    yield base
    base.store.dispose()


def test_roles_per_company_and_isolation(ws: Workspace) -> None:
    admin = users.add_user(ws, "Admin@Example.com", "admin", password=PASSWORD)
    ana = users.add_user(ws, "ana@example.com", Role.SPECIALIST, [RFC_A], password=PASSWORD)
    assert admin.email == "admin@example.com" and admin.sees_every_company()
    assert [c.rfc for c in access.visible_companies(ws, ana)] == [RFC_A]
    assert {c.rfc for c in access.visible_companies(ws, admin)} == {RFC_A, RFC_B}
    scoped = access.company_workspace(ws, ana, RFC_A.lower(), Permission.OPERATE)
    assert scoped.actor == "ana@example.com" and scoped.the_company.rfc == RFC_A
    with pytest.raises(NotFound):  # not granted: as if it did not exist
        access.company_workspace(ws, ana, RFC_B, Permission.READ)
    with pytest.raises(NotFound):
        access.company_workspace(ws, ana, "XAXX010101000", Permission.READ)
    with pytest.raises(Forbidden):
        access.company_workspace(ws, ana, RFC_A, Permission.READ_AUDIT)
    with pytest.raises(Forbidden):
        access.installation_workspace(ws, ana, Permission.MANAGE_USERS)
    access.installation_workspace(ws, admin, Permission.MANAGE_USERS)
    ana = users.grant(ws, "ana@example.com", RFC_B, "viewer")
    assert ana.roles_in(ana.grants[0].company_id or 0) or True
    assert {c.rfc for c in access.visible_companies(ws, ana)} == {RFC_A, RFC_B}
    with pytest.raises(Forbidden):
        access.company_workspace(ws, ana, RFC_B, Permission.OPERATE)


def test_grant_rules(ws: Workspace) -> None:
    with pytest.raises(InvalidInput, match="--company"):
        users.add_user(ws, "v@example.com", "viewer")
    with pytest.raises(InvalidInput, match="--expires"):
        users.add_user(ws, "sat@example.com", "auditor", [RFC_A])
    with pytest.raises(InvalidInput, match="role"):
        users.add_user(ws, "x@example.com", "operator", [RFC_A])
    with pytest.raises(NotFound):
        users.add_user(ws, "x@example.com", "viewer", ["XAXX010101000"])
    with pytest.raises(InvalidInput, match="email"):
        users.add_user(ws, "not-an-email", "admin")
    with pytest.raises(InvalidInput, match="short"):
        users.add_user(ws, "p@example.com", "admin", password="short")
    users.add_user(ws, "v@example.com", "viewer", [RFC_A])
    with pytest.raises(InvalidInput, match="exists"):
        users.add_user(ws, "V@example.com", "viewer", [RFC_A])
    assert [u.email for u in users.list_users(ws)] == ["v@example.com"]


def test_login_new_session_each_time_logout_and_password_change(ws: Workspace) -> None:
    users.add_user(ws, "ana@example.com", "specialist", [RFC_A], password=PASSWORD)
    first = signin.login(ws, "ANA@example.com", PASSWORD)
    assert signin.session_of(ws, first.session_id).user.email == "ana@example.com"
    second = signin.login(ws, "ana@example.com", PASSWORD, previous=first.session_id)
    assert second.session_id != first.session_id and second.csrf_token != first.csrf_token
    with pytest.raises(NotSignedIn):  # the previous session ended at the new login
        signin.session_of(ws, first.session_id)
    with pytest.raises(InvalidInput, match="current"):
        users.change_password(ws, second.user, "wrong password!", "another good one")
    users.change_password(ws, second.user, PASSWORD, "another good one")
    with pytest.raises(NotSignedIn):  # a password change ends the sessions
        signin.session_of(ws, second.session_id)
    third = signin.login(ws, "ana@example.com", "another good one")
    signin.logout(ws, third.session_id)
    with pytest.raises(NotSignedIn):
        signin.session_of(ws, third.session_id)
    with pytest.raises(NotSignedIn):
        signin.session_of(ws, "forged")


def test_throttling_five_failures_lock_for_fifteen_minutes(ws: Workspace) -> None:
    users.add_user(ws, "ana@example.com", "viewer", [RFC_A], password=PASSWORD)
    clock = ws.clock
    for _ in range(5):
        with pytest.raises(NotSignedIn):
            signin.login(ws, "ana@example.com", "wrong password")
        clock.moment += timedelta(minutes=2)
    with pytest.raises(TooManyAttempts) as refused:  # even with the right password
        signin.login(ws, "ana@example.com", PASSWORD)
    assert refused.value.until == datetime(2026, 3, 2, 9, 23, tzinfo=UTC)
    clock.moment = refused.value.until - timedelta(seconds=1)
    with pytest.raises(TooManyAttempts):
        signin.login(ws, "ana@example.com", PASSWORD)
    clock.moment = refused.value.until
    assert signin.login(ws, "ana@example.com", PASSWORD).user.email == "ana@example.com"
    # unknown accounts are throttled alike (no enumeration)
    for _ in range(5):
        with pytest.raises(NotSignedIn):
            signin.login(ws, "nobody@example.com", "x")
    with pytest.raises(TooManyAttempts):
        signin.login(ws, "nobody@example.com", "x")
    actions = [e["action"] for e in audit_trail.installation_entries(ws)]
    assert actions.count("login.failed") == 10 and actions.count("login.refused") == 3


def test_lock_rule_counts_only_failures_within_the_window() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    spread = [t0 + timedelta(minutes=4 * i) for i in range(5)]  # 16 minutes apart end to end
    assert locked_until(spread, t0 + timedelta(minutes=17)) is None
    tight = [t0 + timedelta(minutes=i) for i in range(5)]
    assert locked_until(tight, t0 + timedelta(minutes=5)) == t0 + timedelta(minutes=19)
    assert locked_until(tight, t0 + timedelta(minutes=19)) is None


def test_disabled_and_expired_accounts_cannot_sign_in(ws: Workspace) -> None:
    users.add_user(ws, "sat@example.com", "auditor", [RFC_A], password=PASSWORD,
                   expires_on=date(2026, 3, 10))  # fmt: skip
    users.add_user(ws, "ana@example.com", "viewer", [RFC_A], password=PASSWORD)
    session = signin.login(ws, "sat@example.com", PASSWORD)
    token = tokens.create_token(ws, "sat@example.com").token
    later = Workspace(store=ws.store, actor="root", today=date(2026, 3, 10), clock=ws.clock)
    with pytest.raises(NotSignedIn, match="expired"):
        signin.login(later, "sat@example.com", PASSWORD)
    with pytest.raises(NotSignedIn):
        signin.session_of(later, session.session_id)
    with pytest.raises(NotSignedIn):
        tokens.user_of_token(later, token)
    ana = signin.login(ws, "ana@example.com", PASSWORD)
    users.disable_user(ws, "ana@example.com")
    with pytest.raises(NotSignedIn):
        signin.session_of(ws, ana.session_id)
    with pytest.raises(NotSignedIn, match="disabled"):
        signin.login(ws, "ana@example.com", PASSWORD)


def test_tokens_are_stored_as_hashes_expire_and_revoke(ws: Workspace) -> None:
    users.add_user(ws, "bot@example.com", "viewer", [RFC_A])
    new = tokens.create_token(ws, "bot@example.com", expires_days=1)
    assert tokens.user_of_token(ws, new.token).email == "bot@example.com"
    with ws.read() as repos:
        rows = repos.accounts.tokens_of(1)
    assert new.token not in repr(rows) and rows[0]["token_hash"] == tokens.digest(new.token)
    with pytest.raises(NotSignedIn):
        tokens.user_of_token(ws, new.token + "x")
    ws.clock.moment += timedelta(days=1)
    with pytest.raises(NotSignedIn, match="expired"):
        tokens.user_of_token(ws, new.token)
    other = tokens.create_token(ws, "bot@example.com")
    tokens.revoke_token(ws, "bot@example.com", other.prefix)
    with pytest.raises(NotSignedIn, match="revoked"):
        tokens.user_of_token(ws, other.token)


def test_audit_trail_names_actor_object_outcome_and_is_append_only(ws: Workspace) -> None:
    users.add_user(ws, "ana@example.com", "specialist", [RFC_A], password=PASSWORD)
    with pytest.raises(NotSignedIn):
        signin.login(ws, "ana@example.com", "wrong password")
    ana = users.find_user(ws, "ana@example.com")
    company_ws = ws.with_company(access.visible_companies(ws, ana)[0])
    grants = audit_trail.company_entries(company_ws)
    assert [
        (e["actor"], e["action"], e["object"], e["company"])
        for e in grants
        if e["action"] == "user.grant"
    ] == [("root", "user.grant", "ana@example.com", RFC_A)]
    failed = [e for e in audit_trail.installation_entries(ws) if e["action"] == "login.failed"]
    assert failed[0]["actor"] == "ana@example.com" and failed[0]["outcome"] == "failed"
    csv_text = audit_trail.export(grants, audit_trail.ExportFormat.CSV).decode()
    assert csv_text.splitlines()[0] == "id,at,actor,company,action,object,outcome,detail"
    xlsx = audit_trail.export(grants, audit_trail.ExportFormat.XLSX)
    assert xlsx[:2] == b"PK"
    from sqlalchemy import text

    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), ws.store.engine.begin() as conn:
            conn.execute(text(statement))


def test_cli_user_and_token_commands(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMMEX_DB", raising=False)
    monkeypatch.setenv("IMMEX_USER", "installer")
    run = CliRunner().invoke
    assert run(app, ["init"]).exit_code == 0
    assert run(app, ["company", "add", "--rfc", RFC_A, "--name", "A"]).exit_code == 0
    res = run(app, ["user", "add", "root@example.com", "--role", "admin", "--password-stdin"],
              input=PASSWORD + "\n")  # fmt: skip
    assert res.exit_code == 0, res.output
    res = run(app, ["user", "add", "sat@example.com", "--role", "auditor", "--company", RFC_A,
                    "--expires", "2099-01-31"])  # fmt: skip
    assert res.exit_code == 0, res.output
    res = run(app, ["user", "add", "x@example.com", "--role", "viewer"])
    assert res.exit_code == 2 and "--company" in res.output
    res = run(app, ["user", "grant", "sat@example.com", "--company", RFC_A, "--role", "viewer"])
    assert res.exit_code == 0 and "viewer in " + RFC_A in res.output
    res = run(app, ["token", "create", "sat@example.com", "--expires-days", "7"])
    assert res.exit_code == 0, res.output
    token = res.stdout.strip().splitlines()[-1]
    assert token.startswith("immex_") and " " not in token
    listed = run(app, ["token", "list", "sat@example.com"])
    assert token not in listed.output and token[:14] in listed.output
    assert run(app, ["token", "revoke", "sat@example.com", token[:14]]).exit_code == 0
    assert run(app, ["user", "disable", "sat@example.com"]).exit_code == 0
    res = run(app, ["user", "list"])
    assert "root@example.com  administrator in every company  account active" in res.output
    assert "account disabled" in res.output
    ws = create_workspace(str(tmp_path / "immex.db"))
    actors = {e["actor"] for e in audit_trail.installation_entries(ws)}
    assert actors == {"installer"}
