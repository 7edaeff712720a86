"""Companies, users, roles and the audit trail (shared by every area)."""

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
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

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("display_name", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

#: role of a user in a company: viewer | operator | admin
user_roles = Table(
    "user_roles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id")),
    Column("role", String(20), nullable=False),
    UniqueConstraint("user_id", "company_id", name="uq_user_roles_user_company"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("company_id", Integer, ForeignKey("companies.id")),
    Column("action", String(80), nullable=False),
    Column("detail", JSON),
)
