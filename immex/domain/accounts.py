"""Who may do what, for which company: roles, grants, account expiry and login throttling.

Pure rules (no I/O, no clock): the services pass "now" and the records they read.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.messages import Template

UNKNOWN_ROLE = Template("role.unknown", "unknown role {role}; one of {roles}")
NEEDS_COMPANY = Template(
    "role.needs_company", "a {role} works for named companies: add --company RFC"
)
AUDITOR_EXPIRES = Template(
    "role.auditor_expires", "an auditor account is time-limited: give --expires YYYY-MM-DD"
)


class Role(enum.StrEnum):
    ADMIN = "admin"  # users, companies, everything
    SPECIALIST = "specialist"  # import, correct, run discharge, load rates, reports
    VIEWER = "viewer"  # read, download reports
    AUDITOR = "auditor"  # read-only and the audit trail; time-limited (the authority's account)


class Permission(enum.StrEnum):
    READ = "read"  # balances, expiry, plans, reports, jobs
    OPERATE = "operate"  # imports, corrections, discharge runs, rates loads
    READ_AUDIT = "read_audit"  # the audit trail of the company
    MANAGE_USERS = "manage_users"  # users and grants (installation-wide admins only)


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SPECIALIST: frozenset({Permission.READ, Permission.OPERATE}),
    Role.VIEWER: frozenset({Permission.READ}),
    Role.AUDITOR: frozenset({Permission.READ, Permission.READ_AUDIT}),
}

#: failed logins of one account within WINDOW that lock it …
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
#: … for this long after the last of them
LOCKOUT = timedelta(minutes=15)


class NotSignedIn(ImmexError):
    """No valid credentials (missing, wrong, expired, revoked, or a disabled account)."""


class Forbidden(ImmexError):
    """Signed in, but the role granted does not allow this action."""


class TooManyAttempts(ImmexError):
    """Too many failed logins for the account: refused until ``until``."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message, field="email")
        self.until = until


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            UNKNOWN_ROLE(role=repr(text), roles=", ".join(r.value for r in Role)), field="role"
        ) from None


@dataclass(frozen=True, slots=True)
class Grant:
    """A role in one company (``company_id`` None: every company of the installation)."""

    role: Role
    company_id: int | None
    company_rfc: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    display_name: str | None
    disabled: bool
    #: the account stops working on this date (auditors must have one)
    expires_on: date | None
    grants: tuple[Grant, ...] = ()

    def usable_on(self, today: date) -> bool:
        """Not disabled, and not yet at its expiry date."""
        return not self.disabled and (self.expires_on is None or today < self.expires_on)

    def roles_in(self, company_id: int) -> set[Role]:
        return {g.role for g in self.grants if g.company_id in (None, company_id)}

    def can(self, permission: Permission, company_id: int | None) -> bool:
        """``company_id`` None asks about the installation (user management)."""
        if company_id is None:
            roles = {g.role for g in self.grants if g.company_id is None}
        else:
            roles = self.roles_in(company_id)
        return any(permission in ROLE_PERMISSIONS[r] for r in roles)

    def sees_every_company(self) -> bool:
        return any(g.company_id is None for g in self.grants)

    def granted_company_ids(self) -> set[int]:
        return {g.company_id for g in self.grants if g.company_id is not None}


def check_grant(role: Role, company_ids: Sequence[int], expires_on: date | None) -> None:
    """Only an admin may hold a role across every company; an auditor needs an end date."""
    if not company_ids and role is not Role.ADMIN:
        raise InvalidInput(NEEDS_COMPANY(role=role.value), field="company")
    if role is Role.AUDITOR and expires_on is None:
        raise InvalidInput(AUDITOR_EXPIRES(), field="expires")


def locked_until(failures: Iterable[datetime], now: datetime) -> datetime | None:
    """When the account's lock ends, or None: MAX_FAILURES failures within FAILURE_WINDOW
    lock it for LOCKOUT after the last of them (``failures``: those since the last
    successful login)."""
    times = sorted(failures)
    end: datetime | None = None
    for i in range(len(times) - MAX_FAILURES + 1):
        last = times[i + MAX_FAILURES - 1]
        if last - times[i] <= FAILURE_WINDOW and now < last + LOCKOUT:
            end = last + LOCKOUT
    return end
