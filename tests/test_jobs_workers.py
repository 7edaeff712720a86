"""Jobs on a team server (PostgreSQL): the web process queues, `immex worker` runs; a worker
killed mid-way (kill -9) leaves nothing written and its job is reported failed, retryable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.services.accounts import tokens, users
from immex.services.workspace.companies import add_company, create_workspace
from immex.web.site import create_site

ROOT = Path(__file__).resolve().parents[1]
RFC = "EKU9003173C9"

#: a runner whose job never ends (stands for a long discharge run): killed by the test
STUCK_RUNNER = """
import sys, time
from immex.services.jobs import runner
from immex.services.jobs.queue import JobKind
from immex.services.workspace.companies import open_workspace

def stuck(ws, params, report):
    report(50)
    print("running", flush=True)
    time.sleep(600)

runner.HANDLERS[JobKind.DISCHARGE_RUN] = stuck
runner.run_job(open_workspace(sys.argv[1]), int(sys.argv[2]))
"""

#: a runner whose import writes its rows and then never commits (killed by the test)
STUCK_IMPORT = """
import sys, time
from immex.services.ledger import importer
from immex.services.ledger.importer import Entity
from immex.services.jobs import runner
from immex.services.workspace.companies import open_workspace

real = importer._IMPORTERS[Entity.MATERIALS]

def stuck(uow, job):
    result = real(uow, job)  # the rows are written, the transaction is still open
    print("running", flush=True)
    time.sleep(600)
    return result

importer._IMPORTERS[Entity.MATERIALS] = stuck
runner.run_job(open_workspace(sys.argv[1]), int(sys.argv[2]))
"""

MATERIALS = "part_number,description,kind,fraccion,umc\nM1,Cable,input,8544.42.99,6\n"


@pytest.fixture
def pg_site(workspace_url: str) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    if not workspace_url.startswith("postgresql"):
        pytest.skip("job workers run on PostgreSQL")
    ws = create_workspace(workspace_url, actor="installer")
    add_company(ws, RFC, "Planta A")
    users.add_user(ws, "ana@example.com", "specialist", [RFC])
    token = tokens.create_token(ws, "ana@example.com").token
    ws.store.dispose()
    app = create_site(workspace_url, ServerSettings(jobs=JobRunners.WORKERS))
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}, workspace_url
    app.state.immex_server.close()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _worker_once(url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "immex.cli.main", "worker", "--db", url, "--once"],
        env=_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _job(client: TestClient, auth: dict[str, str], job_id: int) -> dict[str, Any]:
    r = client.get(f"/api/v1/jobs/{job_id}", headers=auth)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_the_web_queues_and_a_worker_runs(pg_site: tuple[TestClient, dict[str, str], str]) -> None:
    client, auth, url = pg_site
    r = client.post(f"/api/v1/companies/{RFC}/discharge-runs", headers=auth, json={})
    assert r.status_code == 202
    job_id = r.json()["job_id"]
    assert _job(client, auth, job_id)["status"] == "queued"  # no worker yet
    _worker_once(url)
    body = _job(client, auth, job_id)
    assert body["status"] == "done" and body["result"]["run_id"] == 1


def test_a_killed_worker_leaves_its_job_failed_and_retryable(
    pg_site: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, url = pg_site
    job_id = client.post(f"/api/v1/companies/{RFC}/discharge-runs", headers=auth).json()["job_id"]
    stuck = subprocess.Popen(
        [sys.executable, "-c", STUCK_RUNNER, url, str(job_id)],
        env=_env(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert stuck.stdout is not None and stuck.stdout.readline().strip() == "running"
        body = _job(client, auth, job_id)
        assert body["status"] == "running" and body["progress"] == 50  # alive: not orphaned
    finally:
        os.kill(stuck.pid, signal.SIGKILL)
        stuck.wait(timeout=30)
    for _ in range(50):  # the server notices the dead connection (its lock is released)
        body = _job(client, auth, job_id)
        if body["status"] != "running":
            break
        time.sleep(0.1)
    assert body["status"] == "failed" and body["retryable"] and "retry" in body["error"]
    runs = client.get(f"/api/v1/companies/{RFC}/balance?as_of=2026-01-31", headers=auth).json()
    assert runs["notes"] == ["no discharge run yet: every lot is shown whole"]  # nothing written
    r = client.post(f"/api/v1/jobs/{job_id}/retry", headers=auth)
    assert r.status_code == 202 and r.json()["status"] == "queued"
    _worker_once(url)
    body = _job(client, auth, job_id)
    assert body["status"] == "done" and body["attempts"] == 2


def test_two_web_processes_share_sessions_and_jobs(workspace_url: str) -> None:
    """Stateless web processes: a session opened on one is honoured by another (the signing
    key and the sessions live in the database), and so are its jobs."""
    if not workspace_url.startswith("postgresql"):
        pytest.skip("several web processes share a PostgreSQL workspace")
    ws = create_workspace(workspace_url, actor="installer")
    add_company(ws, RFC, "Planta A")
    users.add_user(ws, "ana@example.com", "specialist", [RFC], password="correct horse battery")
    ws.store.dispose()
    one = create_site(workspace_url, ServerSettings(jobs=JobRunners.WORKERS))
    two = create_site(workspace_url, ServerSettings(jobs=JobRunners.WORKERS))
    with TestClient(one) as first, TestClient(two) as second:
        form = first.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        r = first.post("/login", data={"email": "ana@example.com",
                                       "password": "correct horse battery",
                                       "csrf_token": csrf}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        second.cookies.update(first.cookies)
        me = second.get("/api/v1/me").json()
        assert me["email"] == "ana@example.com"
        queued = second.post(f"/api/v1/companies/{RFC}/discharge-runs",
                             headers={"X-CSRF-Token": me["csrf_token"]})  # fmt: skip
        assert queued.status_code == 202
        job = first.get(f"/api/v1/jobs/{queued.json()['job_id']}")
        assert job.status_code == 200 and job.json()["status"] == "queued"
        _worker_once(workspace_url)
        assert first.get(f"/api/v1/jobs/{queued.json()['job_id']}").json()["status"] == "done"
    one.state.immex_server.close()
    two.state.immex_server.close()


def _materials(url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from immex.store.tables import ledger

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = select(func.count()).select_from(ledger.materials)
            return int(conn.execute(count).scalar_one())
    finally:
        engine.dispose()


def test_an_import_killed_mid_way_writes_nothing_and_is_retried(
    pg_site: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, url = pg_site
    r = client.post(f"/api/v1/companies/{RFC}/imports/materials?async=1", headers=auth,
                    files={"file": ("m.csv", MATERIALS.encode(), "text/csv")})  # fmt: skip
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    stuck = subprocess.Popen(
        [sys.executable, "-c", STUCK_IMPORT, url, str(job_id)],
        env=_env(), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert stuck.stdout is not None and stuck.stdout.readline().strip() == "running"
        assert _job(client, auth, job_id)["status"] == "running"
    finally:
        os.kill(stuck.pid, signal.SIGKILL)
        stuck.wait(timeout=30)
    for _ in range(50):
        body = _job(client, auth, job_id)
        if body["status"] != "running":
            break
        time.sleep(0.1)
    assert body["status"] == "failed" and body["retryable"] and "retry" in body["error"]
    assert _materials(url) == 0  # the rows it had written were rolled back
    r = client.post(f"/api/v1/jobs/{job_id}/retry", headers=auth)
    assert r.status_code == 202
    _worker_once(url)  # the files were kept with the job: read again
    body = _job(client, auth, job_id)
    assert body["status"] == "done" and body["attempts"] == 2, body
    assert body["result"]["inserted"] == 1 and _materials(url) == 1
