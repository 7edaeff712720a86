"""0016_batch_reimport on a workspace with data (SQLite and PostgreSQL): the batches, and the
rows of the other tables that name them, come through; a file's key gains its attempt."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import MetaData, create_engine, func, insert, select
from sqlalchemy.exc import IntegrityError

from immex.store import migrate
from immex.store.database import make_engine

AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SHA = "ab" * 32


def test_batches_and_their_rows_survive_the_upgrade(workspace_url: str) -> None:
    engine = make_engine(workspace_url)
    try:
        cfg = migrate.alembic_config()
        with engine.begin() as conn:  # the workspace as 0010_corrections left it
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0010_corrections")
        meta = MetaData()
        meta.reflect(engine)
        companies, batches = meta.tables["companies"], meta.tables["ledger_import_batches"]
        lots, corrections = meta.tables["ledger_lots"], meta.tables["ledger_corrections"]
        with engine.begin() as conn:
            cid = conn.execute(
                insert(companies).values(rfc="EKU9003173C9", name="X", created_at=AT)
            ).inserted_primary_key[0]
            bid = conn.execute(
                insert(batches).values(company_id=cid, entity="pedimentos", file_name="p.csv",
                                       sha256=SHA, rows=1, imported_at=AT, actor="ana")
            ).inserted_primary_key[0]  # fmt: skip
            void = conn.execute(
                insert(corrections).values(company_id=cid, kind="void", batch_id=bid,
                                           reason="r", actor="ana", created_at=AT, detail={})
            ).inserted_primary_key[0]  # fmt: skip
            conn.execute(
                insert(lots).values(
                    company_id=cid,
                    pedimento="254730125000001",
                    clave="IN",
                    entry_date=date(2025, 1, 10),
                    part_number="RES",
                    quantity_micro=1,
                    value_e4=1,
                    origin="CHN",
                    fraccion="8533.21.01",
                    source_line=2,
                    batch_id=bid,
                    withdrawn_by=void,
                )  # fmt: skip
            )
        migrate.upgrade(engine)
        meta = MetaData()
        meta.reflect(engine)
        batches, lots = meta.tables["ledger_import_batches"], meta.tables["ledger_lots"]
        with engine.connect() as conn:
            assert conn.execute(select(batches.c.id, batches.c.attempt)).all() == [(bid, 0)]
            assert conn.execute(select(lots.c.batch_id, lots.c.withdrawn_by)).all() == [(bid, void)]
        row = {"company_id": cid, "entity": "pedimentos", "file_name": "p.csv", "sha256": SHA,
               "rows": 1, "imported_at": AT, "actor": "ana"}  # fmt: skip
        with engine.begin() as conn:  # the voided file's next import
            conn.execute(insert(batches).values(**row, attempt=1))
        with pytest.raises(IntegrityError), engine.begin() as conn:  # never twice at once
            conn.execute(insert(batches).values(**row, attempt=1))
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(batches)).scalar() == 2
        if engine.dialect.name == "sqlite":  # the foreign keys still hold after the rebuild
            with create_engine(workspace_url).connect() as raw:
                assert raw.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        engine.dispose()
