"""API tokens (`immex token create`): shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from immex.domain.accounts import NotSignedIn, User
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Template
from immex.services.accounts.users import find_user
from immex.services.workspace.context import Workspace

UNKNOWN_TOKEN = Template("token.unknown", "unknown API token")
TOKEN_REVOKED = Template("token.revoked", "this API token was revoked")
TOKEN_EXPIRED = Template(
    "token.expired",
    "this API token has expired; create another with `immex token create`",
)
ACCOUNT_UNUSABLE = Template(
    "signin.account_unusable",
    "the account {email} is disabled or has expired",
)


BAD_DAYS = Template("token.bad_days", "--expires-days {days}: give 1 or more")
USER_UNUSABLE = Template("token.user_unusable", "user {email} is disabled or expired")
AMBIGUOUS = Template(
    "token.ambiguous", "{n} live tokens of {email} start with {prefix}; see `immex token list`"
)


TOKEN_PREFIX = "immex_"
#: how long a token's last use may be stale before it is written again
TOUCH_EVERY = timedelta(minutes=5)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str  # shown once; never stored
    prefix: str
    user: str
    expires_at: datetime | None


def create_token(ws: Workspace, email: str, expires_days: int | None = None) -> NewToken:
    if expires_days is not None and expires_days <= 0:
        raise InvalidInput(BAD_DAYS(days=expires_days), field="expires_days")
    user = find_user(ws, email)
    if not user.usable_on(ws.today):
        raise InvalidInput(USER_UNUSABLE(email=user.email), field="email")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = token[: len(TOKEN_PREFIX) + 8]
    expires = ws.now() + timedelta(days=expires_days) if expires_days else None
    with ws.write() as uow:
        uow.repos.accounts.add_token(user.id, digest(token), prefix, ws.now(), expires)
        uow.audit("token.create", {"object": user.email, "token": prefix,
                                   "expires": str(expires or "")}, None)  # fmt: skip
    return NewToken(token, prefix, user.email, expires)


def list_tokens(ws: Workspace, email: str) -> list[dict[str, Any]]:
    user = find_user(ws, email)
    with ws.read() as repos:
        rows = repos.accounts.tokens_of(user.id)
    return [
        {k: r[k] for k in ("prefix", "created_at", "expires_at", "revoked_at", "last_used_at")}
        for r in rows
    ]


def revoke_token(ws: Workspace, email: str, prefix: str) -> None:
    """Revoke the user's token that starts with ``prefix`` (as `immex token list` shows)."""
    user = find_user(ws, email)
    with ws.write() as uow:
        matches = [
            r for r in uow.repos.accounts.tokens_of(user.id)
            if r["prefix"].startswith(prefix) or prefix.startswith(r["prefix"])
        ]  # fmt: skip
        live = [r for r in matches if r["revoked_at"] is None]
        if len(live) != 1:
            raise NotFound(
                AMBIGUOUS(n=len(live), email=user.email, prefix=repr(prefix)), field="token"
            )
        uow.repos.accounts.revoke_token(live[0]["id"], ws.now())
        uow.audit("token.revoke", {"object": user.email, "token": live[0]["prefix"]}, None)


def user_of_token(ws: Workspace, token: str) -> User:
    """The user a bearer token acts for; NotSignedIn when it is unknown, revoked, expired,
    or its user is disabled or expired."""
    with ws.read() as repos:
        row = repos.accounts.token_by_hash(digest(token))
        user = repos.accounts.user_by_id(row["user_id"]) if row else None
    now = ws.now()
    if row is None or user is None:
        raise NotSignedIn(UNKNOWN_TOKEN())
    if row["revoked_at"] is not None:
        raise NotSignedIn(TOKEN_REVOKED())
    if row["expires_at"] is not None and row["expires_at"] <= now:
        raise NotSignedIn(TOKEN_EXPIRED())
    if not user.usable_on(ws.today):
        raise NotSignedIn(ACCOUNT_UNUSABLE(email=user.email))
    if row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_EVERY:
        with ws.write() as uow:
            uow.repos.accounts.touch_token(row["id"], now)
    return user
