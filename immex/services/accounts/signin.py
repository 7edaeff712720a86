"""Signing in to the web: throttled password check, server-side sessions, sign-out.

A session id is random, handed to the browser once (the web layer signs it into a cookie)
and kept here only as its SHA-256; every login starts a new one (no session fixation).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from immex.domain.accounts import (
    FAILURE_WINDOW,
    LOCKOUT,
    NotSignedIn,
    TooManyAttempts,
    User,
    locked_until,
)
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services.accounts.passwords import verify_password
from immex.services.accounts.tokens import digest
from immex.services.accounts.users import normalise_email
from immex.services.workspace.context import UnitOfWork, Workspace

TOO_MANY = Template(
    "signin.too_many",
    "too many failed logins for {address}: try again in {minutes} minutes",
)
NOT_SIGNED_IN = Template("signin.not_signed_in", "not signed in")
SESSION_EXPIRED = Template("signin.session_expired", "the session has expired; sign in again")
ACCOUNT_UNUSABLE = Template(
    "signin.account_unusable",
    "the account {email} is disabled or has expired",
)


SESSION_LIFETIME = timedelta(hours=12)
WRONG = Template("signin.wrong", "wrong email or password")
DISABLED = Template("signin.disabled", "the account {address} is disabled or expired")


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str  # the secret the cookie carries
    csrf_token: str
    user: User


def _address(email: str) -> str:
    try:
        return normalise_email(email)
    except InvalidInput:
        return email.strip().lower()[:254]


def login(ws: Workspace, email: str, password: str, previous: str | None = None) -> Session:
    """A new session for the account, or NotSignedIn (401) / TooManyAttempts (429).

    After 5 failures within 15 minutes the account is refused for 15 minutes (whether or
    not it exists). ``previous``: the session id the browser still carried; it ends."""
    address = _address(email)
    ws = ws.with_actor(address)  # the audit trail names who tried
    now = ws.now()
    with ws.write() as uow:
        accounts = uow.repos.accounts
        until = locked_until(accounts.failures_since(address, now - FAILURE_WINDOW - LOCKOUT), now)
        user = accounts.user_by_email(address)
        if until is not None:
            uow.audit("login.refused", {"object": address, "outcome": "throttled",
                                        "until": until.isoformat()}, None)  # fmt: skip
        else:
            stored = accounts.password_hash(user.id) if user else None
            ok = verify_password(stored, password) and user is not None
            usable = ok and user is not None and user.usable_on(ws.today)
            accounts.record_attempt(address, now, usable)
            if usable and user is not None:
                session = _start(ws, uow, user, previous)
            else:
                reason = "disabled or expired" if ok else "wrong email or password"
                uow.audit("login.failed", {"object": address, "outcome": "failed",
                                           "reason": reason}, None)  # fmt: skip
    if until is not None:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        raise TooManyAttempts(TOO_MANY(address=address, minutes=minutes), until)
    if not usable:
        raise NotSignedIn(WRONG() if not ok else DISABLED(address=address))
    return session


def _start(ws: Workspace, uow: UnitOfWork, user: User, previous: str | None) -> Session:
    accounts = uow.repos.accounts
    if previous:
        accounts.end_session(digest(previous), ws.now())
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    accounts.add_session(digest(session_id), user.id, csrf, ws.now(), ws.now() + SESSION_LIFETIME)
    uow.audit("login", {"object": user.email}, None)
    return Session(session_id, csrf, user)


def session_of(ws: Workspace, session_id: str) -> Session:
    """The live session with this id (NotSignedIn when unknown, ended, expired, or its
    account is disabled or expired)."""
    with ws.read() as repos:
        row = repos.accounts.session_by_hash(digest(session_id))
        user = repos.accounts.user_by_id(row["user_id"]) if row else None
    if row is None or user is None or row["ended_at"] is not None:
        raise NotSignedIn(NOT_SIGNED_IN())
    if row["expires_at"] <= ws.now():
        raise NotSignedIn(SESSION_EXPIRED())
    if not user.usable_on(ws.today):
        raise NotSignedIn(ACCOUNT_UNUSABLE(email=user.email))
    return Session(session_id, row["csrf_token"], user)


def logout(ws: Workspace, session_id: str) -> None:
    with ws.write() as uow:
        row = uow.repos.accounts.session_by_hash(digest(session_id))
        uow.repos.accounts.end_session(digest(session_id), ws.now())
        if row is not None:
            user = uow.repos.accounts.user_by_id(row["user_id"])
            uow.audit("logout", {"object": user.email if user else "?"}, None)


def signing_secret(ws: Workspace) -> str:
    """The key cookies are signed with: ``$IMMEX_SECRET_KEY``, else one the workspace keeps
    (made by the first server to start; shared by every server of the workspace)."""
    configured = os.environ.get("IMMEX_SECRET_KEY")
    if configured:
        return configured
    with ws.write() as uow:
        return uow.repos.accounts.signing_key("cookies", secrets.token_urlsafe(48), ws.now())
