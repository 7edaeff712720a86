"""A failed job's error is read in the reader's language: the job row keeps the message's
catalog key and fields beside its English text (``error_message``), and the job page and
``/api/v1/jobs/{id}`` rebuild it in the page's or the request's language. A bug's text has
no key and is shown as it was recorded; so is a row written before the key was kept."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.cli.common import NOTE_LINE
from immex.cli.job_cmds import N_LINES
from immex.domain.errors import InvalidInput
from immex.domain.messages import joined, msg_of_record, msg_record
from immex.reports.i18n import tr
from immex.services.accounts import tokens, users
from immex.services.jobs import queue, runner
from immex.services.workspace.companies import add_company, create_workspace, open_workspace
from immex.store.tables import core
from immex.web.site import create_site

RFC = "EKU9003173C9"
PASSWORD = "correct horse battery"
BAD = "part_number,description,kind,fraccion,umc\nM2,Cable,nonsense,8544.42.99,6\n"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str]]:
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(url, actor="installer")
    add_company(ws, RFC, "Planta A")
    users.add_user(ws, "ana@example.com", "specialist", [RFC], password=PASSWORD)
    token = tokens.create_token(ws, "ana@example.com").token
    ws.store.dispose()
    clock = lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    app = create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE))
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}, url
    app.state.immex_server.close()


def _failed_import(client: TestClient, auth: dict[str, str]) -> int:
    r = client.post(
        f"/api/v1/companies/{RFC}/imports/materials?async=1", headers=auth,
        files=[("file", ("bad.csv", BAD.encode(), "text/csv"))],
    )  # fmt: skip
    assert r.status_code == 202
    job_id = int(r.json()["job_id"])
    for _ in range(600):
        if client.get(f"/api/v1/jobs/{job_id}", headers=auth).json()["status"] == "failed":
            return job_id
        time.sleep(0.05)
    raise AssertionError("the job did not fail")


def _row(url: str, job_id: int) -> dict[str, Any]:
    ws = open_workspace(url)
    try:
        with ws.read() as repos:
            row = repos.jobs.get(job_id)
    finally:
        ws.store.dispose()
    assert row is not None
    return row


def _login(client: TestClient) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    r = client.post(
        "/login",
        data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_a_failed_job_reads_in_spanish_on_its_page_and_in_the_api(
    site: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, url = site
    job_id = _failed_import(client, auth)
    row = _row(url, job_id)
    message = msg_of_record(row["error_message"])
    assert message is not None and row["error"] == str(message)  # the English text kept
    spanish, english = str(tr(message, "es")), str(tr(message, "en"))
    assert spanish != english

    es = client.get(f"/api/v1/jobs/{job_id}", headers={**auth, "Accept-Language": "es"}).json()
    assert es["error"] == spanish and es["error_code"] == message.key
    en = client.get(f"/api/v1/jobs/{job_id}", headers={**auth, "Accept-Language": "en"}).json()
    assert en["error"] == english and en["error_code"] == message.key
    # the refused file's error lines too, each with its code
    es_line, en_line = es["result"]["errors"][0], en["result"]["errors"][0]
    assert es_line["line"] == 2 and es_line["column"] == "kind" and "message_record" not in es_line
    assert es_line["code"] == en_line["code"] and es_line["code"]
    assert es_line["message"] != en_line["message"]
    assert en_line["message"] == row["result"]["errors"][0]["message"]  # the stored English

    _login(client)
    page = html.unescape(client.get(f"/c/{RFC}/jobs/{job_id}?lang=es").text)
    assert spanish in page and english not in page
    page = html.unescape(client.get(f"/c/{RFC}/jobs/{job_id}?lang=en").text)
    assert english in page


def test_an_older_row_and_a_bug_show_their_text(
    site: tuple[TestClient, dict[str, str], str],
) -> None:
    client, auth, url = site
    job_id = _failed_import(client, auth)
    store = client.app.state.immex_server.workspace().store  # type: ignore[attr-defined]
    with store.engine.begin() as conn:  # as a row written before error_message
        conn.execute(update(core.jobs).where(core.jobs.c.id == job_id).values(
            error="ValueError: boom", error_message=None))  # fmt: skip
    body = client.get(f"/api/v1/jobs/{job_id}", headers={**auth, "Accept-Language": "es"}).json()
    assert body["error"] == "ValueError: boom" and body["error_code"] is None


def _company_ws(tmp_path: Path) -> Any:
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    create_workspace(url, actor="installer").store.dispose()
    ws = open_workspace(url, actor="installer")
    add_company(ws, RFC, "Planta A")
    ws.store.dispose()
    return open_workspace(url, RFC, actor="installer")


def test_the_runner_keeps_an_immex_errors_key_and_a_bugs_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cws = _company_ws(tmp_path)
    raised: list[Exception] = [InvalidInput(queue.NOT_FAILED(job_id=7)), KeyError("x")]

    def handler(_ws: Any, _params: dict[str, Any], _report: Any) -> dict[str, Any]:
        raise raised.pop(0)

    monkeypatch.setitem(runner.HANDLERS, queue.JobKind.DISCHARGE_RUN, handler)
    first = queue.submit(cws, queue.JobKind.DISCHARGE_RUN, {"through": None})
    second = queue.submit(cws, queue.JobKind.DISCHARGE_RUN, {"through": None})
    runner.run_job(cws, first.id)
    runner.run_job(cws, second.id)
    known, bug = queue.get_job(cws, first.id), queue.get_job(cws, second.id)
    assert known.error_message is not None and known.error_message.key == "jobs.not_failed"
    assert known.public()["error_code"] == "jobs.not_failed"
    assert str(tr(known.public()["error"], "es")).startswith("el trabajo 7")
    assert known.error == str(queue.NOT_FAILED(job_id=7))  # the English text as before
    assert bug.error_message is None and bug.error == "KeyError: 'x'"
    assert bug.public()["error"] == "KeyError: 'x'" and bug.public()["error_code"] is None
    cws.store.dispose()


def test_a_job_the_server_left_running_fails_with_a_message_of_the_catalog(
    tmp_path: Path,
) -> None:
    cws = _company_ws(tmp_path)
    job = queue.submit(cws, queue.JobKind.DISCHARGE_RUN, {"through": None})
    with cws.write() as uow:
        assert uow.repos.jobs.claim(job.id, cws.now())
    jobs = runner.InProcessRunner(cws)
    try:
        assert jobs.recover() == [job.id]
    finally:
        jobs.shutdown()
    failed = queue.get_job(cws, job.id)
    assert failed.error_message is not None and failed.error_message.key == "job.server_stopped"
    assert "reinténtelo" in str(tr(failed.error_message, "es"))
    assert failed.error == runner.SERVER_STOPPED.english
    cws.store.dispose()


def test_a_message_record_rebuilds_the_message() -> None:
    outer = NOTE_LINE(message=joined([N_LINES(n=2), N_LINES(n=1), queue.NO_JOB(job_id=3)]))
    back = msg_of_record(msg_record(outer))
    assert back is not None and back == outer and back.key == outer.key
    for lang in ("es", "en"):
        assert str(tr(back, lang)) == str(tr(outer, lang))
    assert str(tr(back, "es")) == "nota: 2 partidas; 1 partida; no existe el trabajo 3"
    assert msg_of_record(None) is None and msg_of_record({"key": 1}) is None
    assert msg_of_record({"key": "k", "english": "{missing}", "params": {}}) is None
