"""The imports page's batch history: each batch's status, and a void form (operators only,
with its CSRF token and a reason) that withdraws the batch."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.services.accounts import users
from immex.services.ledger.importer import import_file
from immex.services.workspace.companies import add_company, create_workspace
from immex.web.site import create_site

PASSWORD = "correct horse battery"
RFC, OTHER = "EKU9003173C9", "AAA010101AA1"
MATERIALS = "part_number,description,kind,fraccion,umc\nZ1,Resistor,input,8533.21.01,Pza\n"


def _login(client: TestClient, role: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    form = {"email": f"{role}@example.com", "password": PASSWORD, "csrf_token": token.group(1)}
    r = client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/c/{RFC}/imports").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_the_history_voids_a_batch_with_its_reason(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(url, actor="installer")
    company = add_company(ws, RFC, "Planta")
    other = add_company(ws, OTHER, "Otra")
    path = tmp_path / "materials.csv"
    path.write_text(MATERIALS, encoding="utf-8")
    batch = import_file(ws.with_company(company), "materials", path).batch_id
    theirs = import_file(ws.with_company(other), "materials", path).batch_id
    for role in ("specialist", "viewer"):
        users.add_user(ws, f"{role}@example.com", role, [RFC], password=PASSWORD)
    ws.store.dispose()
    app = create_site(url, ServerSettings(jobs=JobRunners.HERE))
    with TestClient(app) as client:
        _login(client, "viewer")
        page = client.get(f"/c/{RFC}/imports").text
        assert "void-form" not in page  # a viewer sees the history, not the form
        assert 'class="batch-status">vigente' in page or 'class="batch-status">current' in page
    with TestClient(app) as client:
        token = _login(client, "specialist")
        assert "void-form" in client.get(f"/c/{RFC}/imports").text
        url_void = f"/c/{RFC}/imports/void"
        assert client.post(url_void, data={"batch": batch, "reason": "x"}).status_code == 403
        r = client.post(url_void, data={"batch": theirs, "reason": "x", "csrf_token": token})
        assert r.status_code == 404  # another company's batch
        r = client.post(url_void, data={"batch": batch, "reason": "", "csrf_token": token})
        assert r.status_code == 400
        r = client.post(url_void, data={"batch": batch, "reason": "archivo duplicado",
                                        "csrf_token": token})  # fmt: skip
        assert r.status_code == 200 and 'id="void-result"' in r.text
        # an import of a file is an "importación"; "lote" is the inventory lot (review C14)
        assert 'id="void-result">Importación anulada: ' in r.text and "Lote anulado" not in r.text
        history = r.text.split('id="batches"')[1]
        assert "archivo duplicado" in history and "specialist@example.com" in history
        assert 'class="batch-status">anulada ' in history
    app.state.immex_server.close()
