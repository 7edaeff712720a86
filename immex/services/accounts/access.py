"""The workspace of a signed-in user: authorisation is checked here, once per request.

A company the user was not granted is answered as if it did not exist (404), so that the
existence of other companies is not revealed; a granted company whose role does not allow
the action is a 403.
"""

from __future__ import annotations

from immex.domain.accounts import Forbidden, Permission, User
from immex.domain.company import Company
from immex.domain.errors import NotFound
from immex.domain.messages import Template
from immex.services.workspace.context import Workspace

MAY_NOT_LOAD = Template(
    "access.may_not_load_refdata",
    "{email} may not load reference data (specialists and admins)",
)
MAY_NOT_HERE = Template("access.may_not_here", "{email} may not {value}")


NOT_GRANTED = Template("access.not_granted", "no company {rfc} among those granted to {email}")
MAY_NOT = Template("access.may_not", "{email} may not {action} in {rfc}")


_WORDS = {
    Permission.READ: Template("access.action.read", "read this company's data")(),
    Permission.OPERATE: Template(
        "access.action.operate", "import, correct, run discharges or load rates"
    )(),
    Permission.READ_AUDIT: Template("access.action.read_audit", "read the audit trail")(),
    Permission.MANAGE_USERS: Template("access.action.manage_users", "manage users")(),
}


def visible_companies(ws: Workspace, user: User) -> list[Company]:
    with ws.read() as repos:
        companies = repos.companies.all()
    if user.sees_every_company():
        return companies
    granted = user.granted_company_ids()
    return [c for c in companies if c.id in granted]


def company_workspace(ws: Workspace, user: User, rfc: str, permission: Permission) -> Workspace:
    """``ws`` acting as ``user`` on the company ``rfc`` — NotFound unless granted,
    Forbidden unless the role allows ``permission``."""
    key = rfc.strip().upper()
    with ws.read() as repos:
        company = repos.companies.by_rfc(key)
    if company is None or not user.roles_in(company.id):
        raise NotFound(NOT_GRANTED(rfc=key, email=user.email), field="rfc")
    if not user.can(permission, company.id):
        raise Forbidden(MAY_NOT(email=user.email, action=_WORDS[permission], rfc=key), field="rfc")
    return ws.with_actor(user.email).with_company(company)


def installation_workspace(ws: Workspace, user: User, permission: Permission) -> Workspace:
    """``ws`` acting as ``user`` on the installation (users, grants): admins of every
    company only."""
    if not user.can(permission, None):
        raise Forbidden(MAY_NOT_HERE(email=user.email, value=_WORDS[permission]))
    return ws.with_actor(user.email)


def may_load_reference_data(user: User) -> bool:
    """Reference data (FIX, INPC, PROSEC, agreements, the tariff) is shared by every
    company of the installation: whoever may operate in at least one company may load it
    (specialists and admins; never a viewer or an auditor)."""
    return user.can(Permission.OPERATE, None) or any(
        user.can(Permission.OPERATE, company_id) for company_id in user.granted_company_ids()
    )


def reference_workspace(ws: Workspace, user: User) -> Workspace:
    """``ws`` acting as ``user`` to load reference data (Forbidden unless they may)."""
    if not may_load_reference_data(user):
        raise Forbidden(MAY_NOT_LOAD(email=user.email))
    return ws.with_actor(user.email)
