"""The workspace: open/initialise the store, companies, users and the audit trail."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from stdnum.exceptions import ValidationError
from stdnum.mx import rfc as stdnum_rfc

from immex.domain.errors import InvalidFormat, InvalidInput, NotFound
from immex.store import migrate
from immex.store.engine import StoreError, inserted_id, is_initialised, make_engine
from immex.store.tables import core

ROLES = ("viewer", "operator", "admin")


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    rfc: str
    name: str
    immex_program: str | None
    prosec_sectors: tuple[str, ...]


def current_actor() -> str:
    """Who is acting: $IMMEX_USER, else the OS user."""
    return os.environ.get("IMMEX_USER") or getpass.getuser()


def now_utc() -> datetime:
    return datetime.now(UTC)


def init_workspace(url: str | None = None) -> Engine:
    """Create (or upgrade) the workspace database; idempotent."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    except Exception as exc:
        if isinstance(exc, StoreError):
            raise
        raise StoreError(f"cannot initialise the workspace at {engine.url!r}: {exc}") from exc
    return engine


def open_workspace(url: str | None = None) -> Engine:
    """Open an existing workspace; a clear error if it was never initialised."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:" and not Path(path).is_file():
            engine.dispose()
            raise StoreError(
                f"no immex workspace file {path!r}; run `immex init` first "
                "(or pass --db / set IMMEX_DB)"
            )
    if not is_initialised(engine):
        raise StoreError(
            f"no immex workspace at {engine.url.render_as_string(hide_password=True)}; "
            "run `immex init` first (or pass --db / set IMMEX_DB)"
        )
    return engine


def validate_rfc(value: str) -> str:
    text = value.strip().upper()
    try:
        return str(stdnum_rfc.validate(text, validate_check_digits=False))
    except ValidationError as exc:
        raise InvalidFormat(
            f"invalid RFC {value!r}: {exc}; expected 12 characters for a company "
            "(3 letters, YYMMDD, 3-character homoclave), e.g. EKU9003173C9",
            field="rfc",
        ) from None


def audit(
    conn: Connection, action: str, detail: dict[str, Any], company_id: int | None = None
) -> None:
    conn.execute(
        insert(core.audit_log).values(
            at=now_utc(), actor=current_actor(), company_id=company_id, action=action, detail=detail
        )
    )


def add_company(
    engine: Engine,
    rfc: str,
    name: str,
    immex_program: str | None = None,
    prosec: Iterable[str] = (),
) -> Company:
    rfc_norm = validate_rfc(rfc)
    if not name.strip():
        raise InvalidInput("company name is empty", field="name")
    sectors = tuple(sorted({s.strip().upper() for s in prosec if s.strip()}))
    with engine.begin() as conn:
        exists = conn.execute(
            select(core.companies.c.id).where(core.companies.c.rfc == rfc_norm)
        ).first()
        if exists:
            raise InvalidInput(f"company {rfc_norm} already exists in this workspace", field="rfc")
        company_id = inserted_id(
            conn.execute(
                insert(core.companies).values(
                    rfc=rfc_norm,
                    name=name.strip(),
                    immex_program=immex_program,
                    created_at=now_utc(),
                )
            )
        )
        for sector in sectors:
            conn.execute(insert(core.company_prosec).values(company_id=company_id, sector=sector))
        audit(conn, "company.add", {"rfc": rfc_norm, "prosec": list(sectors)}, company_id)
    return Company(company_id, rfc_norm, name.strip(), immex_program, sectors)


#: the company's IVA/IEPS certification (RULES I-6: longer IMMEX limits, RGCE 7.3.3)
IVA_IEPS_CERTIFICATION = "iva_ieps_certification"


@dataclass(frozen=True, slots=True)
class Authorization:
    kind: str
    valid_from: date
    valid_to: date | None
    reference: str

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def add_certification(
    engine: Engine,
    company: Company,
    valid_from: date,
    valid_to: date | None,
    reference: str,
) -> Authorization:
    """Record the company's IVA/IEPS certification for a period (opt-in: it lengthens the
    IMMEX time limit of inputs whose clock starts within it — RULES I-6, confidence L)."""
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("--to is before --from", field="to")
    if not reference.strip():
        raise InvalidInput(
            "say which resolution grants the certification (--reference)", field="reference"
        )
    auth = Authorization(IVA_IEPS_CERTIFICATION, valid_from, valid_to, reference.strip())
    with engine.begin() as conn:
        for other in authorizations(conn, company, IVA_IEPS_CERTIFICATION):
            end = other.valid_to or date.max
            if auth.valid_from <= end and other.valid_from <= (auth.valid_to or date.max):
                raise InvalidInput(
                    f"overlaps the certification recorded from {other.valid_from}", field="from"
                )
        conn.execute(
            insert(core.company_authorizations).values(
                company_id=company.id,
                kind=auth.kind,
                reference=auth.reference,
                valid_from=auth.valid_from,
                valid_to=auth.valid_to,
            )
        )
        audit(
            conn,
            "company.certify",
            {"kind": auth.kind, "from": str(valid_from), "to": str(valid_to or ""),
             "reference": auth.reference},
            company.id,
        )  # fmt: skip
    return auth


def authorizations(conn: Connection, company: Company, kind: str) -> list[Authorization]:
    rows = conn.execute(
        select(core.company_authorizations)
        .where(
            core.company_authorizations.c.company_id == company.id,
            core.company_authorizations.c.kind == kind,
        )
        .order_by(core.company_authorizations.c.valid_from)
    ).all()
    return [Authorization(r.kind, r.valid_from, r.valid_to, r.reference or "") for r in rows]


def _load_company(conn: Connection, row: Any) -> Company:
    sectors = conn.execute(
        select(core.company_prosec.c.sector)
        .where(core.company_prosec.c.company_id == row.id)
        .order_by(core.company_prosec.c.sector)
    ).scalars()
    return Company(row.id, row.rfc, row.name, row.immex_program, tuple(sectors))


def list_companies(engine: Engine) -> list[Company]:
    with engine.connect() as conn:
        rows = conn.execute(select(core.companies).order_by(core.companies.c.rfc)).all()
        return [_load_company(conn, r) for r in rows]


def resolve_company(engine: Engine, rfc: str | None) -> Company:
    """The company named by RFC, or the only one in the workspace."""
    with engine.connect() as conn:
        if rfc:
            row = conn.execute(
                select(core.companies).where(core.companies.c.rfc == rfc.strip().upper())
            ).first()
            if row is None:
                raise NotFound(
                    f"no company with RFC {rfc!r} in this workspace; see `immex company list`",
                    field="company",
                )
            return _load_company(conn, row)
        rows = conn.execute(select(core.companies)).all()
        if len(rows) == 1:
            return _load_company(conn, rows[0])
        if not rows:
            raise NotFound(
                "the workspace has no company yet; add one with `immex company add`",
                field="company",
            )
        raise InvalidInput(
            f"the workspace has {len(rows)} companies; say which with --company RFC",
            field="company",
        )
