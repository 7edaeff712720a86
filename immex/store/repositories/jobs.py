"""Background jobs: one row per job, its status, progress and result (both stores)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, inspect, select, text, update

from immex.store.database import inserted_id
from immex.store.repositories.accounts import plain_row
from immex.store.tables import core

#: advisory-lock keys of jobs: JOB_LOCK_BASE + job id (a range no other lock of immex uses)
JOB_LOCK_BASE = 0x1A3E_0000_0000


class JobRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(
        self, kind: str, company_id: int | None, params: dict[str, Any], created_by: str,
        at: datetime,
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(core.jobs).values(
                    kind=kind, company_id=company_id, status="queued", progress=0,
                    params=params, created_by=created_by, created_at=at, attempts=0,
                )
            )
        )  # fmt: skip

    def get(self, job_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(core.jobs).where(core.jobs.c.id == job_id)).first()
        return None if row is None else plain_row(row)

    def claim(self, job_id: int, at: datetime) -> bool:
        """queued → running (only one runner wins a job)."""
        j = core.jobs
        claimed = self.conn.execute(
            update(j)
            .where(j.c.id == job_id, j.c.status == "queued")
            .values(status="running", started_at=at, attempts=j.c.attempts + 1)
        ).rowcount
        return bool(claimed)

    def progress(self, job_id: int, percent: int) -> None:
        j = core.jobs
        self.conn.execute(
            update(j).where(j.c.id == job_id, j.c.status == "running").values(progress=percent)
        )

    def finish(self, job_id: int, result: dict[str, Any], at: datetime) -> None:
        j = core.jobs
        self.conn.execute(
            update(j)
            .where(j.c.id == job_id)
            .values(status="done", progress=100, result=result, finished_at=at)
        )

    def fail(
        self, job_id: int, error: str, at: datetime, result: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        """The job failed with ``error`` (its English text) and ``message`` (the error's
        catalog key and fields, :func:`immex.domain.messages.msg_record`; None for a bug)."""
        j = core.jobs
        self.conn.execute(
            update(j)
            .where(j.c.id == job_id)
            .values(status="failed", error=error, error_message=message, finished_at=at,
                    result=result)  # fmt: skip
        )

    def add_file(self, job_id: int, name: str, data: bytes) -> None:
        self.conn.execute(insert(core.job_files).values(job_id=job_id, name=name, data=data))

    def files(self, job_id: int) -> list[tuple[str, bytes]]:
        """(name, content) of the job's files, in the order they were given."""
        f = core.job_files
        rows = self.conn.execute(
            select(f.c.name, f.c.data).where(f.c.job_id == job_id).order_by(f.c.id)
        )
        return [(r.name, bytes(r.data)) for r in rows]

    def drop_files(self, job_id: int) -> None:
        self.conn.execute(delete(core.job_files).where(core.job_files.c.job_id == job_id))

    def requeue(self, job_id: int) -> bool:
        """failed → queued (a retry); True when it was failed."""
        j = core.jobs
        changed = self.conn.execute(
            update(j)
            .where(j.c.id == job_id, j.c.status == "failed")
            .values(status="queued", progress=0, error=None, error_message=None,
                    finished_at=None, result=None)  # fmt: skip
        ).rowcount
        return bool(changed)

    def fail_running(
        self, error: str, at: datetime, message: dict[str, Any] | None = None
    ) -> list[int]:
        """Every running job is marked failed (a server that starts again finds the jobs its
        previous life was running: their transactions were rolled back)."""
        j = core.jobs
        ids = list(self.conn.execute(select(j.c.id).where(j.c.status == "running")).scalars())
        if ids:
            self.conn.execute(
                update(j)
                .where(j.c.id.in_(ids))
                .values(status="failed", error=error, error_message=message, finished_at=at)
            )
        return ids

    def queued(self) -> list[int]:
        j = core.jobs
        return list(
            self.conn.execute(
                select(j.c.id).where(j.c.status == "queued").order_by(j.c.id)
            ).scalars()
        )

    # -- PostgreSQL: a running job holds an advisory lock on its runner's connection, so a
    # runner killed mid-way (kill -9) releases it and its job is seen as orphaned
    def hold_lock(self, job_id: int) -> None:
        """Take the job's session lock on this connection (until released or closed)."""
        self.conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": JOB_LOCK_BASE + job_id})
        self.conn.commit()

    def release_lock(self, job_id: int) -> None:
        self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": JOB_LOCK_BASE + job_id})
        self.conn.commit()

    def fail_if_orphaned(
        self, job_id: int, error: str, at: datetime, message: dict[str, Any] | None = None
    ) -> bool:
        """A running job whose runner is gone (its lock is free) is marked failed."""
        if self.conn.dialect.name != "postgresql":
            return False
        j = core.jobs
        status = self.conn.execute(select(j.c.status).where(j.c.id == job_id)).scalar()
        key = {"k": JOB_LOCK_BASE + job_id}
        if status != "running":
            return False
        if not self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"), key).scalar():
            return False  # its runner holds it: alive
        self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), key)
        changed = self.conn.execute(
            update(j)
            .where(j.c.id == job_id, j.c.status == "running")
            .values(status="failed", error=error, error_message=message, finished_at=at)
        ).rowcount
        return bool(changed)

    def queue_schema_exists(self) -> bool:
        """The job queue's own tables (procrastinate) are in the database."""
        return bool(inspect(self.conn).has_table("procrastinate_jobs"))
