"""Alembic environment: the connection comes from immex.store.migrate."""

from alembic import context

from immex.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - immex always passes a connection
    raise RuntimeError("run migrations through immex.store.migrate.upgrade()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
