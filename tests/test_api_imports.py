"""Imports through /api/v1: small files at once (201/422), ``?async=1`` or large uploads
as background jobs (202, progress and result at /jobs/{id}, a refused file fails its job
with every error and writes nothing), Data Stage ZIPs and validation files (archivo M) of
the company only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.datastage.generator import generate_datastage
from immex.services.accounts import tokens, users
from immex.services.jobs import import_jobs
from immex.services.workspace.companies import add_company, create_workspace
from immex.store.tables import ledger
from immex.web.site import create_site

RFC = "EKU9003173C9"
MATERIALS = "part_number,description,kind,fraccion,umc\nM1,Cable,input,8544.42.99,6\n"
BAD = "part_number,description,kind,fraccion,umc\nM2,Cable,nonsense,8544.42.99,6\n"

M3 = (
    "500|1|3999|5000102|240|\n"
    "501|3999|5000102|240|1|IN|240||{rfc}||20.1|0|0|0|0||1.000|7|7|7|9|EMPRESA|C|||1|M|NL"
    "|MEX||0|0|0|0|0\n"
    "506|5000102|2|20250304\n"
    "551|5000102|85443099|1|99|ARNES|1.0|10|10|1.00|1.000|6|1.00000|6|0|0|1||||USA|USA||||\n"
    "512|5000102|3999|5000101|240|IN|03032025|85443099|6|1.000\n"
    "800|5000102|1|F|0\n"
    "801|m3999002.063|1|6|\n"
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(url, actor="installer")
    add_company(ws, RFC, "Planta A")
    users.add_user(ws, "ana@example.com", "specialist", [RFC])
    token = tokens.create_token(ws, "ana@example.com").token
    ws.store.dispose()
    app = create_site(url, ServerSettings(jobs=JobRunners.HERE))
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}, url
    app.state.immex_server.close()


def _post(client: TestClient, auth: dict[str, str], kind: str, files: list[tuple[str, bytes]],
          query: str = "") -> Any:  # fmt: skip
    return client.post(
        f"/api/v1/companies/{RFC}/imports/{kind}{query}", headers=auth,
        files=[("file", (name, data, "application/octet-stream")) for name, data in files],
    )  # fmt: skip


def _wait(client: TestClient, auth: dict[str, str], job_id: int) -> dict[str, Any]:
    for _ in range(600):
        job = client.get(f"/api/v1/jobs/{job_id}", headers=auth).json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def _materials(client: TestClient, auth: dict[str, str]) -> int:
    store = client.app.state.immex_server.workspace().store  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ledger.materials)).scalar_one())


def test_small_file_at_once_and_as_a_job(site: tuple[TestClient, dict[str, str], str]) -> None:
    client, auth, _url = site
    r = _post(client, auth, "materials", [("bad.csv", BAD.encode())])
    assert r.status_code == 422
    assert r.json()["errors"][0]["line"] == 2 and r.json()["errors"][0]["column"] == "kind"

    r = _post(client, auth, "materials", [("bad.csv", BAD.encode())], "?async=1")
    assert r.status_code == 202
    failed = _wait(client, auth, r.json()["job_id"])
    assert failed["status"] == "failed" and failed["retryable"]
    assert failed["result"]["errors"][0]["line"] == 2
    assert failed["result"]["errors"][0]["column"] == "kind"

    r = _post(client, auth, "materials", [("m.csv", MATERIALS.encode())], "?async=1")
    assert r.status_code == 202
    done = _wait(client, auth, r.json()["job_id"])
    assert done["status"] == "done" and done["progress"] == 100, done
    assert done["result"]["file"] == "m.csv" and done["result"]["batch_id"]
    assert _materials(client, auth) == 1

    # the same file again, at once: already imported, nothing written twice
    r = _post(client, auth, "materials", [("m.csv", MATERIALS.encode())])
    assert r.status_code == 201 and r.json()["already_imported"] is True
    assert _materials(client, auth) == 1


def test_a_large_upload_is_a_job(
    site: tuple[TestClient, dict[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, auth, _url = site
    monkeypatch.setattr("immex.api.v1.imports.INLINE_BYTES", 10)
    r = _post(client, auth, "materials", [("m.csv", MATERIALS.encode())])
    assert r.status_code == 202
    assert _wait(client, auth, r.json()["job_id"])["status"] == "done"
    assert import_jobs.INLINE_BYTES == 5 * 1024 * 1024  # the documented threshold


def test_datastage_and_m3(site: tuple[TestClient, dict[str, str], str], tmp_path: Path) -> None:
    client, auth, _url = site
    (tmp_path / "gen").mkdir()
    gen = generate_datastage(tmp_path / "gen", seed=21, lines=60, rfc=RFC).path
    r = _post(client, auth, "datastage", [(gen.name, gen.read_bytes())])
    assert r.status_code == 201, r.text
    assert r.json()["pedimentos"] > 0

    other = M3.format(rfc="XAXX010101000").encode("cp1252")
    r = _post(client, auth, "m3", [("m3999002.063", other)])
    assert r.status_code == 422, r.text
    assert "another company" in r.json()["errors"][0]["message"]

    mine = M3.format(rfc=RFC).encode("cp1252")
    r = _post(client, auth, "m3", [("m3999002.063", mine)], "?async=1")
    assert r.status_code == 202
    done = _wait(client, auth, r.json()["job_id"])
    assert done["status"] == "done" and done["result"]["pedimentos"] == 1, done


def test_wrong_files_are_refused(site: tuple[TestClient, dict[str, str], str]) -> None:
    client, auth, _url = site
    assert _post(client, auth, "datastage", [("x.csv", b"a")]).status_code == 400
    assert _post(client, auth, "materials", [("x.pdf", b"a")]).status_code == 400
    assert _post(client, auth, "nothing", [("x.csv", b"a")]).status_code == 422


def test_the_201_message_follows_accept_language(
    site: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, _url = site
    files = [("file", ("m.csv", MATERIALS.encode(), "text/csv"))]
    url = f"/api/v1/companies/{RFC}/imports/materials"
    es = client.post(url, headers={**auth, "Accept-Language": "es-MX"}, files=files)
    assert es.status_code == 201, es.text
    assert es.json()["message"] == "m.csv: 1 fila — 1 nueva, 0 actualizadas, 0 sin cambios"
    two = "part_number,description,kind,fraccion,umc\nM9,Caja,input,4819.10.01,6\n"
    files = [("file", ("n.csv", (MATERIALS + two.split("\n", 1)[1]).encode(), "text/csv"))]
    en = client.post(url, headers={**auth, "Accept-Language": "en;q=0.9, fr"}, files=files)
    assert en.status_code == 201, en.text
    assert en.json()["message"] == "n.csv: 2 rows — 1 new, 0 updated, 1 unchanged"
    assert en.json()["file"] == "n.csv"  # the user's own texts as they are
