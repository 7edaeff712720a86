"""A team server on PostgreSQL: two `immex serve` processes (one with two uvicorn workers)
and an `immex worker` share one database. A discharge job queued through one server is
run by the worker and read — status, figures, the same session — through the other."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from immex.cli.main import app as cli
from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services.accounts import tokens, users
from immex.services.ledger.importer import import_file
from immex.services.workspace.companies import add_company, create_workspace
from tests.support_browser import free_port

ROOT = Path(__file__).resolve().parents[1]
RFC = "EKU9003173C9"
PASSWORD = "correct horse battery"
SECRET = "a-secret-that-must-never-be-printed-0123456789"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "IMMEX_SECRET_KEY": SECRET}


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "immex.cli.main", *args], env=_env(), stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


def _up(port: int, proc: subprocess.Popen[bytes], log: Path) -> str:
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text()}")
        try:
            httpx.get(f"{base}/api/refdata", timeout=2, trust_env=False)
            return base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture
def team(workspace_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str, Path]]:
    if not workspace_url.startswith("postgresql"):
        pytest.skip("several server processes share a PostgreSQL workspace")
    files = write_plant(PlantSpec.scaled(2_000), tmp_path / "plant")
    space = create_workspace(workspace_url, actor="installer")
    ws = space.with_company(add_company(space, RFC, "Planta Ilustrativa"))
    for name in ORDER:
        import_file(ws, name, files[name])
    users.add_user(ws, "ana@example.com", "specialist", [RFC], password=PASSWORD)
    token = tokens.create_token(ws, "ana@example.com").token
    ws.store.dispose()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        ports = free_port(), free_port()
        bases = []
        for port, workers in zip(ports, ("2", "1"), strict=True):
            log = tmp_path / f"serve-{port}.log"
            proc = _start(["serve", "--db", workspace_url, "--port", str(port),
                           "--workers", workers], log)  # fmt: skip
            procs.append(proc)
            bases.append(_up(port, proc, log))
        procs.append(_start(["worker", "--db", workspace_url], tmp_path / "worker.log"))
        yield bases[0], bases[1], token, tmp_path
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def _login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, trust_env=False, timeout=60)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf
    r = client.post("/login", data={"email": "ana@example.com", "password": PASSWORD,
                                    "csrf_token": csrf.group(1)})  # fmt: skip
    assert r.status_code in (200, 303), r.text
    return client


def _balance(client: httpx.Client, auth: dict[str, str]) -> Any:
    r = client.get(f"/api/v1/companies/{RFC}/balance?as_of=2025-12-31&limit=10000",
                   headers=auth)  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()


def test_two_servers_and_a_worker_share_one_database(
    team: tuple[str, str, str, Path], workspace_url: str
) -> None:
    first, second, token, logs = team
    auth = {"Authorization": f"Bearer {token}"}
    one = httpx.Client(base_url=first, trust_env=False, timeout=60)
    other = httpx.Client(base_url=second, trust_env=False, timeout=60)
    before = _balance(one, auth)
    assert "no discharge run yet" in " ".join(before["notes"])

    r = one.post(f"/api/v1/companies/{RFC}/discharge-runs", headers=auth, json={})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    for _ in range(1200):
        job = other.get(f"/api/v1/jobs/{job_id}", headers=auth).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["result"]["allocations"] > 0

    # both servers (each its own figures in memory) answer the new run, as the CLI does
    seen = [_balance(client, auth) for client in (one, other, one, one)]
    assert all(s == seen[0] for s in seen) and seen[0]["lots"] != before["lots"]
    done = CliRunner().invoke(cli, ["balance", "--as-of", "2025-12-31", "--db", workspace_url,
                                    "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["lots"] == seen[0]["lots"]

    # stateless web processes: a session opened on one server is good on the other
    session = _login(first)
    other.cookies = session.cookies
    me = other.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["email"] == "ana@example.com"

    # the secret and the token are never logged
    for log in logs.glob("*.log"):
        text = log.read_text(errors="replace")
        assert SECRET not in text and token not in text


def test_several_workers_need_postgresql(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    create_workspace(url, actor="installer").store.dispose()
    done = CliRunner().invoke(cli, ["serve", "--db", url, "--workers", "2"])
    assert done.exit_code == 2
    assert "PostgreSQL" in done.output
