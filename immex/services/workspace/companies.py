"""Open or create a workspace; companies and the authorisations they hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from immex.domain.company import IVA_IEPS_CERTIFICATION, Authorization, Company
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Template
from immex.services.workspace.context import UnitOfWork, Workspace, default_actor, system_clock
from immex.services.workspace.rfc import check_digit_differs, validate_rfc
from immex.store.unit import Store

NAME_EMPTY = Template("company.name_empty", "company name is empty")
COMPANY_EXISTS = Template("company.exists", "company {rfc} already exists in this workspace")
TO_BEFORE_FROM = Template("company.cert_to_before_from", "--to is before --from")
CERT_REFERENCE = Template(
    "company.cert_reference", "say which resolution grants the certification (--reference)"
)
CERT_OVERLAP = Template("company.cert_overlap", "overlaps the certification recorded from {day}")
NO_SUCH_COMPANY = Template(
    "user.no_company", "no company with RFC {rfc} in this workspace; see `immex company list`"
)
NO_COMPANY_YET = Template(
    "company.none_yet", "the workspace has no company yet; add one with `immex company add`"
)
WHICH_COMPANY = Template(
    "company.which", "the workspace has {n} companies; say which with --company RFC"
)


__all__ = [
    "IVA_IEPS_CERTIFICATION",
    "Authorization",
    "Company",
    "Workspace",
    "add_certification",
    "add_company",
    "authorizations",
    "create_workspace",
    "list_companies",
    "open_workspace",
    "remove_company",
    "resolve_company",
    "validate_rfc",
]


def _build(store: Store, actor: str | None, today: date | None) -> Workspace:
    return Workspace(
        store=store,
        actor=actor or default_actor(),
        today=today or system_clock().date(),
    )


def create_workspace(
    url: str | None = None, *, actor: str | None = None, today: date | None = None
) -> Workspace:
    """Create (or upgrade) the workspace database; idempotent."""
    return _build(Store.create(url), actor, today)


def open_workspace(
    url: str | None = None,
    company: str | None = None,
    *,
    actor: str | None = None,
    today: date | None = None,
    require_company: bool = False,
) -> Workspace:
    """Open an existing workspace (a clear error if it was never initialised); with
    ``company`` (an RFC) or ``require_company``, the workspace of that company (or of the
    only one)."""
    ws = _build(Store.open(url), actor, today)
    if company or require_company:
        ws = ws.with_company(resolve_company(ws, company))
    return ws


COMPANY_HAS_DATA = Template(
    "company.has_data",
    "company {rfc} has data ({tables}); removing it deletes that data for good (the audit "
    "trail keeps what was deleted): repeat with --with-data to do so",
)
COMPANY_REMOVED = Template("company.removed", "company {rfc} removed ({name})")
COMPANY_REMOVED_DATA = Template(
    "company.removed_with_data", "company {rfc} removed ({name}) with its data: {tables}"
)
SAT_ISSUED_RFC = Template(
    "company.sat_issued_rfc",
    "RFC {rfc} accepted as issued by SAT although its check digit does not follow the "
    "algorithm (--accept-sat-issued-rfc); the audit trail records it",
)


@dataclass(frozen=True, slots=True)
class Removal:
    """What ``immex company remove`` did: the company, the rows deleted per table."""

    rfc: str
    name: str
    with_data: bool
    deleted: dict[str, int]
    message: str


def add_company(
    ws: Workspace,
    rfc: str,
    name: str,
    immex_program: str | None = None,
    prosec: Iterable[str] = (),
    *,
    accept_sat_issued_rfc: bool = False,
) -> Company:
    """A company of the workspace (its RFC a legal person's, see :mod:`.rfc`); the RFC of a
    removed company takes it back into use."""
    rfc_norm = validate_rfc(rfc, accept_sat_issued=accept_sat_issued_rfc)
    if not name.strip():
        raise InvalidInput(NAME_EMPTY(), field="name")
    sectors = tuple(sorted({s.strip().upper() for s in prosec if s.strip()}))
    detail: dict[str, object] = {"rfc": rfc_norm, "prosec": list(sectors)}
    if check_digit_differs(rfc_norm):
        detail["note"] = SAT_ISSUED_RFC(rfc=rfc_norm)
    with ws.write() as uow:
        repo = uow.repos.companies
        if repo.by_rfc(rfc_norm) is not None:
            raise InvalidInput(COMPANY_EXISTS(rfc=rfc_norm), field="rfc")
        removed = repo.removed(rfc_norm)
        if removed is not None:
            company = repo.restore(removed[0], name.strip(), immex_program, sectors)
            uow.audit("company.restore", detail, company.id)
            return company
        company = repo.add(rfc_norm, name.strip(), immex_program, sectors, ws.now())
        uow.audit("company.add", detail, company.id)
    return company


def remove_company(ws: Workspace, rfc: str, *, with_data: bool = False) -> Removal:
    """Remove a company from the workspace: one without data at once; one with data only
    ``with_data`` (its data deleted, rows per table in the audit entry). The company row
    stays, marked removed, so its audit trail keeps naming it."""
    company = resolve_company(ws, rfc)
    with ws.write() as uow:
        repo = uow.repos.companies
        counts = repo.data_counts(company.id)
        tables = ", ".join(f"{n:,} {t}" for t, n in counts.items())
        if counts and not with_data:
            raise InvalidInput(COMPANY_HAS_DATA(rfc=company.rfc, tables=tables), field="with_data")
        batches = [
            {"id": b.id, "entity": b.entity, "file": b.file_name, "sha256": b.sha256}
            for b in uow.repos.ledger.batches(company.id)
        ]
        deleted = repo.delete_data(company.id) if counts else {}
        repo.mark_removed(company.id, ws.now(), ws.actor)
        uow.audit(
            "company.remove",
            {"rfc": company.rfc, "name": company.name, "with_data": bool(counts),
             "deleted": deleted, "batches": batches},
            company.id,
        )  # fmt: skip
    message = (
        COMPANY_REMOVED_DATA(rfc=company.rfc, name=company.name, tables=tables)
        if counts
        else COMPANY_REMOVED(rfc=company.rfc, name=company.name)
    )
    return Removal(company.rfc, company.name, bool(counts), deleted, message)


def add_certification(
    ws: Workspace,
    company: Company,
    valid_from: date,
    valid_to: date | None,
    reference: str,
) -> Authorization:
    """Record the company's IVA/IEPS certification for a period (opt-in: it lengthens the
    IMMEX time limit of inputs whose clock starts within it — RULES I-6, confidence L)."""
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(TO_BEFORE_FROM(), field="to")
    if not reference.strip():
        raise InvalidInput(CERT_REFERENCE(), field="reference")
    auth = Authorization(IVA_IEPS_CERTIFICATION, valid_from, valid_to, reference.strip())
    with ws.write() as uow:
        for other in uow.repos.companies.authorizations(company.id, IVA_IEPS_CERTIFICATION):
            if auth.overlaps(other):
                raise InvalidInput(CERT_OVERLAP(day=other.valid_from), field="from")
        uow.repos.companies.add_authorization(company.id, auth)
        _audit_certification(uow, auth, company)
    return auth


def _audit_certification(uow: UnitOfWork, auth: Authorization, company: Company) -> None:
    uow.audit(
        "company.certify",
        {"kind": auth.kind, "from": str(auth.valid_from), "to": str(auth.valid_to or ""),
         "reference": auth.reference},
        company.id,
    )  # fmt: skip


def authorizations(ws: Workspace, company: Company, kind: str) -> list[Authorization]:
    with ws.read() as repos:
        return repos.companies.authorizations(company.id, kind)


def list_companies(ws: Workspace) -> list[Company]:
    with ws.read() as repos:
        return repos.companies.all()


def resolve_company(ws: Workspace, rfc: str | None) -> Company:
    """The company named by RFC, or the only one in the workspace."""
    with ws.read() as repos:
        if rfc:
            found = repos.companies.by_rfc(rfc.strip().upper())
            if found is None:
                raise NotFound(NO_SUCH_COMPANY(rfc=repr(rfc)), field="company")
            return found
        companies = repos.companies.all()
    if len(companies) == 1:
        return companies[0]
    if not companies:
        raise NotFound(NO_COMPANY_YET(), field="company")
    raise InvalidInput(WHICH_COMPANY(n=len(companies)), field="company")
