"""/api/v1/companies/{rfc}/batches: the company's import batches, and voiding one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from immex.api.v1.auth import OperateWs, ReadWs
from immex.services.inputs import jsonable
from immex.services.ledger import corrections

router = APIRouter(tags=["batches"])

#: ids are 32-bit integers on both stores
BatchId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The batch's id.")]


class VoidBody(BaseModel):
    #: why the batch is withdrawn (kept in the ledger's history)
    reason: str = ""


@router.get("/companies/{rfc}/batches")
def batches(ws: ReadWs) -> Any:
    """Every import batch of the company, oldest first: file, SHA-256, rows, who, when,
    status (current, rectifies, void) and, for a void, when, by whom and why; ``source``
    is ``ledger``, or ``sat`` for a Data Stage or archivo M load (its own ids)."""
    return jsonable(corrections.list_batches(ws))


@router.post("/companies/{rfc}/batches/{batch_id}/void")
def void(
    ws: OperateWs,
    batch_id: BatchId,
    body: VoidBody | None = None,
    source: Annotated[str, Query(pattern="^(ledger|sat)$")] = "ledger",
) -> Any:
    """Withdraw a batch: its rows leave the ledger and stay in its history with the reason
    (400 without one, 404 for a batch of another company). The current discharge run is
    stale until the next run. A Data Stage or archivo M load (``source=sat``, as the list
    gives it) is not voided: 400 says how to correct it."""
    reason = body.reason if body else None
    return jsonable(corrections.void_batch(ws, batch_id, reason, source))
