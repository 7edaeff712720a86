"""Open or create a workspace; companies and the authorisations they hold."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

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
    ws: Workspace,
    rfc: str,
    name: str,
    immex_program: str | None = None,
    prosec: Iterable[str] = (),
) -> Company:
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
    ws: Workspace,
    company: Company,
    valid_from: date,
    valid_to: date | None,
    reference: str,
) -> Authorization:
    """Record the company's IVA/IEPS certification for a period (opt-in: it lengthens the
    IMMEX time limit of inputs whose clock starts within it — RULES I-6, confidence L)."""
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
