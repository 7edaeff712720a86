"""What the files of one SAT import call share: errors, warnings, counts, companies.

All-or-nothing: every file of a call is read in one transaction (``ws.write()``); any error
in any file (reported as ``file:line: field: message``) rolls everything back and raises
:class:`BatchError`.

Companies: each pedimento belongs to the company whose RFC is in its 501 row. A company
not yet in the workspace is registered from the 501 data (RFC and name) with a warning —
an extraction is issued by SAT to that RFC, so it is the best evidence of the company;
``--company RFC`` (the workspace's company) instead restricts the import to that company
and makes rows of any other RFC an error.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from immex.datastage.messages import COMPANY_REGISTERED, NO_NAME
from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Msg, Template
from immex.services.workspace.context import UnitOfWork

REMOVED_COMPANY = Template(
    "sat.removed_company",
    "company {rfc} was removed from the workspace on {day} by {actor}: its pedimentos are not "
    "imported; add it again with `immex company add --rfc {rfc} --name NAME` first",
)
DB_REFUSED = Template("sat.db_refused", "the database refused the data: {detail}")


RFC = re.compile(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$")
#: summary names of the counted tables
COUNTED = {"501": "pedimentos", "551": "partidas", "512": "descargos", "701": "rectificaciones"}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def refused(paths: Sequence[str | Path], exc: BaseException) -> BatchError:
    """The error of a batch the database refused (a constraint, a value out of range)."""
    detail = getattr(exc, "orig", None) or exc
    return BatchError(
        [ErrorRecord(", ".join(str(p) for p in paths), None, None,
                     DB_REFUSED(detail=detail))]
    )  # fmt: skip


class ImportBatch:
    """State shared by the files of one import call, inside its unit of work."""

    def __init__(self, uow: UnitOfWork, company_rfc: str | None, scratch: list[Path]) -> None:
        self.uow = uow
        self.repo = uow.repos.sat
        self.errors: list[ErrorRecord] = []
        self.warnings: list[str] = []
        self.companies = self.repo.company_ids()
        #: RFC → (when, by whom) of the removed companies: their rows are errors
        self.removed = self.repo.removed_companies()
        self.only_company = company_rfc
        self.registered: list[str] = []
        self.touched: set[int] = set()
        self.totals: Counter[str] = Counter()
        self.dup_rows: Counter[str] = Counter()
        self.other_rows: Counter[str] = Counter()
        self.duplicates = 0
        self.files: list[dict[str, Any]] = []
        #: scratch directories of the worker processes (the caller deletes them)
        self.scratch = scratch

    @property
    def writing(self) -> bool:
        return not self.errors

    def add_batch(self, kind: str, source_name: str, sha256: str, folio: str | None) -> int:
        """A new import batch, stamped now and with the workspace's actor."""
        ws = self.uow.workspace
        return self.repo.add_batch(
            kind=kind, source_name=source_name, sha256=sha256, folio=folio,
            imported_at=ws.now(), actor=ws.actor,
        )  # fmt: skip

    def removed_problem(self, rfc: str) -> Msg | None:
        """Why rows of ``rfc`` are not imported, when its company was removed."""
        if rfc not in self.removed or rfc in self.companies:
            return None
        at, actor = self.removed[rfc]
        return REMOVED_COMPANY(rfc=rfc, day=f"{at:%Y-%m-%d}", actor=actor or "-")

    def company_id(
        self, rfc: str, name: str | None, where: tuple[str, int | None] | None = None
    ) -> int:
        """The id of the company of ``rfc``, registered from the 501 data when new; a
        removed company's rows stop the import (at ``where``: file, line)."""
        problem = self.removed_problem(rfc)
        if problem is not None:
            source, line = where or ("", None)
            raise BatchError([ErrorRecord(source, line, "rfc", problem, rfc)])
        cid = self.companies.get(rfc)
        if cid is None:
            company = self.uow.repos.companies.add(
                rfc, name or rfc, None, (), self.uow.workspace.now()
            )
            cid = company.id
            self.uow.audit("company.add", {"rfc": rfc, "source": "datastage 501"}, cid)
            self.companies[rfc] = cid
            self.registered.append(rfc)
            self.warnings.append(COMPANY_REGISTERED(rfc=rfc, name=name or NO_NAME()))
        return cid
