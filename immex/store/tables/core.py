"""Companies, users, roles and the audit trail (shared by every area)."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from immex.store.tables.base import metadata

companies = Table(
    "companies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rfc", String(13), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("immex_program", String(40)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    #: a removed company stays (its audit trail names it); 0010_corrections
    Column("removed_at", DateTime(timezone=True)),
    Column("removed_by", String(254)),
)

company_prosec = Table(
    "company_prosec",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("sector", String(10), nullable=False),
    Column("valid_from", Date),
    Column("valid_to", Date),
    UniqueConstraint("company_id", "sector", name="uq_company_prosec_sector"),
)

#: certifications / authorisations a company holds (Regla 8ª, IVA certification…)
company_authorizations = Table(
    "company_authorizations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("reference", Text),
    Column("valid_from", Date),
    Column("valid_to", Date),
)

#: people who sign in (migration 0007_accounts made the unused 0001 table an account)
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_hash", Text),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("disabled_at", DateTime(timezone=True)),
    Column("expires_on", Date),
    #: the pages' language the user chose (es | en; NULL: Spanish) — migration 0015
    Column("language", String(5)),
)

#: role of a user in a company (company_id NULL: every company): admin | specialist |
#: viewer | auditor
user_roles = Table(
    "user_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id")),
    Column("role", String(20), nullable=False),
    Column("granted_at", DateTime(timezone=True)),
    Column("granted_by", String(254)),
    UniqueConstraint("user_id", "company_id", name="uq_user_roles_user_company"),
)

#: bearer tokens: only the SHA-256 of the token is kept (and a short prefix to name it)
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

#: web sessions (the cookie carries the signed id; the table keeps its SHA-256)
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

#: every login attempt by email (known or not): the throttle counts the failures
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_login_attempts_email_at", "email", "at"),
)

#: keys the server signs cookies with (shared by every web process of the workspace)
server_keys = Table(
    "server_keys",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("secret", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: background jobs (imports, discharge runs): status queued | running | done | failed
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id")),
    Column("status", String(10), nullable=False),
    Column("progress", Integer, nullable=False),  # percent done
    Column("params", JSON, nullable=False),
    Column("result", JSON),
    Column("error", Text),  # the English text (error_message: its key and fields)
    Column("created_by", String(254), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False),
    # the error's catalog key and fields (0020_job_error_message; NULL: a bug's text, a row
    # written before it)
    Column("error_message", JSON),
)

#: the files of an import job until it is done (0014_load)
job_files = Table(
    "job_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, ForeignKey("jobs.id"), nullable=False, index=True),
    Column("name", String(255), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

#: append-only (0007_accounts adds triggers refusing UPDATE and DELETE)
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(254), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id")),
    Column("action", String(80), nullable=False),
    Column("detail", JSON),
)
