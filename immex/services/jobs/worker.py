"""Jobs on a team server (PostgreSQL): the web processes queue them on procrastinate, and
`immex worker` processes run them — any number of each, sharing one database.

The job row of immex stays the record the API reads; the queue only says which job to run
next. A worker killed mid-way (``kill -9``) leaves the run's transaction rolled back and
its job lock released: the next read of the job reports it failed, and it can be retried.
"""

from __future__ import annotations

from typing import Any

import procrastinate

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services.jobs.runner import run_job
from immex.services.workspace.context import Workspace

WORKERS_NEED_PG = Template(
    "jobs.workers_need_pg",
    "job workers need a PostgreSQL workspace (--db postgresql://…); on SQLite the server runs "
    "jobs itself",
)


QUEUE = "immex"
TASK = "immex.run_job"


def _check(ws: Workspace) -> None:
    if ws.store.dialect != "postgresql":
        raise InvalidInput(
            WORKERS_NEED_PG(),
            field="db",
        )


def queue_app(ws: Workspace) -> procrastinate.App:
    """The procrastinate app of the workspace, with the one task: run an immex job."""
    _check(ws)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=ws.store.libpq_url))

    @app.task(name=TASK, queue=QUEUE)
    def run(job_id: int) -> None:
        run_job(ws, job_id)

    return app


def _ensure_schema(ws: Workspace, app: procrastinate.App) -> None:
    with ws.read() as repos:
        exists = repos.jobs.queue_schema_exists()
    if not exists:
        app.schema_manager.apply_schema()


class WorkerQueue:
    """What a web process holds to hand jobs to the workers."""

    def __init__(self, ws: Workspace) -> None:
        self.app = queue_app(ws)
        self.app.open()
        _ensure_schema(ws, self.app)

    def enqueue(self, job_id: int) -> Any:
        return self.app.configure_task(TASK, queue=QUEUE).defer(job_id=job_id)

    def shutdown(self) -> None:
        self.app.close()


def run_worker(ws: Workspace, *, concurrency: int = 1, wait: bool = True) -> None:
    """Run queued jobs until stopped (SIGINT/SIGTERM), or, ``wait=False``, until none is
    left."""
    app = queue_app(ws)
    with app.open():
        _ensure_schema(ws, app)
    app.run_worker(queues=[QUEUE], concurrency=concurrency, wait=wait)
