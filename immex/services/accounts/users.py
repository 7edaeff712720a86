"""Users and their roles per company (`immex user add|list|disable|enable|grant|revoke|
expires`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from immex.domain.accounts import (
    AUDITOR_EXPIRES,
    Permission,
    Role,
    User,
    check_grant,
    parse_role,
)
from immex.domain.company import Company
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Template
from immex.services.accounts.passwords import hash_password, verify_password
from immex.services.workspace.context import UnitOfWork, Workspace

MANAGE = Permission.MANAGE_USERS

BAD_EMAIL = Template("accounts.bad_email", "invalid email {email}: expected name@example.com")
NO_COMPANY = Template(
    "accounts.no_company", "no company with RFC {rfc} in this workspace; see `immex company list`"
)
NOT_AFTER_TODAY = Template("accounts.not_after_today", "--expires {day} is not after today")
EXISTS = Template("accounts.exists", "user {email} already exists")
NO_USER = Template("accounts.no_user", "no user {email}; see `immex user list`")
NO_ROLE = Template("accounts.no_role", "user {email} has no role in {scope}")
LAST_ADMIN = Template(
    "accounts.last_admin",
    "{email} is the last administrator of every company; make another one first",
)
BAD_LANGUAGE = Template(
    "accounts.bad_language", "language must be one of {languages}, not {language}"
)
DISABLED = Template("accounts.disabled", "user {email} is already disabled")
NOT_DISABLED = Template("accounts.not_disabled", "user {email} is not disabled")
SAME_PASSWORD = Template("accounts.same_password", "the new password is the current one")
WRONG_PASSWORD = Template("accounts.wrong_password", "the current password is wrong")


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
        raise InvalidInput(NOT_AFTER_TODAY(day=expires_on), field="expires")
    digest = hash_password(password) if password is not None else None
    with ws.write() as uow:
        targets = _companies(uow, companies)
        check_grant(role, [c.id for c in targets], expires_on)
        accounts = uow.repos.accounts
        if accounts.user_by_email(address) is not None:
            raise InvalidInput(EXISTS(email=address), field="email")
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


def revoke(ws: Workspace, email: str, company_rfc: str | None) -> User:
    """Take away the user's role in the company (``None``: their role in every company);
    the last installation-wide admin keeps theirs (someone must manage the users)."""
    with ws.write() as uow:
        user = _existing(uow, email)
        targets = _companies(uow, [company_rfc] if company_rfc else [])
        company = targets[0] if targets else None
        scope = company.rfc if company else "*"
        held = [g for g in user.grants if g.company_id == (company.id if company else None)]
        if not held:
            raise InvalidInput(NO_ROLE(email=user.email, scope=scope), field="company")
        if company is None and held[0].role is Role.ADMIN:
            accounts = uow.repos.accounts.users()
            admins = [u for u in accounts if not u.disabled and u.can(MANAGE, None)]
            if len(admins) <= 1:
                raise InvalidInput(LAST_ADMIN(email=user.email), field="company")
        uow.repos.accounts.delete_grant(user.id, company.id if company else None)
        uow.audit(
            "user.revoke", {"object": user.email, "role": held[0].role.value, "company": scope},
            company.id if company else None,
        )  # fmt: skip
        updated = uow.repos.accounts.user_by_id(user.id)
    assert updated is not None
    return updated


def set_expiry(ws: Workspace, email: str, expires_on: date | None) -> User:
    """The date the account stops working (None: never — refused for an auditor, whose
    account is always time-limited): set, brought forward or extended — an expired
    account works again once extended. Every request checks it, so a session or token of
    the account stops on that date."""
    if expires_on is not None and expires_on <= ws.today:
        raise InvalidInput(NOT_AFTER_TODAY(day=expires_on), field="expires")
    with ws.write() as uow:
        user = _existing(uow, email)
        if expires_on is None and any(g.role is Role.AUDITOR for g in user.grants):
            raise InvalidInput(AUDITOR_EXPIRES(), field="expires")
        uow.repos.accounts.set_expiry(user.id, expires_on)
        uow.audit("user.expiry", {"object": user.email, "expires": str(expires_on or "")}, None)
        updated = uow.repos.accounts.user_by_id(user.id)
    assert updated is not None
    return updated


#: the languages of the pages a user may choose (Spanish first)
LANGUAGES = ("es", "en")


def set_language(ws: Workspace, user: User, language: str) -> User:
    """The language the user reads the pages in (remembered in their account)."""
    chosen = language.strip().lower()
    if chosen not in LANGUAGES:
        raise InvalidInput(
            BAD_LANGUAGE(languages=", ".join(LANGUAGES), language=repr(language)),
            field="language",
        )
    with ws.write() as uow:
        uow.repos.accounts.set_language(user.id, chosen)
        uow.audit("user.language", {"object": user.email, "language": chosen}, None)
        updated = uow.repos.accounts.user_by_id(user.id)
    assert updated is not None
    return updated


def disable_user(ws: Workspace, email: str) -> User:
    """The account can no longer sign in, and its sessions and tokens stop working."""
    with ws.write() as uow:
        user = _existing(uow, email)
        if user.disabled:
            raise InvalidInput(DISABLED(email=user.email), field="email")
        uow.repos.accounts.disable(user.id, ws.now())
        uow.repos.accounts.end_sessions_of(user.id, ws.now())
        uow.audit("user.disable", {"object": user.email}, None)
        updated = uow.repos.accounts.user_by_id(user.id)
    assert updated is not None
    return updated


def enable_user(ws: Workspace, email: str) -> tuple[User, int]:
    """A disabled account can sign in again (its expiry date still applies). The tokens it
    had stay out of use — revoked now, so that re-enabling never revives a credential
    handed out before the account was disabled; returns the user and how many tokens were
    revoked."""
    with ws.write() as uow:
        user = _existing(uow, email)
        if not user.disabled:
            raise InvalidInput(NOT_DISABLED(email=user.email), field="email")
        accounts = uow.repos.accounts
        accounts.enable(user.id)
        live = [t for t in accounts.tokens_of(user.id) if t["revoked_at"] is None]
        for token in live:
            accounts.revoke_token(token["id"], ws.now())
        uow.audit("user.enable", {"object": user.email, "tokens_revoked": len(live)}, None)
        updated = accounts.user_by_id(user.id)
    assert updated is not None
    return updated, len(live)


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
