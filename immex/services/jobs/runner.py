"""Running a queued job: claim it, call its use case with a progress reporter, record the
result or the error. ``InProcessRunner`` runs jobs on a thread of the server (the embedded
store's way); workers on a team server call :func:`run_job` the same way."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any

from immex.domain.errors import ImmexError
from immex.domain.messages import Msg, Template, msg_record
from immex.services.discharge import runs as discharge
from immex.services.inputs import jsonable
from immex.services.jobs import import_jobs
from immex.services.jobs.queue import JobKind, job_of
from immex.services.workspace.context import Workspace

log = logging.getLogger("immex.jobs")

SERVER_STOPPED = Template(
    "job.server_stopped",
    "the server stopped while the job ran; nothing of it was written — retry it",
)

#: reports progress in percent (0–100)
Reporter = Callable[[int], None]

#: where each stage of a discharge run starts and how far it reaches, in percent; the
#: "write" stage runs inside the run's transaction and is not reported (SQLite has one
#: writer at a time)
_DISCHARGE_STAGES = {"load": (0, 10), "discharge": (10, 70)}


def _discharge_run(ws: Workspace, params: dict[str, Any], report: Reporter) -> dict[str, Any]:
    def progress(stage: str, done: int, total: int | None = None) -> None:
        if stage in _DISCHARGE_STAGES and total:
            start, end = _DISCHARGE_STAGES[stage]
            report(start + (end - start) * min(done, total) // total)

    through = date.fromisoformat(params["through"]) if params.get("through") else None
    summary = discharge.run_discharge(ws, through, progress=progress)
    result: dict[str, Any] = jsonable(summary)
    return result


#: what runs each kind of job: (workspace, the job's params and its ``job_id``, reporter)
HANDLERS: dict[JobKind, Callable[[Workspace, dict[str, Any], Reporter], dict[str, Any]]] = {
    JobKind.DISCHARGE_RUN: _discharge_run,
    JobKind.IMPORT: import_jobs.run_import,
}


def _reporter(ws: Workspace, job_id: int) -> Reporter:
    last = [-1]

    def report(percent: int) -> None:
        if percent >= last[0] + 5 or percent == 100:
            last[0] = percent
            with ws.write() as uow:
                uow.repos.jobs.progress(job_id, percent)

    return report


@contextmanager
def _runner_lock(ws: Workspace, job_id: int) -> Iterator[None]:
    """On PostgreSQL the runner holds the job's lock while it runs (released if it dies)."""
    if ws.store.dialect != "postgresql":
        yield
        return
    with ws.store.connect() as repos:
        repos.jobs.hold_lock(job_id)
        try:
            yield
        finally:  # the pooled connection lives on: release explicitly
            repos.jobs.release_lock(job_id)


def run_job(ws: Workspace, job_id: int) -> None:
    """Run the job if it is still queued (another runner may have taken it)."""
    with _runner_lock(ws, job_id):
        with ws.write() as uow:
            if not uow.repos.jobs.claim(job_id, ws.now()):
                return
        _run_claimed(ws, job_id)


def _run_claimed(ws: Workspace, job_id: int) -> None:
    with ws.read() as repos:
        row = repos.jobs.get(job_id)
    assert row is not None
    job = job_of(row)
    with ws.read() as repos:
        company = repos.companies.by_id(job.company_id) if job.company_id else None
    job_ws = ws.with_actor(job.created_by).with_company(company)
    try:
        params = {**job.params, "job_id": job_id}
        result = HANDLERS[job.kind](job_ws, params, _reporter(job_ws, job_id))
    except import_jobs.ImportRefused as exc:  # every error line, nothing written
        _fail(job_ws, job_id, exc.message, {"errors": exc.errors})
    except ImmexError as exc:
        _fail(job_ws, job_id, exc.message)
    except Exception as exc:  # a bug: recorded on the job, logged with its traceback
        log.error("job %s failed\n%s", job_id, traceback.format_exc())
        _fail(job_ws, job_id, f"{type(exc).__name__}: {exc}")
    else:
        with job_ws.write() as uow:
            uow.repos.jobs.finish(job_id, result, job_ws.now())
            uow.audit("job.done", {"object": f"job {job_id}", "kind": job.kind.value})


def _fail(ws: Workspace, job_id: int, error: str, result: dict[str, Any] | None = None) -> None:
    """The job failed: its English text, and — for a message of the catalog (an
    :class:`ImmexError`'s) — its key and fields, so that it is read in the reader's language;
    a bug's text has none."""
    message = msg_record(error) if isinstance(error, Msg) else None
    with ws.write() as uow:
        uow.repos.jobs.fail(job_id, str(error), ws.now(), result, message)
        uow.audit("job.failed", {"object": f"job {job_id}", "outcome": "failed", "error": error})


class InProcessRunner:
    """Jobs on one background thread of this process (one job at a time)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="immex-job")

    def enqueue(self, job_id: int) -> Future[None]:
        return self._pool.submit(run_job, self.ws, job_id)

    def recover(self) -> list[int]:
        """Jobs a previous life of this server left running are marked failed (their
        transaction was rolled back when it died: retry them); those it left queued run."""
        with self.ws.write() as uow:
            stopped = SERVER_STOPPED()
            failed = uow.repos.jobs.fail_running(str(stopped), self.ws.now(), msg_record(stopped))
            waiting = uow.repos.jobs.queued()
        for job_id in waiting:
            self.enqueue(job_id)
        return failed

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
