"""Accounts: users who sign in (email, Argon2 password hash, disabled, expiry), their roles
per company, API tokens (hashes only), web sessions, login attempts (throttling), the
server's signing key, background jobs; the audit trail made append-only.

Revision ID: 0007_accounts
Revises: 0001_core
The tables are stated here as they are created (frozen); later changes are new migrations.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_accounts"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
PG_TRIGGERS = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
]


def _extend_users() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_username", type_="unique")
        batch.alter_column(
            "username",
            new_column_name="email",
            existing_type=sa.String(length=80),
            type_=sa.String(length=254),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("password_hash", sa.Text(), nullable=True))
        batch.add_column(sa.Column("password_changed_at", TZ, nullable=True))
        batch.add_column(sa.Column("disabled_at", TZ, nullable=True))
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
    with op.batch_alter_table("users") as batch:  # (a second pass: it names the new column)
        batch.create_unique_constraint("uq_users_email", ["email"])
    with op.batch_alter_table("user_roles") as batch:
        batch.add_column(sa.Column("granted_at", TZ, nullable=True))
        batch.add_column(sa.Column("granted_by", sa.String(length=254), nullable=True))
    with op.batch_alter_table("audit_log") as batch:  # an actor is now an email
        batch.alter_column(
            "actor",
            existing_type=sa.String(length=80),
            type_=sa.String(length=254),
            existing_nullable=False,
        )


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{table}_user_id_users")


def _create_tokens_and_sessions() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("last_used_at", TZ, nullable=True),
        _user_fk("api_tokens"),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        _user_fk("user_sessions"),
        sa.PrimaryKeyConstraint("id", name="pk_user_sessions"),
        sa.UniqueConstraint("session_hash", name="uq_user_sessions_session_hash"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_email_at", "login_attempts", ["email", "at"])
    op.create_table(
        "server_keys",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_server_keys"),
    )


def _create_jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),  # percent done
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_jobs_company_id_companies"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )


def upgrade() -> None:
    _extend_users()
    _create_tokens_and_sessions()
    _create_jobs()
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    for name in ("jobs", "server_keys", "login_attempts", "user_sessions", "api_tokens"):
        op.drop_table(name)
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("actor", existing_type=sa.String(length=254), type_=sa.String(length=80))
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_column("granted_by")
        batch.drop_column("granted_at")
    with op.batch_alter_table("users") as batch:
        for column in ("expires_on", "disabled_at", "password_changed_at", "password_hash"):
            batch.drop_column(column)
        batch.drop_constraint("uq_users_email", type_="unique")
        batch.alter_column("email", new_column_name="username", type_=sa.String(length=80))
        batch.create_unique_constraint("uq_users_username", ["username"])
