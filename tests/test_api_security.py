"""/api/v1 and the sign-in pages, on SQLite and PostgreSQL: each role against each route,
company isolation (404), CSRF (403), session fixation, throttling (429), disabled and
expired accounts and revoked tokens (401), and the audit trail of every write."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from immex.api.v1.auth import SESSION_COOKIE, JobRunners, ServerSettings
from immex.services.accounts import tokens, users
from immex.services.workspace.companies import add_company, create_workspace
from immex.web.site import create_site

A, B = "EKU9003173C9", "AAA010101AA1"
PASSWORD = "correct horse battery"
MATERIALS = b"part_number,description,kind,fraccion,umc\nP1,Resistor,input,8533.21.01,PZA\n"
ROLES = ("admin", "specialist", "viewer", "auditor")


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@dataclass
class Site:
    client: TestClient
    clock: Clock
    tokens: dict[str, str]
    url: str

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture
def site(workspace_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.delenv("IMMEX_SECRET_KEY", raising=False)
    ws = create_workspace(workspace_url, actor="installer", today=date(2026, 3, 2))
    add_company(ws, A, "Planta A")
    add_company(ws, B, "Planta B")
    users.add_user(ws, "admin@example.com", "admin", password=PASSWORD)
    users.add_user(ws, "specialist@example.com", "specialist", [A], password=PASSWORD)
    users.add_user(ws, "viewer@example.com", "viewer", [A], password=PASSWORD)
    users.add_user(ws, "auditor@example.com", "auditor", [A], password=PASSWORD,
                   expires_on=date(2026, 4, 1))  # fmt: skip
    issued = {role: tokens.create_token(ws, f"{role}@example.com").token for role in ROLES}
    ws.store.dispose()
    clock = Clock()
    app = create_site(workspace_url, ServerSettings(clock=clock, jobs=JobRunners.HERE))
    with TestClient(app) as client:
        yield Site(client, clock, issued, workspace_url)
    app.state.immex_server.close()


def _login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )


def _csrf(client: TestClient) -> str:
    return str(client.get("/api/v1/me").json()["csrf_token"])


# --------------------------------------------------------------------------- the matrix
#: route → the roles it answers for (the others: 403)
ROUTES: list[tuple[str, str, set[str]]] = [
    ("GET", "/api/v1/companies/{rfc}", set(ROLES)),
    ("GET", "/api/v1/companies/{rfc}/balance?as_of=2026-01-31", set(ROLES)),
    ("GET", "/api/v1/companies/{rfc}/expiry?as_of=2026-01-31&within=60", set(ROLES)),
    ("GET", "/api/v1/companies/{rfc}/f4-plan?period=2026-01", set(ROLES)),
    ("GET", "/api/v1/companies/{rfc}/63a?period=2026-01", set(ROLES)),
    ("POST", "/api/v1/companies/{rfc}/imports/materials", {"admin", "specialist"}),
    ("POST", "/api/v1/companies/{rfc}/discharge-runs", {"admin", "specialist"}),
    ("GET", "/api/v1/companies/{rfc}/batches", set(ROLES)),
    ("POST", "/api/v1/companies/{rfc}/batches/new/void", {"admin", "specialist"}),
    ("GET", "/api/v1/companies/{rfc}/audit", {"admin", "auditor"}),
    ("GET", "/api/v1/companies/{rfc}/audit?format=csv", {"admin", "auditor"}),
]
OK = {"GET": 200, "POST": None}


def _new_batch(site: Site) -> int:
    """A fresh materials batch of company A (imported by the admin) to void."""
    n = len(site.client.get(f"/api/v1/companies/{A}/batches", headers=site.as_("admin")).json())
    body = MATERIALS.replace(b"P1,", f"V{n},".encode())
    r = site.client.post(f"/api/v1/companies/{A}/imports/materials", headers=site.as_("admin"),
                         files={"file": (f"v{n}.csv", body)})  # fmt: skip
    assert r.status_code == 201, r.text
    return int(r.json()["batch_id"])


def _call(site: Site, method: str, path: str, headers: dict[str, str]) -> Any:
    if path.endswith("/batches/new/void"):
        batch = _new_batch(site) if f"/companies/{A}/" in path else 1
        path = path.replace("/new/", f"/{batch}/")
        return site.client.post(path, headers=headers, json={"reason": "matrix"})
    if path.endswith("/imports/materials"):
        files = {"file": ("materials.csv", MATERIALS)}
        return site.client.post(path, headers=headers, files=files)
    if method == "POST":
        return site.client.post(path, headers=headers, json={})
    return site.client.get(path, headers=headers)


def test_each_role_against_each_route(site: Site) -> None:
    seen = []
    for method, template, allowed in ROUTES:
        for role in ROLES:
            r = _call(site, method, template.format(rfc=A), site.as_(role))
            expected = {200, 201, 202} if role in allowed else {403}
            seen.append((role, template, r.status_code))
            assert r.status_code in expected, (role, method, template, r.status_code, r.text)
    for role in ROLES:
        r = site.client.get("/api/v1/companies", headers=site.as_(role))
        want = {A, B} if role == "admin" else {A}
        assert {c["rfc"] for c in r.json()} == want
        r = site.client.get("/api/v1/audit", headers=site.as_(role))
        assert r.status_code == (200 if role == "admin" else 403)
    assert len(seen) == len(ROUTES) * len(ROLES)


def test_no_credentials_is_401_json_on_every_route(site: Site) -> None:
    for method, template, _allowed in ROUTES:
        r = _call(site, method, template.format(rfc=A), {})
        assert r.status_code == 401 and "error" in r.json(), template
        assert r.headers["www-authenticate"] == "Bearer"
    for bad in ("Basic YWRtaW46eA==", "Bearer", "Bearer immex_forged"):
        r = site.client.get("/api/v1/companies", headers={"Authorization": bad})
        assert r.status_code == 401, bad
    assert site.client.get("/api/v1/jobs/1").status_code == 401
    assert (
        site.client.get("/account", follow_redirects=False)
        .headers["location"]
        .startswith("/login?next=/account")
    )


def test_other_companies_answer_404_whatever_the_rfc_or_id(site: Site) -> None:
    for role in ("specialist", "viewer", "auditor"):
        for method, template, _allowed in ROUTES:
            for rfc in (B, B.lower(), "XAXX010101000", "..%2F" + A):
                r = _call(site, method, template.format(rfc=rfc), site.as_(role))
                assert r.status_code == 404, (role, template, rfc, r.status_code)
    # a job of company B, asked for by a specialist of A
    job = site.client.post(f"/api/v1/companies/{B}/discharge-runs", headers=site.as_("admin"))
    assert job.status_code == 202
    job_id = job.json()["job_id"]
    assert site.client.get(f"/api/v1/jobs/{job_id}", headers=site.as_("admin")).status_code == 200
    for role in ("specialist", "viewer", "auditor"):
        r = site.client.get(f"/api/v1/jobs/{job_id}", headers=site.as_(role))
        assert r.status_code == 404 and r.json()["field"] == "job_id"
        assert site.client.post(f"/api/v1/jobs/{job_id}/retry",
                                headers=site.as_(role)).status_code == 404  # fmt: skip
    assert site.client.get("/api/v1/jobs/99999", headers=site.as_("admin")).status_code == 404


def test_batches_of_another_company_are_404_and_a_void_is_audited(site: Site) -> None:
    batch = _new_batch(site)
    admin, spec = site.as_("admin"), site.as_("specialist")
    # the batch is A's: through B's address it does not exist, even for the admin
    r = site.client.post(f"/api/v1/companies/{B}/batches/{batch}/void", headers=admin,
                         json={"reason": "x"})  # fmt: skip
    assert r.status_code == 404
    url = f"/api/v1/companies/{A}/batches/{batch}/void"
    assert site.client.post(url, headers=spec, json={}).status_code == 400  # no reason
    r = site.client.post(url, headers=spec, json={"reason": "archivo duplicado"})
    assert r.status_code == 200 and r.json()["withdrawn"] == 1
    assert site.client.post(url, headers=spec, json={"reason": "again"}).status_code == 400
    listed = site.client.get(f"/api/v1/companies/{A}/batches", headers=site.as_("viewer")).json()
    mine = next(b for b in listed if b["id"] == batch)
    assert mine["status"] == "void" and mine["voided_by"] == "specialist@example.com"
    assert mine["reason"] == "archivo duplicado"
    trail = site.client.get(f"/api/v1/companies/{A}/audit", headers=site.as_("auditor")).json()
    voids = [e for e in trail if e["action"] == "import.void"]
    assert voids[-1]["actor"] == "specialist@example.com"
    assert site.client.get(f"/api/v1/companies/{B}/batches", headers=spec).status_code == 404
    # session callers need the CSRF token like every other write
    client = TestClient(site.client.app)
    assert _login(client, "specialist@example.com").status_code == 303
    other = _new_batch(site)
    url = f"/api/v1/companies/{A}/batches/{other}/void"
    assert client.post(url, json={"reason": "x"}).status_code == 403
    ok = client.post(url, json={"reason": "x"}, headers={"X-CSRF-Token": _csrf(client)})
    assert ok.status_code == 200


def _wait(site: Site, job_id: int, role: str = "specialist") -> dict[str, Any]:
    for _ in range(200):
        body = site.client.get(f"/api/v1/jobs/{job_id}", headers=site.as_(role)).json()
        if body["status"] in ("done", "failed"):
            return dict(body)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {body}")


def test_imports_and_discharge_jobs_with_their_audit_trail(site: Site) -> None:
    spec = site.as_("specialist")
    r = site.client.post(f"/api/v1/companies/{A}/imports/materials", headers=spec,
                         files={"file": ("materials.csv", MATERIALS)})  # fmt: skip
    assert r.status_code == 201 and r.json()["inserted"] == 1
    bad = b"part_number,description,kind,fraccion,umc\nP2,,nope,8533.21.01,PZA\n"
    r = site.client.post(f"/api/v1/companies/{A}/imports/materials", headers=spec,
                         files={"file": ("bad.csv", bad)})  # fmt: skip
    assert r.status_code == 422
    assert {(e["line"], e["column"]) for e in r.json()["errors"]} == {
        (2, "description"), (2, "kind")
    }  # fmt: skip
    r = site.client.post(f"/api/v1/companies/{A}/discharge-runs", headers=spec,
                         json={"through": "2026-01-31"})  # fmt: skip
    assert r.status_code == 202 and set(r.json()) >= {"job_id"}
    done = _wait(site, r.json()["job_id"])
    assert done["status"] == "done" and done["progress"] == 100 and done["result"]["run_id"]
    trail = site.client.get(f"/api/v1/companies/{A}/audit", headers=site.as_("auditor")).json()
    mine = [(e["actor"], e["action"]) for e in trail if e["actor"] == "specialist@example.com"]
    assert ("specialist@example.com", "job.submit") in mine
    assert ("specialist@example.com", "job.done") in mine
    assert ("specialist@example.com", "import.materials") in mine
    assert ("specialist@example.com", "discharge.run") in mine
    assert {e["action"] for e in trail} >= {"import.materials", "discharge.run", "user.grant"}
    xlsx = site.client.get(f"/api/v1/companies/{A}/audit?format=xlsx", headers=site.as_("admin"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx.headers["content-disposition"]


# --------------------------------------------------------------------------- sessions
def test_login_cookie_flags_and_session_fixation(site: Site) -> None:
    client = site.client
    first = _login(client, "viewer@example.com")
    assert first.status_code == 303 and first.headers["location"] == "/account"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie
    old = client.cookies.get(SESSION_COOKIE)
    assert client.get("/api/v1/me").json()["email"] == "viewer@example.com"
    second = _login(client, "viewer@example.com")  # the browser still carries the old cookie
    assert second.status_code == 303
    new = client.cookies.get(SESSION_COOKIE)
    assert new and new != old
    stale = TestClient(client.app)
    stale.cookies.set(SESSION_COOKIE, old)
    assert stale.get("/api/v1/me").status_code == 401  # the old session ended at login
    forged = TestClient(client.app)
    forged.cookies.set(SESSION_COOKIE, old[:-3] + "abc")
    assert forged.get("/api/v1/me").status_code == 401
    page = client.get("/account")
    assert page.status_code == 200 and "viewer@example.com" in page.text
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"


def test_secure_cookies_when_configured(site: Site) -> None:
    app = create_site(site.url, ServerSettings(secure_cookies=True, clock=site.clock))
    with TestClient(app, base_url="https://testserver") as client:
        r = _login(client, "viewer@example.com")
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    app.state.immex_server.close()


def test_csrf_missing_or_wrong_is_403(site: Site) -> None:
    client = site.client
    # the sign-in form itself
    for token in ("", "wrong"):
        client.get("/login")
        r = client.post("/login", data={"email": "specialist@example.com", "password": PASSWORD,
                                        "csrf_token": token}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 403
    assert _login(client, "specialist@example.com").status_code == 303
    url = f"/api/v1/companies/{A}/discharge-runs"
    assert client.post(url, json={}).status_code == 403
    assert client.post(url, json={}, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.get(f"/api/v1/companies/{A}/balance?as_of=2026-01-31").status_code == 200
    token = _csrf(client)
    assert client.post(url, json={}, headers={"X-CSRF-Token": token}).status_code == 202
    # the forms of the pages
    r = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/account/password", data={"current_password": PASSWORD,
                    "new_password": "a brand new one", "csrf_token": ""})  # fmt: skip
    assert r.status_code == 403
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_password_change_ends_the_session(site: Site) -> None:
    client = site.client
    assert _login(client, "viewer@example.com").status_code == 303
    token = _csrf(client)
    r = client.post("/account/password", data={"current_password": "not it at all",
                    "new_password": "a brand new one", "csrf_token": token})  # fmt: skip
    assert r.status_code == 400
    r = client.post("/account/password", data={"current_password": PASSWORD,
                    "new_password": "a brand new one", "csrf_token": token})  # fmt: skip
    assert r.status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    assert _login(client, "viewer@example.com").status_code == 401
    assert _login(client, "viewer@example.com", "a brand new one").status_code == 303


def test_throttling_answers_429_for_fifteen_minutes(site: Site) -> None:
    client = site.client
    for _ in range(5):
        assert _login(client, "viewer@example.com", "wrong password").status_code == 401
    r = _login(client, "viewer@example.com")
    assert r.status_code == 429
    site.clock.moment += timedelta(minutes=14, seconds=59)
    assert _login(client, "viewer@example.com").status_code == 429
    site.clock.moment += timedelta(seconds=1)
    assert _login(client, "viewer@example.com").status_code == 303
    trail = client.get("/api/v1/audit", headers=site.as_("admin")).json()
    failures = [e for e in trail if e["action"] == "login.failed"]
    assert len(failures) == 5 and {e["actor"] for e in failures} == {"viewer@example.com"}
    assert {e["outcome"] for e in trail if e["action"] == "login.refused"} == {"throttled"}


def test_disabled_expired_and_revoked_are_401(site: Site) -> None:
    client = site.client
    assert _login(client, "viewer@example.com").status_code == 303
    ws = create_workspace(site.url, actor="installer")
    users.disable_user(ws, "viewer@example.com")
    assert client.get("/api/v1/me").status_code == 401  # the session
    assert client.get("/api/v1/me", headers=site.as_("viewer")).status_code == 401  # the token
    assert _login(client, "viewer@example.com").status_code == 401
    # the auditor's account expires on 2026-04-01
    assert client.get("/api/v1/me", headers=site.as_("auditor")).status_code == 200
    site.clock.moment = datetime(2026, 4, 1, 0, 0, 1, tzinfo=UTC)
    assert client.get("/api/v1/me", headers=site.as_("auditor")).status_code == 401
    assert _login(client, "auditor@example.com").status_code == 401
    # a revoked token
    assert client.get("/api/v1/me", headers=site.as_("specialist")).status_code == 200
    tokens.revoke_token(ws, "specialist@example.com", site.tokens["specialist"][:14])
    r = client.get("/api/v1/me", headers=site.as_("specialist"))
    assert r.status_code == 401 and "revoked" in r.json()["error"]
    ws.store.dispose()


def test_docs_use_local_assets_only(site: Site) -> None:
    for page in ("/docs", "/redoc"):
        html = site.client.get(page).text
        refs = re.findall(r'(?:src|href|url)\s*[=:]\s*["\']([^"\']+)', html)
        assert refs and all(ref.startswith("/") for ref in refs), refs
        assert "http://" not in html and "https://" not in html
        for ref in refs:
            if ref.startswith("/static-docs/"):
                assert site.client.get(ref).status_code == 200
    bundle = site.client.get("/static-docs/redoc.standalone.js").text
    assert "cdn.redoc.ly" not in bundle  # ReDoc's one network fetch (its logo) made local
    spec = site.client.get("/openapi.json").json()
    assert "/api/v1/companies/{rfc}/discharge-runs" in spec["paths"]
