"""A rectification through the API (``?rectify=true&reason=…``, also as a job) and on the
imports page (a checkbox and a reason on the upload form, CSRF, specialists only), on
SQLite and PostgreSQL; a Data Stage or archivo M load is not voided through the API."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.test_api_security import A, Site, _login, site  # noqa: F401 (the fixture)
from tests.test_corrections import MATERIALS, PEDIMENTOS, RECTIFIED

URL = f"/api/v1/companies/{A}/imports"


def _post(on: Site, role: str, kind: str, name: str, text: str, query: str = "") -> Any:
    return on.client.post(
        f"{URL}/{kind}{query}", headers=on.as_(role), files={"file": (name, text.encode())}
    )


def _wait(on: Site, job_id: int) -> dict[str, Any]:
    for _ in range(600):
        job = on.client.get(f"/api/v1/jobs/{job_id}", headers=on.as_("admin")).json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def test_a_rectification_through_the_api(site: Site) -> None:  # noqa: F811
    assert _post(site, "specialist", "materials", "m.csv", MATERIALS).status_code == 201
    first = _post(site, "specialist", "pedimentos", "p.csv", PEDIMENTOS)
    assert first.status_code == 201, first.text
    # without a reason: 422 naming the field, nothing written
    r = _post(site, "specialist", "pedimentos", "r1.csv", RECTIFIED, "?rectify=true")
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "reason" and "reason" in r.json()["error"]
    r = _post(site, "specialist", "pedimentos", "r1.csv", RECTIFIED, "?reason=R1")
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "reason"
    r = _post(site, "specialist", "shipments", "s.csv", "x", "?rectify=true&reason=R1")
    assert r.status_code == 422 and r.json()["errors"][0]["column"] == "rectify"
    # a plain re-import of the corrected pedimento is refused, and says how
    r = _post(site, "specialist", "pedimentos", "r1.csv", RECTIFIED)
    assert r.status_code == 422 and "--rectify" in r.json()["errors"][0]["message"]
    # a viewer does not rectify
    query = "?rectify=true&reason=R1%20firmada"
    assert _post(site, "viewer", "pedimentos", "r1.csv", RECTIFIED, query).status_code == 403
    r = _post(site, "specialist", "pedimentos", "r1.csv", RECTIFIED, query)
    assert r.status_code == 201, r.text
    assert (r.json()["inserted"], r.json()["updated"]) == (0, 1)
    listed = site.client.get(f"/api/v1/companies/{A}/batches", headers=site.as_("viewer")).json()
    assert [b["status"] for b in listed] == ["current", "current", "rectifies"]
    assert {b["source"] for b in listed} == {"ledger"}
    # as a job: the reason goes with it
    again = MATERIALS.replace("Resistor 10k", "Resistencia 10k")
    r = _post(site, "specialist", "materials", "m2.csv", again, "?async=1&rectify=1&reason=es")
    assert r.status_code == 202, r.text
    done = _wait(site, r.json()["job_id"])
    assert done["status"] == "done" and done["result"]["updated"] == 1, done
    trail = site.client.get(f"/api/v1/companies/{A}/audit", headers=site.as_("auditor")).json()
    reasons = [e["detail"]["reason"] for e in trail if e["action"] == "import.rectify"]
    assert reasons == ["R1 firmada", "es"]
    # a SAT load is voided through the API no more than through the CLI
    r = site.client.post(f"/api/v1/companies/{A}/batches/1/void?source=sat",
                         headers=site.as_("specialist"), json={"reason": "x"})  # fmt: skip
    assert r.status_code == 404


def _csrf(client: TestClient) -> str:
    page = client.get(f"/c/{A}/imports").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _upload(client: TestClient, kind: str, name: str, text: str, **form: str) -> Any:
    return client.post(f"/c/{A}/imports", data={"kind": kind, **form},
                       files={"file": (name, text.encode(), "text/csv")})  # fmt: skip


def test_a_rectification_on_the_imports_page(site: Site) -> None:  # noqa: F811
    assert _post(site, "specialist", "materials", "m.csv", MATERIALS).status_code == 201
    assert _post(site, "specialist", "pedimentos", "p.csv", PEDIMENTOS).status_code == 201
    viewer = TestClient(site.client.app)
    assert _login(viewer, "viewer@example.com").status_code == 303
    page = viewer.get(f"/c/{A}/imports").text
    assert 'name="rectify"' not in page and 'id="upload-form"' not in page
    token = _csrf(viewer)
    r = _upload(viewer, "pedimentos", "r1.csv", RECTIFIED, rectify="1", reason="R1",
                csrf_token=token)  # fmt: skip
    assert r.status_code == 403
    client = TestClient(site.client.app)
    assert _login(client, "specialist@example.com").status_code == 303
    page = client.get(f"/c/{A}/imports?lang=es").text
    assert 'name="rectify"' in page and "Motivo de la rectificación" in page
    token = _csrf(client)
    # without the CSRF token: 403, like every other form
    r = _upload(client, "pedimentos", "r1.csv", RECTIFIED, rectify="1", reason="R1")
    assert r.status_code == 403
    r = _upload(client, "pedimentos", "r1.csv", RECTIFIED, rectify="1", csrf_token=token)
    assert r.status_code == 422 and 'id="import-errors"' in r.text
    assert "una rectificación requiere --reason" in r.text  # in the page's language
    r = _upload(client, "pedimentos", "r1.csv", RECTIFIED, rectify="1",
                reason="R1 firmada el 2025-02-01", csrf_token=token)  # fmt: skip
    assert r.status_code == 201 and 'id="import-result"' in r.text, r.text
    assert "1 actualizada" in r.text  # the result in the page's language
    history = r.text.split('id="batches"')[1]
    assert "rectificación" in history and "r1.csv" in history
    # the rectification's batch has no void form: it is corrected by another one
    rows = history.split("<tr>")
    r1_row = next(row for row in rows if "r1.csv" in row)
    assert "void-form" not in r1_row
