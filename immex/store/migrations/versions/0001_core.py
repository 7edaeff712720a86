"""Core tables: companies, PROSEC registrations, authorisations, users, roles, audit.

Revision ID: 0001_core
Revises:
The tables are stated as they were first released (generated once from the table
definitions, then frozen): a migration never reads ``immex.store.tables``, so a later
change to a table needs a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_companies()
    _create_company_prosec()
    _create_company_authorizations()
    _create_users()
    _create_user_roles()
    _create_audit_log()


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("user_roles")
    op.drop_table("users")
    op.drop_table("company_authorizations")
    op.drop_table("company_prosec")
    op.drop_table("companies")


def _create_companies() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfc", sa.String(length=13), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("immex_program", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("rfc", name=op.f("uq_companies_rfc")),
    )


def _create_company_prosec() -> None:
    op.create_table(
        "company_prosec",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_company_prosec_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_prosec")),
        sa.UniqueConstraint("company_id", "sector", name="uq_company_prosec_sector"),
    )


def _create_company_authorizations() -> None:
    op.create_table(
        "company_authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_company_authorizations_company_id_companies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_authorizations")),
    )


def _create_users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )


def _create_user_roles() -> None:
    op.create_table(
        "user_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_user_roles_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_roles")),
        sa.UniqueConstraint("user_id", "company_id", name="uq_user_roles_user_company"),
    )


def _create_audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_audit_log_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
