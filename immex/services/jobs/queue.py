"""Jobs as the API sees them: queued by a user for a company, read back with their status.

A job is a row (status queued → running → done | failed, progress in percent, result or
error). Who runs it is the runner's business (a thread of the server on the embedded
store, workers on a team server); a job killed mid-way leaves its transaction rolled back
and is reported failed, and can be queued again (retry).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from immex.domain.accounts import User
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Msg, Template, msg_of_record, msg_record
from immex.services.workspace.context import Workspace

NO_JOB = Template("jobs.not_found", "no job {job_id}")
NO_JOB_OF_YOURS = Template("jobs.not_yours", "no job {job_id} among those of your companies")
NOT_FAILED = Template(
    "jobs.not_failed",
    "job {job_id} has not failed; only failed jobs are retried",
)


class JobKind(enum.StrEnum):
    DISCHARGE_RUN = "discharge_run"
    IMPORT = "import"  # a file uploaded through the API (services/jobs/import_jobs.py)


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: JobKind
    company_id: int | None
    status: JobStatus
    progress: int
    params: dict[str, Any]
    result: dict[str, Any] | None
    #: the English text of the error (a bug's text, a row older than error_message)
    error: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    #: the error as the message of the catalog it was (shown in the reader's language)
    error_message: Msg | None = None

    def public(self) -> dict[str, Any]:
        """The job as pages and the API show it: ``error`` the message (in the reader's
        language where it is one of the catalog; its key in ``error_code``)."""
        return {
            "job_id": self.id, "kind": self.kind.value, "status": self.status.value,
            "progress": self.progress, "result": _shown_result(self.result),
            "error": self.error_message if self.error_message is not None else self.error,
            "error_code": self.error_message.key if self.error_message is not None else None,
            "created_by": self.created_by, "created_at": self.created_at,
            "started_at": self.started_at, "finished_at": self.finished_at,
            "attempts": self.attempts, "retryable": self.status is JobStatus.FAILED,
        }  # fmt: skip


def _shown_result(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A refused import's errors with their messages rebuilt from the catalog (each with its
    ``code``); an error recorded without its key keeps its text."""
    if not result or not isinstance(result.get("errors"), list):
        return result
    errors = []
    for e in result["errors"]:
        if isinstance(e, dict) and "message_record" in e:
            e = dict(e)
            message = msg_of_record(e.pop("message_record"))
            if message is not None:
                e["message"] = message
            e["code"] = message.key if message is not None else None
        errors.append(e)
    return {**result, "errors": errors}


def job_of(row: dict[str, Any]) -> Job:
    return Job(
        id=row["id"], kind=JobKind(row["kind"]), company_id=row["company_id"],
        status=JobStatus(row["status"]), progress=row["progress"], params=row["params"],
        result=row["result"], error=row["error"], created_by=row["created_by"],
        created_at=row["created_at"], started_at=row["started_at"],
        finished_at=row["finished_at"], attempts=row["attempts"],
        error_message=msg_of_record(row.get("error_message")),
    )  # fmt: skip


def submit(ws: Workspace, kind: JobKind, params: dict[str, Any]) -> Job:
    """Queue a job for the workspace's company, by its actor (audited)."""
    company = ws.the_company
    with ws.write() as uow:
        job_id = uow.repos.jobs.add(kind.value, company.id, params, ws.actor, ws.now())
        uow.audit("job.submit", {"object": f"job {job_id}", "kind": kind.value, **params})
        row = uow.repos.jobs.get(job_id)
    assert row is not None
    return job_of(row)


ORPHANED = Template(
    "job.orphaned",
    "the runner of the job stopped while it ran; nothing of it was written — retry it",
)


def get_job(ws: Workspace, job_id: int) -> Job:
    """The job as it stands (a running job whose runner died is reported failed)."""
    with ws.write() as uow:
        error = ORPHANED()
        orphaned = uow.repos.jobs.fail_if_orphaned(job_id, str(error), ws.now(), msg_record(error))
        row = uow.repos.jobs.get(job_id)
        if orphaned and row is not None:
            uow.audit("job.failed", {"object": f"job {job_id}", "outcome": "failed",
                                     "error": error}, row["company_id"])  # fmt: skip
    if row is None:
        raise NotFound(NO_JOB(job_id=job_id), field="job_id")
    return job_of(row)


def job_for(ws: Workspace, user: User, job_id: int) -> Job:
    """The job, if it belongs to a company granted to ``user`` (else: as if it did not
    exist)."""
    try:
        job = get_job(ws, job_id)
    except NotFound:
        job = None
    if job is None or job.company_id is None or not user.roles_in(job.company_id):
        raise NotFound(NO_JOB_OF_YOURS(job_id=job_id), field="job_id")
    return job


def retry(ws: Workspace, job_id: int) -> Job:
    """A failed job queued again (the same parameters)."""
    with ws.write() as uow:
        if not uow.repos.jobs.requeue(job_id):
            raise InvalidInput(NOT_FAILED(job_id=job_id))
        uow.audit("job.retry", {"object": f"job {job_id}"})
        row = uow.repos.jobs.get(job_id)
    assert row is not None
    return job_of(row)
