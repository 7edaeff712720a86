"""Core tables: companies, PROSEC registrations, authorisations, users, roles, audit.

Revision ID: 0001_core
Revises:
Initial migrations create the tables as first released from their definitions in
``immex.store.tables``; every later change to a table is an explicit ``op.*`` migration.
"""

from alembic import op

from immex.store.tables import core

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

TABLES = [
    core.companies,
    core.company_prosec,
    core.company_authorizations,
    core.users,
    core.user_roles,
    core.audit_log,
]


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
