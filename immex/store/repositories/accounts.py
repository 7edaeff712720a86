"""Accounts: users and their grants, API tokens, web sessions, login attempts, signing keys.

Secrets never reach this table as such: passwords arrive as Argon2 hashes, tokens and
session ids as SHA-256 digests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from immex.domain.accounts import Grant, Role, User
from immex.store.database import inserted_id
from immex.store.tables import core


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for timezone columns; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def plain_row(row: Any) -> dict[str, Any]:
    """A row as a dict, its timestamps timezone-aware on both stores."""
    return {
        key: aware(value) if isinstance(value, datetime) else value
        for key, value in row._mapping.items()
    }


class AccountsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ------------------------------------------------------------------ users
    def _grants(self, user_id: int) -> tuple[Grant, ...]:
        r, c = core.user_roles, core.companies
        rows = self.conn.execute(
            select(r.c.role, r.c.company_id, c.c.rfc)
            .select_from(r.outerjoin(c, r.c.company_id == c.c.id))
            .where(r.c.user_id == user_id)
            .order_by(c.c.rfc.nulls_first())
        ).all()
        return tuple(Grant(Role(row.role), row.company_id, row.rfc) for row in rows)

    def _user(self, row: Any) -> User:
        return User(
            id=row.id,
            email=row.email,
            display_name=row.display_name,
            disabled=row.disabled_at is not None,
            expires_on=row.expires_on,
            grants=self._grants(row.id),
            language=row.language,
        )

    def add_user(
        self, email: str, display_name: str | None, password_hash: str | None,
        expires_on: date | None, at: datetime,
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(core.users).values(
                    email=email,
                    display_name=display_name,
                    password_hash=password_hash,
                    password_changed_at=at if password_hash else None,
                    expires_on=expires_on,
                    created_at=at,
                )
            )
        )

    def user_by_email(self, email: str) -> User | None:
        row = self.conn.execute(select(core.users).where(core.users.c.email == email)).first()
        return None if row is None else self._user(row)

    def user_by_id(self, user_id: int) -> User | None:
        row = self.conn.execute(select(core.users).where(core.users.c.id == user_id)).first()
        return None if row is None else self._user(row)

    def users(self) -> list[User]:
        rows = self.conn.execute(select(core.users).order_by(core.users.c.email)).all()
        return [self._user(r) for r in rows]

    def password_hash(self, user_id: int) -> str | None:
        value = self.conn.execute(
            select(core.users.c.password_hash).where(core.users.c.id == user_id)
        ).scalar_one()
        return None if value is None else str(value)

    def set_password(self, user_id: int, password_hash: str, at: datetime) -> None:
        self.conn.execute(
            update(core.users)
            .where(core.users.c.id == user_id)
            .values(password_hash=password_hash, password_changed_at=at)
        )

    def disable(self, user_id: int, at: datetime) -> None:
        self.conn.execute(
            update(core.users).where(core.users.c.id == user_id).values(disabled_at=at)
        )

    def enable(self, user_id: int) -> None:
        self.conn.execute(
            update(core.users).where(core.users.c.id == user_id).values(disabled_at=None)
        )

    def set_expiry(self, user_id: int, expires_on: date | None) -> None:
        self.conn.execute(
            update(core.users).where(core.users.c.id == user_id).values(expires_on=expires_on)
        )

    def set_language(self, user_id: int, language: str | None) -> None:
        self.conn.execute(
            update(core.users).where(core.users.c.id == user_id).values(language=language)
        )

    def set_grant(
        self, user_id: int, company_id: int | None, role: Role, at: datetime, by: str
    ) -> None:
        """The user's role in the company (replacing the one it had there)."""
        r = core.user_roles
        where = and_(
            r.c.user_id == user_id,
            r.c.company_id.is_(None) if company_id is None else r.c.company_id == company_id,
        )
        changed = self.conn.execute(
            update(r).where(where).values(role=role.value, granted_at=at, granted_by=by)
        ).rowcount
        if not changed:
            self.conn.execute(
                insert(r).values(
                    user_id=user_id, company_id=company_id, role=role.value,
                    granted_at=at, granted_by=by,
                )
            )  # fmt: skip

    def delete_grant(self, user_id: int, company_id: int | None) -> bool:
        """The user's role in the company (None: every company) removed; False: none there."""
        r = core.user_roles
        scope = r.c.company_id.is_(None) if company_id is None else r.c.company_id == company_id
        removed = self.conn.execute(r.delete().where(r.c.user_id == user_id, scope)).rowcount
        return bool(removed)

    # ------------------------------------------------------------------ API tokens
    def add_token(
        self, user_id: int, token_hash: str, prefix: str, at: datetime,
        expires_at: datetime | None,
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(core.api_tokens).values(
                    user_id=user_id, token_hash=token_hash, prefix=prefix, created_at=at,
                    expires_at=expires_at,
                )
            )
        )  # fmt: skip

    def token_by_hash(self, token_hash: str) -> dict[str, Any] | None:
        t = core.api_tokens
        row = self.conn.execute(select(t).where(t.c.token_hash == token_hash)).first()
        return None if row is None else plain_row(row)

    def tokens_of(self, user_id: int) -> list[dict[str, Any]]:
        t = core.api_tokens
        rows = self.conn.execute(select(t).where(t.c.user_id == user_id).order_by(t.c.id))
        return [plain_row(r) for r in rows]

    def touch_token(self, token_id: int, at: datetime) -> None:
        t = core.api_tokens
        self.conn.execute(update(t).where(t.c.id == token_id).values(last_used_at=at))

    def revoke_token(self, token_id: int, at: datetime) -> None:
        t = core.api_tokens
        self.conn.execute(
            update(t).where(t.c.id == token_id, t.c.revoked_at.is_(None)).values(revoked_at=at)
        )

    # ------------------------------------------------------------------ web sessions
    def add_session(
        self, session_hash: str, user_id: int, csrf_token: str, at: datetime,
        expires_at: datetime,
    ) -> None:  # fmt: skip
        self.conn.execute(
            insert(core.user_sessions).values(
                session_hash=session_hash, user_id=user_id, csrf_token=csrf_token,
                created_at=at, expires_at=expires_at,
            )
        )  # fmt: skip

    def session_by_hash(self, session_hash: str) -> dict[str, Any] | None:
        s = core.user_sessions
        row = self.conn.execute(select(s).where(s.c.session_hash == session_hash)).first()
        return None if row is None else plain_row(row)

    def end_session(self, session_hash: str, at: datetime) -> None:
        s = core.user_sessions
        self.conn.execute(
            update(s)
            .where(s.c.session_hash == session_hash, s.c.ended_at.is_(None))
            .values(ended_at=at)
        )

    def end_sessions_of(self, user_id: int, at: datetime) -> None:
        s = core.user_sessions
        self.conn.execute(
            update(s).where(s.c.user_id == user_id, s.c.ended_at.is_(None)).values(ended_at=at)
        )

    # ------------------------------------------------------------------ login attempts
    def record_attempt(self, email: str, at: datetime, succeeded: bool) -> None:
        self.conn.execute(
            insert(core.login_attempts).values(email=email, at=at, succeeded=succeeded)
        )

    def failures_since(self, email: str, since: datetime) -> list[datetime]:
        """Failed attempts for ``email`` after ``since`` and after its last success."""
        a = core.login_attempts
        last_ok = self.conn.execute(
            select(func.max(a.c.at)).where(a.c.email == email, a.c.succeeded.is_(True))
        ).scalar()
        start = max(since, aware(last_ok) or since)
        rows = self.conn.execute(
            select(a.c.at).where(a.c.email == email, a.c.succeeded.is_(False), a.c.at > start)
        ).scalars()
        return [m for m in (aware(r) for r in rows) if m is not None]

    # ------------------------------------------------------------------ signing keys
    def signing_key(self, name: str, candidate: str, at: datetime) -> str:
        """The key called ``name``; ``candidate`` becomes it when there is none yet (the
        first web process to start wins; the others read its key)."""
        k = core.server_keys
        found = self.conn.execute(select(k.c.secret).where(k.c.name == name)).scalar()
        if found is not None:
            return str(found)
        try:
            with self.conn.begin_nested():
                self.conn.execute(insert(k).values(name=name, secret=candidate, created_at=at))
        except IntegrityError:
            return str(self.conn.execute(select(k.c.secret).where(k.c.name == name)).scalar_one())
        return candidate


class AuditTrailRepository:
    """Reading the append-only audit trail, with the RFC of each entry's company."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def entries(
        self, company_id: int | None, *, after_id: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Entries of the company (``None``: those of no company — users, logins), oldest
        first, after the entry ``after_id``."""
        a, c = core.audit_log, core.companies
        query = (
            select(a.c.id, a.c.at, a.c.actor, c.c.rfc, a.c.action, a.c.detail)
            .select_from(a.outerjoin(c, a.c.company_id == c.c.id))
            .where(a.c.id > after_id)
            .where(a.c.company_id.is_(None) if company_id is None else a.c.company_id == company_id)
            .order_by(a.c.id)
        )
        if limit is not None:
            query = query.limit(limit)
        return [plain_row(r) for r in self.conn.execute(query)]
