"""Companies, their PROSEC sectors and authorisations; the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from immex.domain.company import Authorization, Company
from immex.store.database import inserted_id
from immex.store.tables import core


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
        row = self.conn.execute(
            select(core.companies).where(core.companies.c.rfc == rfc)
        ).first()
        return None if row is None else self._load(row)

    def by_id(self, company_id: int) -> Company | None:
        row = self.conn.execute(
            select(core.companies).where(core.companies.c.id == company_id)
        ).first()
        return None if row is None else self._load(row)

    def all(self) -> list[Company]:
        rows = self.conn.execute(select(core.companies).order_by(core.companies.c.rfc)).all()
        return [self._load(r) for r in rows]

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

    def entries(self, company_id: int | None = None) -> list[dict[str, Any]]:
        t = core.audit_log
        query = select(t).order_by(t.c.id)
        if company_id is not None:
            query = query.where(t.c.company_id == company_id)
        return [dict(r._mapping) for r in self.conn.execute(query)]
