"""Companies, their PROSEC sectors and authorisations; the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from immex.domain.company import Authorization, Company
from immex.store.database import inserted_id
from immex.store.tables import core, metadata

#: the company's own settings and trail: not "data" (kept when a company is removed)
_SETTINGS = {"companies", "company_prosec", "company_authorizations", "user_roles", "audit_log"}


def _company_filter(table: Table, company_id: int) -> Any | None:
    """The rows of ``table`` that belong to the company: by its ``company_id`` or, for a
    table without one, by a foreign key to a table that has it (a run's allocations)."""
    if "company_id" in table.c:
        return table.c.company_id == company_id
    for fk in table.foreign_keys:
        parent = fk.column.table
        if "company_id" in parent.c and parent.name not in _SETTINGS:
            return fk.parent.in_(
                select(fk.column).where(parent.c.company_id == company_id).scalar_subquery()
            )
    return None


def _data_tables(company_id: int) -> list[tuple[Table, Any]]:
    """Every table holding company data with the filter of the company's rows, children
    before parents."""
    out: list[tuple[Table, Any]] = []
    for table in reversed(metadata.sorted_tables):
        where = None if table.name in _SETTINGS else _company_filter(table, company_id)
        if where is not None:
            out.append((table, where))
    return out


class CompanyRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _load(self, row: Any) -> Company:
        sectors = self.conn.execute(
            select(core.company_prosec.c.sector)
            .where(core.company_prosec.c.company_id == row.id)
            .order_by(core.company_prosec.c.sector)
        ).scalars()
        return Company(row.id, row.rfc, row.name, row.immex_program, tuple(sectors))

    def by_rfc(self, rfc: str) -> Company | None:
        """The company of that RFC (None when there is none or it was removed)."""
        c = core.companies
        row = self.conn.execute(
            select(c).where(c.c.rfc == rfc, c.c.removed_at.is_(None))
        ).first()
        return None if row is None else self._load(row)

    def by_id(self, company_id: int) -> Company | None:
        c = core.companies
        row = self.conn.execute(
            select(c).where(c.c.id == company_id, c.c.removed_at.is_(None))
        ).first()
        return None if row is None else self._load(row)

    def all(self) -> list[Company]:
        c = core.companies
        rows = self.conn.execute(select(c).where(c.c.removed_at.is_(None)).order_by(c.c.rfc))
        return [self._load(r) for r in rows.all()]

    def removed(self, rfc: str) -> tuple[int, datetime, str] | None:
        """(id, when, by whom) of a removed company of that RFC, if there is one."""
        c = core.companies
        row = self.conn.execute(
            select(c.c.id, c.c.removed_at, c.c.removed_by).where(
                c.c.rfc == rfc, c.c.removed_at.is_not(None)
            )
        ).first()
        return None if row is None else (row.id, row.removed_at, row.removed_by or "")

    def data_counts(self, company_id: int) -> dict[str, int]:
        """Rows of company data per table (only tables that have some)."""
        out: dict[str, int] = {}
        for table, where in _data_tables(company_id):
            n = self.conn.execute(select(func.count()).select_from(table).where(where)).scalar()
            if n:
                out[table.name] = int(n)
        return out

    def delete_data(self, company_id: int) -> dict[str, int]:
        """Delete the company's data (children first); rows deleted per table. Its settings
        (PROSEC sectors, authorisations, grants) and the audit trail stay."""
        out: dict[str, int] = {}
        for table, where in _data_tables(company_id):
            n = self.conn.execute(delete(table).where(where)).rowcount
            if n:
                out[table.name] = int(n)
        return out

    def mark_removed(self, company_id: int, at: datetime, actor: str) -> None:
        c = core.companies
        self.conn.execute(
            update(c).where(c.c.id == company_id).values(removed_at=at, removed_by=actor)
        )

    def restore(
        self, company_id: int, name: str, immex_program: str | None, sectors: tuple[str, ...]
    ) -> Company:
        """A removed company in use again (added anew with the same RFC)."""
        c, cp = core.companies, core.company_prosec
        self.conn.execute(
            update(c)
            .where(c.c.id == company_id)
            .values(name=name, immex_program=immex_program, removed_at=None, removed_by=None)
        )
        self.conn.execute(delete(cp).where(cp.c.company_id == company_id))
        for sector in sectors:
            self.conn.execute(insert(cp).values(company_id=company_id, sector=sector))
        found = self.by_id(company_id)
        assert found is not None
        return found

    def add(
        self, rfc: str, name: str, immex_program: str | None, sectors: tuple[str, ...],
        created_at: datetime,
    ) -> Company:  # fmt: skip
        company_id = inserted_id(
            self.conn.execute(
                insert(core.companies).values(
                    rfc=rfc, name=name, immex_program=immex_program, created_at=created_at
                )
            )
        )
        for sector in sectors:
            self.conn.execute(
                insert(core.company_prosec).values(company_id=company_id, sector=sector)
            )
        return Company(company_id, rfc, name, immex_program, sectors)

    def authorizations(self, company_id: int, kind: str) -> list[Authorization]:
        t = core.company_authorizations
        rows = self.conn.execute(
            select(t).where(t.c.company_id == company_id, t.c.kind == kind).order_by(t.c.valid_from)
        ).all()
        return [Authorization(r.kind, r.valid_from, r.valid_to, r.reference or "") for r in rows]

    def add_authorization(self, company_id: int, auth: Authorization) -> None:
        self.conn.execute(
            insert(core.company_authorizations).values(
                company_id=company_id,
                kind=auth.kind,
                reference=auth.reference,
                valid_from=auth.valid_from,
                valid_to=auth.valid_to,
            )
        )


class AuditRepository:
    """The append-only audit trail: rows are inserted, never updated or deleted."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def record(
        self, *, at: datetime, actor: str, action: str, detail: dict[str, Any],
        company_id: int | None,
    ) -> None:  # fmt: skip
        self.conn.execute(
            insert(core.audit_log).values(
                at=at, actor=actor, company_id=company_id, action=action, detail=detail
            )
        )

    def state(self) -> tuple[int, int]:
        """The id of the newest entry and the number of entries ((0, 0) when none).

        Every committed write moves the pair. The count matters on PostgreSQL: ids are
        taken when a row is inserted, not when its transaction commits, so a write that
        took id 100 may commit after one that took 101 — the newest id alone would not
        move, the count does.
        """
        t = core.audit_log
        row = self.conn.execute(select(func.max(t.c.id), func.count())).one()
        return int(row[0] or 0), int(row[1] or 0)

    def entries(self, company_id: int | None = None) -> list[dict[str, Any]]:
        t = core.audit_log
        query = select(t).order_by(t.c.id)
        if company_id is not None:
            query = query.where(t.c.company_id == company_id)
        return [dict(r._mapping) for r in self.conn.execute(query)]
