"""The workspace a service receives: the store, the company, the actor and the clock.

The CLI, the API and the web build one :class:`Workspace` per command or request (the
unit of work of cosmicpython); a service reads through ``ws.read()`` and writes through
``ws.write()``, whose :meth:`UnitOfWork.audit` records the actor the caller named — never
the operating-system user. Nested ``read()`` blocks share one connection, so a use case
that calls several services opens the database once.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from immex.domain.company import Company
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.store.unit import Repositories, Store

NO_COMPANY_CHOSEN = Template(
    "company.not_chosen", "no company chosen; say which with --company RFC"
)


def default_actor() -> str:
    """Who is acting at a terminal: ``$IMMEX_USER``, else the OS user (the CLI's default;
    the API and the web name the signed-in user instead)."""
    return os.environ.get("IMMEX_USER") or getpass.getuser()


def system_clock() -> datetime:
    return datetime.now(UTC)


class _RolledBack(Exception):
    """Ends a dry run's transaction (never leaves :meth:`Workspace.write`)."""


@dataclass(frozen=True, slots=True)
class UnitOfWork:
    """One transaction of a workspace: its repositories and the audit trail."""

    repos: Repositories
    workspace: Workspace

    def audit(self, action: str, detail: dict[str, Any], company_id: int | None = None) -> None:
        """Append an audit entry: when, the workspace's actor, company, action, detail."""
        ws = self.workspace
        if company_id is None and ws.company is not None:
            company_id = ws.company.id
        self.repos.audit.record(
            at=ws.now(), actor=ws.actor, action=action, detail=detail, company_id=company_id
        )


@dataclass(frozen=True, slots=True)
class _Shared:
    """The connection nested reads share (mutable cell inside a frozen workspace)."""

    stack: list[Repositories] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Workspace:
    store: Store
    actor: str
    today: date
    company: Company | None = None
    #: the illustrative company of `immex demo` (reports label it as sample data)
    demo: bool = False
    clock: Any = system_clock
    _shared: _Shared = field(default_factory=_Shared, compare=False, repr=False)

    def now(self) -> datetime:
        moment: datetime = self.clock()
        return moment

    def with_company(self, company: Company | None) -> Workspace:
        return replace(self, company=company, _shared=self._shared)

    def with_actor(self, actor: str) -> Workspace:
        return replace(self, actor=actor)

    @property
    def the_company(self) -> Company:
        """The company of the workspace; a clear error when none was chosen."""
        if self.company is None:
            raise InvalidInput(NO_COMPANY_CHOSEN(), field="company")
        return self.company

    @contextmanager
    def read(self) -> Iterator[Repositories]:
        """Repositories on a connection for reading (shared by nested blocks)."""
        if self._shared.stack:
            yield self._shared.stack[-1]
            return
        with self.store.connect() as repos:
            self._shared.stack.append(repos)
            try:
                yield repos
            finally:
                self._shared.stack.pop()

    @contextmanager
    def write(self, *, dry_run: bool = False) -> Iterator[UnitOfWork]:
        """One transaction: committed at the end of the block, rolled back on error — and,
        with ``dry_run``, rolled back always: every write of the use case is done (so a dry
        run also meets what the database would refuse) and none is kept."""
        if not dry_run:
            with self.store.begin() as repos:
                yield UnitOfWork(repos, self)
            return
        try:
            with self.store.begin() as repos:
                yield UnitOfWork(repos, self)
                raise _RolledBack
        except _RolledBack:
            pass

    @contextmanager
    def session(self) -> Iterator[Workspace]:
        """Keep one connection open for every read of the block."""
        with self.read():
            yield self
