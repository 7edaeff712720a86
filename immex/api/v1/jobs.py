"""Background jobs: a discharge run is queued (202) and read back at /jobs/{id}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from immex.api.i18n import in_lang
from immex.api.v1.auth import CallerDep, OperateWs, server_of
from immex.api.v1.errors import request_lang
from immex.domain.accounts import Forbidden, Permission
from immex.domain.messages import Template
from immex.services import inputs as formats
from immex.services.accounts import access
from immex.services.inputs import jsonable
from immex.services.jobs import queue

MAY_NOT_RUN_JOBS = Template("api.may_not_run_jobs", "{email} may not run jobs of this company")


router = APIRouter(tags=["jobs"])

#: ids are 32-bit integers on both stores
JobId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The job's id.")]


class DischargeRunBody(BaseModel):
    #: last shipment date to discharge, YYYY-MM-DD (all shipments when omitted)
    through: str | None = None


@router.post("/companies/{rfc}/discharge-runs", status_code=202)
def discharge_run(
    request: Request, ws: OperateWs, body: DischargeRunBody | None = None
) -> dict[str, Any]:
    """Queue a FIFO discharge run of the company: 202 with the job to follow."""
    through = formats.parse_date(body.through if body else None, "through")
    job = queue.submit(
        ws, queue.JobKind.DISCHARGE_RUN, {"through": through.isoformat() if through else None}
    )
    server_of(request).dispatch(job.id)
    return {"job_id": job.id, "status": job.status.value, "url": f"/api/v1/jobs/{job.id}"}


@router.get("/jobs/{job_id}")
def job(request: Request, job_id: JobId, who: CallerDep) -> Any:
    """``{"status": "queued|running|done|failed", "progress": percent, "result"}``; a failed
    job's ``error`` in the reader's language (``Accept-Language``) with its ``error_code``
    (the catalog key; ``null`` for an unexpected error, shown as it was recorded)."""
    found = queue.job_for(who.ws, who.user, job_id)
    return in_lang(jsonable(found.public()), request_lang(request))


@router.post("/jobs/{job_id}/retry", status_code=202)
def retry(request: Request, job_id: JobId, who: CallerDep) -> Any:
    """Queue a failed job again."""
    found = queue.job_for(who.ws, who.user, job_id)
    if found.company_id is None or not who.user.can(Permission.OPERATE, found.company_id):
        raise Forbidden(MAY_NOT_RUN_JOBS(email=who.user.email))
    with who.ws.read() as repos:
        company = repos.companies.by_id(found.company_id)
    assert company is not None
    ws = access.company_workspace(who.ws, who.user, company.rfc, Permission.OPERATE)
    again = queue.retry(ws, job_id)
    server_of(request).dispatch(again.id)
    return {"job_id": again.id, "status": again.status.value}
