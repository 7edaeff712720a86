"""Import batches: a file whose batch was voided can be imported again.

Revision ID: 0016_batch_reimport
Revises: 0010_corrections
``ledger_import_batches`` gains ``attempt``: 0 for the first import of a file (by content,
SHA-256) for a company and entity, 1 for its import after that batch was voided, and so on.
The unique key of a file becomes (company, entity, SHA-256, attempt): a file is still never
imported twice at once (two concurrent imports of it take the same attempt and one fails),
and a voided batch stays, with its rows and its void, beside the new one. On SQLite the
table is rebuilt (batch mode) with foreign-key enforcement off during the rebuild and every
foreign key checked after it, as the other tables' rows name its batches. Frozen text:
imports nothing from immex.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016_batch_reimport"
down_revision = "0010_corrections"
branch_labels = None
depends_on = None


@contextmanager
def _rebuilt(table: str) -> Iterator[Any]:
    """Batch mode on ``table``; on SQLite, whose batch mode rebuilds a table the other
    tables' rows name, with foreign-key enforcement off during the rebuild (the SQLite
    procedure for a schema change; ``defer_foreign_keys`` when a transaction is already
    open) and every foreign key checked after it."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")  # effective outside a transaction
        bind.exec_driver_sql("PRAGMA defer_foreign_keys=ON")  # and inside one
    with op.batch_alter_table(table) as batch:
        yield batch
    if sqlite:
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild of {table}: {broken[:5]}")
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    with _rebuilt("ledger_import_batches") as batch:
        batch.add_column(sa.Column("attempt", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_constraint("uq_ledger_import_batches_file", type_="unique")
        batch.create_unique_constraint(
            "uq_ledger_import_batches_file_attempt", ["company_id", "entity", "sha256", "attempt"]
        )


def downgrade() -> None:
    # a workspace where a voided file was imported again cannot go back: the old key would
    # refuse its second batch (the downgrade fails rather than delete anything)
    with _rebuilt("ledger_import_batches") as batch:
        batch.drop_constraint("uq_ledger_import_batches_file_attempt", type_="unique")
        batch.create_unique_constraint(
            "uq_ledger_import_batches_file", ["company_id", "entity", "sha256"]
        )
        batch.drop_column("attempt")
