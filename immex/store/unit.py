"""The workspace database as a unit of work: a transaction that hands out repositories.

Services never see SQLAlchemy: they ask the :class:`Store` for a transaction
(``store.begin()``) or a read-only connection (``store.connect()``) and receive a
:class:`Repositories` whose attributes are the repositories of each area. Every SQL
statement and every dialect branch lives in ``immex.store.repositories``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from immex.domain.messages import Template
from immex.store import migrate
from immex.store.database import StoreError, is_initialised, make_engine
from immex.store.repositories.accounts import AccountsRepository, AuditTrailRepository
from immex.store.repositories.annex_rows import AnnexRepository
from immex.store.repositories.companies import AuditRepository, CompanyRepository
from immex.store.repositories.corrections import CorrectionsRepository
from immex.store.repositories.decisions import DecisionsRepository
from immex.store.repositories.discharge_inputs import DischargeInputsRepository
from immex.store.repositories.jobs import JobRepository
from immex.store.repositories.journal import JournalRepository
from immex.store.repositories.ledger_records import LedgerRepository
from immex.store.repositories.loaded_rates import RateRepository
from immex.store.repositories.lot_browser import LotBrowserRepository
from immex.store.repositories.parameters import ParameterRepository
from immex.store.repositories.reports import ReportsRepository
from immex.store.repositories.sat_records import SatRepository
from immex.store.repositories.series import SeriesRepository

NO_WORKSPACE_FILE = Template(
    "store.no_workspace_file",
    "no immex workspace file {path}; run `immex init` first (or pass --db / set IMMEX_DB)",
)
NO_WORKSPACE = Template(
    "store.no_workspace",
    "no immex workspace at {url}; run `immex init` first (or pass --db / set IMMEX_DB)",
)
OUTDATED = Template(
    "store.outdated",
    "the workspace at {url} was made by an earlier version of immex (it lacks {revisions}): "
    "upgrade it first with `immex init --db {url}` (nothing is lost)",
)
CANNOT_INIT = Template("store.cannot_init", "cannot initialise the workspace at {url}: {error}")


class Repositories:
    """The repositories of one connection (one transaction when opened with ``begin``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._after: list[Callable[[], None]] = []

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    def after_transaction(self, step: Callable[[], None]) -> None:
        """Run ``step`` once the transaction of :meth:`Store.begin` has ended (committed or
        rolled back), on the same connection before it is released."""
        self._after.append(step)

    @cached_property
    def companies(self) -> CompanyRepository:
        return CompanyRepository(self.conn)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.conn)

    @cached_property
    def reports(self) -> ReportsRepository:
        return ReportsRepository(self.conn)

    @cached_property
    def rates(self) -> RateRepository:
        return RateRepository(self.conn)

    @cached_property
    def series(self) -> SeriesRepository:
        return SeriesRepository(self.conn)

    @cached_property
    def parameters(self) -> ParameterRepository:
        return ParameterRepository(self.conn)

    @cached_property
    def annex(self) -> AnnexRepository:
        """IMMEX Decree Annex I / II rows loaded into the workspace."""
        return AnnexRepository(self.conn)

    @cached_property
    def ledger(self) -> LedgerRepository:
        return LedgerRepository(self.conn)

    @cached_property
    def corrections(self) -> CorrectionsRepository:
        return CorrectionsRepository(self.conn)

    @cached_property
    def journal(self) -> JournalRepository:
        """Discharge runs and their journal (the current run remembered per connection)."""
        return JournalRepository(self.conn)

    @cached_property
    def discharge_inputs(self) -> DischargeInputsRepository:
        """The lots, BOM and shipments the discharge reads."""
        return DischargeInputsRepository(self.conn)

    @cached_property
    def accounts(self) -> AccountsRepository:
        return AccountsRepository(self.conn)

    @cached_property
    def audit_trail(self) -> AuditTrailRepository:
        return AuditTrailRepository(self.conn)

    @cached_property
    def jobs(self) -> JobRepository:
        return JobRepository(self.conn)

    @cached_property
    def sat(self) -> SatRepository:
        """What SAT knows: Data Stage / validation-file pedimentos and their rows."""
        return SatRepository(self.conn)

    @cached_property
    def lot_browser(self) -> LotBrowserRepository:
        return LotBrowserRepository(self.conn)

    @cached_property
    def decisions(self) -> DecisionsRepository:
        """The ledger reads of the decision tools (what-if, advisor, packs)."""
        return DecisionsRepository(self.conn)


class Store:
    """One workspace database (SQLite file or PostgreSQL database)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def create(cls, url: str | None = None) -> Store:
        """Create (or upgrade) the workspace database; idempotent."""
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(CANNOT_INIT(url=repr(engine.url), error=exc)) from exc
        return cls(engine)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open an existing workspace; a clear error if it was never initialised."""
        engine = make_engine(url)
        if engine.dialect.name == "sqlite":
            from pathlib import Path

            path = engine.url.database
            if path and path != ":memory:" and not Path(path).is_file():
                engine.dispose()
                raise StoreError(NO_WORKSPACE_FILE(path=repr(path)))
        if not is_initialised(engine):
            raise StoreError(NO_WORKSPACE(url=engine.url.render_as_string(hide_password=True)))
        return cls(engine)

    def check_schema(self) -> None:
        """Refuse a workspace an earlier version made and nobody upgraded (a server on it
        would fail on the first request that reads a new column)."""
        missing = migrate.missing_heads(self.engine)
        if missing:
            raise StoreError(OUTDATED(url=self.display_url, revisions=", ".join(sorted(missing))))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def libpq_url(self) -> str:
        """The PostgreSQL URL as libpq (and the job queue) spells it, password included."""
        return self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    @property
    def refusal_errors(self) -> tuple[type[BaseException], ...]:
        """What the database raises when it refuses data: SQLAlchemy's wrapped errors and
        the driver's own (raised by PostgreSQL's COPY)."""
        dbapi = getattr(self.engine.dialect, "dbapi", None)
        own = getattr(dbapi, "Error", None)
        return (DBAPIError, own) if isinstance(own, type) else (DBAPIError,)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden (for messages; never for reports)."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Repositories]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        with self.engine.connect() as conn:
            repos = Repositories(conn)
            try:
                with conn.begin():
                    yield repos
            finally:
                for step in repos._after:
                    step()

    @contextmanager
    def connect(self) -> Iterator[Repositories]:
        """A connection for reading."""
        with self.engine.connect() as conn:
            yield Repositories(conn)

    def dispose(self) -> None:
        self.engine.dispose()
