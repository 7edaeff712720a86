"""Open the workspace database from a URL, ``$IMMEX_DB`` or ``./immex.db``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.messages import Template

BAD_URL = Template(
    "store.bad_url",
    "unsupported database URL {url}: use a SQLite path or postgresql://user@host/db",
)
CANNOT_OPEN = Template("store.cannot_open", "cannot open the workspace database {url}: {error}")


DEFAULT_DB_FILE = "immex.db"


class StoreError(ImmexError):
    """The workspace database is missing, unreachable or not initialised."""


def resolve_url(url: str | None = None) -> str:
    """Explicit URL/path, else ``$IMMEX_DB``, else ``sqlite:///./immex.db``.

    A bare path (``work/plant.db``) means a SQLite file.
    """
    chosen = url or os.environ.get("IMMEX_DB") or DEFAULT_DB_FILE
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen)}"
    if chosen.startswith("postgres://"):
        chosen = "postgresql://" + chosen[len("postgres://") :]
    if chosen.startswith("postgresql://"):
        chosen = "postgresql+psycopg://" + chosen[len("postgresql://") :]
    if not (chosen.startswith("sqlite") or chosen.startswith("postgresql")):
        raise InvalidInput(BAD_URL(url=repr(chosen)), field="db")
    return chosen


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    resolved = resolve_url(url)
    engine = create_engine(resolved, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def is_initialised(engine: Engine) -> bool:
    try:
        return inspect(engine).has_table("companies")
    except Exception as exc:  # driver errors differ between SQLite and PostgreSQL
        raise StoreError(CANNOT_OPEN(url=repr(engine.url), error=exc)) from exc


def inserted_id(result: Any) -> int:
    """The primary key of the row an ``insert()`` just wrote (fails loudly when there is none)."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise RuntimeError("the insert returned no primary key")
    return int(key[0])
