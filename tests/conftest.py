"""Shared fixtures.

``workspace_url`` runs a test once on SQLite and once on PostgreSQL (a fresh database
per test on 127.0.0.1:5432, user postgres). Under CI (``IMMEX_REQUIRE_POSTGRES=1``) an
unreachable server makes the PostgreSQL tests fail; elsewhere they are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"
PG_ADMIN_URL = os.environ.get("IMMEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_required() -> bool:
    return os.environ.get("IMMEX_REQUIRE_POSTGRES") == "1"


def _create_pg_database() -> str:
    from sqlalchemy import create_engine, text

    name = f"immex_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_pg_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def workspace_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL (not yet initialised) on each store."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'immex.db'}"
        return
    try:
        url = _create_pg_database()
    except Exception as exc:  # server down or driver missing
        if _pg_required():
            pytest.fail(f"PostgreSQL required under CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url
    finally:
        import gc

        from sqlalchemy.engine import create_engine as _ce  # noqa: F401

        gc.collect()
        _drop_pg_database(url)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data not present (only needed to rebuild reference data)")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _cli_language_english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI speaks Spanish by default; the tests written against its English messages run
    it in English (``IMMEX_LANG=en``). A test that checks the Spanish output says
    ``--lang es`` (or removes IMMEX_LANG to check the default). ``--lang`` itself never
    touches the environment (a context variable), so one in-process command does not hand its
    language to the next."""
    monkeypatch.setenv("IMMEX_LANG", "en")
    yield
