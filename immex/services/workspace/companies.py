"""Open or create a workspace; companies and the authorisations they hold."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.mx import rfc as stdnum_rfc

from immex.domain.company import IVA_IEPS_CERTIFICATION, Authorization, Company
from immex.domain.errors import InvalidFormat, InvalidInput, NotFound
from immex.services.workspace.context import UnitOfWork, Workspace, default_actor, system_clock
from immex.store.unit import Store

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
    "resolve_company",
    "validate_rfc",
    "workspace_of",
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


def workspace_of(target: Any) -> Workspace:
    """A Workspace given a Workspace, or (transitional, for callers still holding one) a
    SQLAlchemy engine — acting as the terminal user, today."""
    if isinstance(target, Workspace):
        return target
    return _build(Store(target), None, None)


# -- transitional names kept for callers that still thread an engine -------------------
def init_workspace(url: str | None = None) -> Any:
    """The engine of a created workspace (transitional: use :func:`create_workspace`)."""
    return Store.create(url).engine


def open_engine(url: str | None = None) -> Any:
    """The engine of an opened workspace (transitional: use :func:`open_workspace`)."""
    return Store.open(url).engine


def validate_rfc(value: str) -> str:
    text = value.strip().upper()
    try:
        return str(stdnum_rfc.validate(text, validate_check_digits=False))
    except ValidationError as exc:
        raise InvalidFormat(
            f"invalid RFC {value!r}: {exc}; expected 12 characters for a company "
            "(3 letters, YYMMDD, 3-character homoclave), e.g. EKU9003173C9",
            field="rfc",
        ) from None


def add_company(
    target: Workspace | Any,
    rfc: str,
    name: str,
    immex_program: str | None = None,
    prosec: Iterable[str] = (),
) -> Company:
    ws = workspace_of(target)
    rfc_norm = validate_rfc(rfc)
    if not name.strip():
        raise InvalidInput("company name is empty", field="name")
    sectors = tuple(sorted({s.strip().upper() for s in prosec if s.strip()}))
    with ws.write() as uow:
        if uow.repos.companies.by_rfc(rfc_norm) is not None:
            raise InvalidInput(f"company {rfc_norm} already exists in this workspace", field="rfc")
        company = uow.repos.companies.add(rfc_norm, name.strip(), immex_program, sectors, ws.now())
        uow.audit("company.add", {"rfc": rfc_norm, "prosec": list(sectors)}, company.id)
    return company


def add_certification(
    target: Workspace | Any,
    company: Company,
    valid_from: date,
    valid_to: date | None,
    reference: str,
) -> Authorization:
    """Record the company's IVA/IEPS certification for a period (opt-in: it lengthens the
    IMMEX time limit of inputs whose clock starts within it — RULES I-6, confidence L)."""
    ws = workspace_of(target)
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("--to is before --from", field="to")
    if not reference.strip():
        raise InvalidInput(
            "say which resolution grants the certification (--reference)", field="reference"
        )
    auth = Authorization(IVA_IEPS_CERTIFICATION, valid_from, valid_to, reference.strip())
    with ws.write() as uow:
        for other in uow.repos.companies.authorizations(company.id, IVA_IEPS_CERTIFICATION):
            if auth.overlaps(other):
                raise InvalidInput(
                    f"overlaps the certification recorded from {other.valid_from}", field="from"
                )
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


def authorizations(target: Workspace | Any, company: Company, kind: str) -> list[Authorization]:
    if hasattr(target, "execute"):  # transitional: a caller holding a connection
        from immex.store.unit import Repositories

        return Repositories(target).companies.authorizations(company.id, kind)
    with workspace_of(target).read() as repos:
        return repos.companies.authorizations(company.id, kind)


def list_companies(target: Workspace | Any) -> list[Company]:
    with workspace_of(target).read() as repos:
        return repos.companies.all()


def resolve_company(target: Workspace | Any, rfc: str | None) -> Company:
    """The company named by RFC, or the only one in the workspace."""
    with workspace_of(target).read() as repos:
        if rfc:
            found = repos.companies.by_rfc(rfc.strip().upper())
            if found is None:
                raise NotFound(
                    f"no company with RFC {rfc!r} in this workspace; see `immex company list`",
                    field="company",
                )
            return found
        companies = repos.companies.all()
    if len(companies) == 1:
        return companies[0]
    if not companies:
        raise NotFound(
            "the workspace has no company yet; add one with `immex company add`",
            field="company",
        )
    raise InvalidInput(
        f"the workspace has {len(companies)} companies; say which with --company RFC",
        field="company",
    )


# -- transitional helpers for services that still hold a connection ---------------------
def current_actor() -> str:
    """Transitional: a service with a Workspace records ``ws.actor``."""
    return default_actor()


def now_utc() -> Any:
    return system_clock()


def audit(conn: Any, action: str, detail: dict[str, Any], company_id: int | None = None) -> None:
    """Transitional: a service with a Workspace records through ``UnitOfWork.audit``."""
    from immex.store.unit import Repositories

    Repositories(conn).audit.record(
        at=system_clock(), actor=default_actor(), action=action, detail=detail,
        company_id=company_id,
    )  # fmt: skip
