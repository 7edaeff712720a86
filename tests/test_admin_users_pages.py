"""/admin/users (issue 12): an administrator adds a user, grants and revokes a company's
role, sets an expiry and disables an account from the page — the services of ``immex user
…``, each change in the audit trail, each form refused without the session's CSRF token,
each error in the page's language next to its field; anyone else gets 403."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from immex.services.accounts import audit_trail, users
from immex.services.workspace.companies import add_company, create_workspace, open_workspace
from tests.support_pages import PASSWORD, csrf, login, parse, site_client, unlabelled

PLANT = "PLA010101AA7"
OTHER = "AAA010101AA1"


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    db = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(db, actor="installer", today=date(2026, 3, 2))
    add_company(ws, PLANT, "Planta de muestra")
    add_company(ws, OTHER, "Otra planta")
    users.add_user(ws, "admin@example.com", "admin", [], password=PASSWORD)
    users.add_user(ws, "spec@example.com", "specialist", [PLANT], password=PASSWORD)
    ws.store.dispose()
    yield db


def _admin(url: str) -> TestClient:
    client = site_client(url)
    login(client, "admin@example.com")
    return client


def _user(url: str, email: str) -> users.User:
    ws = open_workspace(url, actor="t")
    try:
        return users.find_user(ws, email)
    finally:
        ws.store.dispose()


def _audit(url: str) -> list[tuple[str, str, str]]:
    """Every entry of the installation and of both companies: (actor, action, object)."""
    ws = open_workspace(url, actor="t")
    try:
        entries = audit_trail.installation_entries(ws)
        with ws.read() as repos:
            companies = repos.companies.all()
        for company in companies:
            entries += audit_trail.company_entries(ws.with_company(company))
    finally:
        ws.store.dispose()
    return [(e["actor"], e["action"], e["object"]) for e in entries]


def _post(client: TestClient, path: str, data: dict[str, object]) -> object:
    token = csrf(client.get("/admin/users").text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_an_admin_adds_grants_revokes_expires_and_disables(url: str) -> None:
    with _admin(url) as client:
        page = client.get("/admin/users")
        assert page.status_code == 200 and 'lang="es"' in page.text
        assert unlabelled(page.text) == []
        r = _post(
            client,
            "/admin/users",
            {
                "email": "Nuevo@Example.com",
                "role": "viewer",
                "company": PLANT,
                "password": PASSWORD,
            },
        )
        assert r.status_code == 303 and r.headers["location"].startswith("/admin/users?done=add")
        shown = client.get(r.headers["location"]).text
        assert "Usuario agregado: nuevo@example.com" in shown
        assert 'data-email="nuevo@example.com"' in shown
        made = _user(url, "nuevo@example.com")
        assert [(g.role.value, g.company_rfc) for g in made.grants] == [("viewer", PLANT)]

        assert (
            _post(
                client,
                "/admin/users/grant",
                {"email": "nuevo@example.com", "company": OTHER, "role": "specialist"},
            ).status_code
            == 303
        )
        assert {(g.role.value, g.company_rfc) for g in _user(url, "nuevo@example.com").grants} == {
            ("viewer", PLANT),
            ("specialist", OTHER),
        }
        assert (
            _post(
                client, "/admin/users/revoke", {"email": "nuevo@example.com", "company": PLANT}
            ).status_code
            == 303
        )
        assert [(g.role.value, g.company_rfc) for g in _user(url, "nuevo@example.com").grants] == [
            ("specialist", OTHER)
        ]
        assert (
            _post(
                client,
                "/admin/users/expiry",
                {"email": "nuevo@example.com", "expires": "2026-12-31"},
            ).status_code
            == 303
        )
        assert _user(url, "nuevo@example.com").expires_on == date(2026, 12, 31)
        with site_client(url) as newcomer:  # the new account signs in and sees its company
            login(newcomer, "nuevo@example.com")
            assert newcomer.get(f"/c/{OTHER}/", follow_redirects=False).status_code != 404
            assert newcomer.get(f"/c/{PLANT}/").status_code == 404  # revoked
            assert (
                _post(client, "/admin/users/disable", {"email": "nuevo@example.com"}).status_code
                == 303
            )
            after = newcomer.get(f"/c/{OTHER}/", follow_redirects=False)
            assert after.status_code == 303 and "/login" in after.headers["location"]
        assert _user(url, "nuevo@example.com").disabled
    actions = [(actor, action) for actor, action, _ in _audit(url)]
    for action in ("user.add", "user.grant", "user.revoke", "user.expiry", "user.disable"):
        assert ("admin@example.com", action) in actions, action


def test_errors_go_next_to_their_field_in_the_pages_language(url: str) -> None:
    with _admin(url) as client:
        r = _post(
            client,
            "/admin/users",
            {"email": "aud@example.com", "role": "auditor", "company": PLANT},
        )
        assert r.status_code == 400
        field = parse(r.text)
        expires = [c for c in field.controls if c.id == "add-expires"][0]
        assert expires.describedby == "add-expires-error"
        error = re.search(r'id="add-expires-error"[^>]*>([^<]+)<', r.text)
        assert error and "vigencia limitada" in error.group(1)
        assert 'value="aud@example.com"' in r.text  # what was typed stays
        assert unlabelled(r.text) == []
        r = _post(
            client, "/admin/users", {"email": "no-es-correo", "role": "viewer", "company": PLANT}
        )
        assert r.status_code == 400 and 'id="add-email-error"' in r.text
        assert "correo no válido" in r.text
        r = _post(
            client, "/admin/users/expiry", {"email": "spec@example.com", "expires": "2026-01-01"}
        )
        assert r.status_code == 400
        assert 'id="expiry-spec@example.com-expires-error"' in r.text
        assert "no es posterior a hoy" in r.text
        client.get("/admin/users?lang=en")  # the account remembers English
        r = _post(
            client,
            "/admin/users",
            {"email": "spec@example.com", "role": "viewer", "company": PLANT},
        )
        assert r.status_code == 400 and 'lang="en"' in r.text
        error = re.search(r'id="add-email-error"[^>]*>([^<]+)<', r.text)
        assert error and "already exists" in error.group(1)
        r = _post(client, "/admin/users/revoke", {"email": "admin@example.com", "company": ""})
        assert r.status_code == 400 and "last administrator" in r.text
    assert _user(url, "admin@example.com").grants  # still an administrator


def test_only_admins_and_only_with_the_sessions_csrf_token(url: str) -> None:
    forms = (
        "/admin/users",
        "/admin/users/grant",
        "/admin/users/revoke",
        "/admin/users/expiry",
        "/admin/users/disable",
    )
    with _admin(url) as client:
        found = {
            f.action for f in parse(client.get("/admin/users").text).forms if f.method == "post"
        }
        assert set(forms) <= found
        for path in forms:
            for token in ("", "wrong"):
                r = client.post(
                    path,
                    data={
                        "csrf_token": token,
                        "email": "spec@example.com",
                        "role": "viewer",
                        "company": PLANT,
                    },
                )
                assert r.status_code == 403, (path, token)
    assert not _user(url, "spec@example.com").disabled
    with site_client(url) as client:
        login(client, "spec@example.com")
        assert client.get("/admin/users").status_code == 403
        token = csrf(client.get(f"/c/{PLANT}/").text)
        for path in forms:
            r = client.post(
                path, data={"csrf_token": token, "email": "spec@example.com", "role": "admin"}
            )
            assert r.status_code == 403, path
    assert [g.role.value for g in _user(url, "spec@example.com").grants] == ["specialist"]


def test_the_installation_audit_is_downloadable_from_the_page(url: str) -> None:
    with _admin(url) as client:
        page = client.get("/admin/users").text
        link = re.search(r'href="([^"]+)" id="installation-audit-xlsx"', page)
        assert link
        r = client.get(link.group(1).replace("&amp;", "&"))
        assert r.status_code == 200 and r.content[:2] == b"PK"


def test_an_admin_enables_a_disabled_account_from_the_page(url: str) -> None:
    with _admin(url) as client:
        assert "enable-form" not in client.get("/admin/users").text  # nobody is disabled
        assert (
            _post(client, "/admin/users/disable", {"email": "spec@example.com"}).status_code == 303
        )
        page = client.get("/admin/users").text
        row = page.split('data-email="spec@example.com"')[1].split("</tr>")[0]
        assert 'action="/admin/users/enable"' in row and "Habilitar" in row
        forged = client.post("/admin/users/enable", data={"csrf_token": "wrong",
                                                          "email": "spec@example.com"})  # fmt: skip
        assert forged.status_code == 403 and _user(url, "spec@example.com").disabled
        done = _post(client, "/admin/users/enable", {"email": "spec@example.com"})
        assert done.status_code == 303 and not _user(url, "spec@example.com").disabled
        assert "Cuenta habilitada" in client.get(done.headers["location"]).text
        again = _post(client, "/admin/users/enable", {"email": "spec@example.com"})
        assert again.status_code == 400 and "no está deshabilitado" in again.text
    with site_client(url) as client:  # the account signs in again
        login(client, "spec@example.com")
        assert client.get(f"/c/{PLANT}/", follow_redirects=False).status_code == 200
    assert ("admin@example.com", "user.enable", "spec@example.com") in _audit(url)
