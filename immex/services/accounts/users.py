"""Users and their roles per company (`immex user add|list|disable|grant`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from immex.domain.accounts import Role, User, check_grant, parse_role
from immex.domain.company import Company
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Template
from immex.services.accounts.passwords import hash_password, verify_password
from immex.services.workspace.context import UnitOfWork, Workspace

BAD_EMAIL = Template("user.bad_email", "invalid email {email}: expected name@example.com")
NO_COMPANY = Template(
    "user.no_company", "no company with RFC {rfc} in this workspace; see `immex company list`"
)
EXPIRES_NOT_AFTER_TODAY = Template("user.expires_past", "--expires {day} is not after today")
USER_EXISTS = Template("user.exists", "user {email} already exists")
NO_USER = Template("user.not_found", "no user {email}; see `immex user list`")
ALREADY_DISABLED = Template("user.already_disabled", "user {email} is already disabled")
SAME_PASSWORD = Template("user.same_password", "the new password is the current one")
WRONG_PASSWORD = Template("user.wrong_password", "the current password is wrong")


def normalise_email(email: str) -> str:
    text = email.strip().lower()
    local, _, domain = text.partition("@")
    if not local or "." not in domain or " " in text or len(text) > 254:
        raise InvalidInput(BAD_EMAIL(email=repr(email)), field="email")
    return text


def _companies(uow: UnitOfWork, rfcs: Sequence[str]) -> list[Company]:
    found = []
    for rfc in rfcs:
        company = uow.repos.companies.by_rfc(rfc.strip().upper())
        if company is None:
            raise NotFound(NO_COMPANY(rfc=repr(rfc)), field="company")
        found.append(company)
    return found


def add_user(
    ws: Workspace,
    email: str,
    role: Role | str,
    companies: Sequence[str] = (),
    *,
    password: str | None = None,
    expires_on: date | None = None,
    display_name: str | None = None,
) -> User:
    """A new account with ``role`` in each company named (an admin with none: in every
    company); without a password it cannot sign in until one is set (tokens still work)."""
    address = normalise_email(email)
    role = parse_role(role) if isinstance(role, str) else role
    if expires_on is not None and expires_on <= ws.today:
        raise InvalidInput(EXPIRES_NOT_AFTER_TODAY(day=expires_on), field="expires")
    digest = hash_password(password) if password is not None else None
    with ws.write() as uow:
        targets = _companies(uow, companies)
        check_grant(role, [c.id for c in targets], expires_on)
        accounts = uow.repos.accounts
        if accounts.user_by_email(address) is not None:
            raise InvalidInput(USER_EXISTS(email=address), field="email")
        user_id = accounts.add_user(address, display_name, digest, expires_on, ws.now())
        uow.audit("user.add", {"object": address, "role": role.value,
                               "expires": str(expires_on or "")}, None)  # fmt: skip
        scopes: list[Company | None] = list(targets) or [None]
        for company in scopes:
            accounts.set_grant(user_id, company.id if company else None, role, ws.now(), ws.actor)
            _audit_grant(uow, address, role, company)
        user = accounts.user_by_id(user_id)
    assert user is not None
    return user


def _audit_grant(uow: UnitOfWork, email: str, role: Role, company: Company | None) -> None:
    scope = company.rfc if company else "*"
    uow.audit(
        "user.grant", {"object": email, "role": role.value, "company": scope},
        company.id if company else None,
    )  # fmt: skip


def _existing(uow: UnitOfWork, email: str) -> User:
    user = uow.repos.accounts.user_by_email(normalise_email(email))
    if user is None:
        raise NotFound(NO_USER(email=repr(email)), field="email")
    return user


def grant(ws: Workspace, email: str, company_rfc: str | None, role: Role | str) -> User:
    """Give ``email`` the role in the company (replacing its role there)."""
    role = parse_role(role) if isinstance(role, str) else role
    with ws.write() as uow:
        user = _existing(uow, email)
        targets = _companies(uow, [company_rfc] if company_rfc else [])
        check_grant(role, [c.id for c in targets], user.expires_on)
        company = targets[0] if targets else None
        uow.repos.accounts.set_grant(
            user.id, company.id if company else None, role, ws.now(), ws.actor
        )
        _audit_grant(uow, user.email, role, company)
        updated = uow.repos.accounts.user_by_id(user.id)
    assert updated is not None
    return updated


def disable_user(ws: Workspace, email: str) -> User:
    """The account can no longer sign in, and its sessions and tokens stop working."""
    with ws.write() as uow:
        user = _existing(uow, email)
        if user.disabled:
            raise InvalidInput(ALREADY_DISABLED(email=user.email), field="email")
        uow.repos.accounts.disable(user.id, ws.now())
        uow.repos.accounts.end_sessions_of(user.id, ws.now())
        uow.audit("user.disable", {"object": user.email}, None)
        updated = uow.repos.accounts.user_by_id(user.id)
    assert updated is not None
    return updated


def list_users(ws: Workspace) -> list[User]:
    with ws.read() as repos:
        return repos.accounts.users()


def find_user(ws: Workspace, email: str) -> User:
    with ws.read() as repos:
        user = repos.accounts.user_by_email(normalise_email(email))
    if user is None:
        raise NotFound(NO_USER(email=repr(email)), field="email")
    return user


def set_password(ws: Workspace, email: str, password: str) -> None:
    """An administrator sets the password (`immex user add --password-stdin`, resets)."""
    digest = hash_password(password)
    with ws.write() as uow:
        user = _existing(uow, email)
        uow.repos.accounts.set_password(user.id, digest, ws.now())
        uow.repos.accounts.end_sessions_of(user.id, ws.now())
        uow.audit("user.password_set", {"object": user.email}, None)


def change_password(ws: Workspace, user: User, current: str, new: str) -> None:
    """The user changes their own password (the current one must match); every other
    session of theirs ends."""
    if current == new:
        raise InvalidInput(SAME_PASSWORD(), field="new_password")
    digest = hash_password(new)
    with ws.write() as uow:
        matches = verify_password(uow.repos.accounts.password_hash(user.id), current)
        if matches:
            uow.repos.accounts.set_password(user.id, digest, ws.now())
            uow.repos.accounts.end_sessions_of(user.id, ws.now())
            uow.audit("user.password_change", {"object": user.email}, None)
        else:  # recorded, then refused
            uow.audit("user.password_change", {"object": user.email, "outcome": "failed"}, None)
    if not matches:
        raise InvalidInput(WRONG_PASSWORD(), field="current_password")
