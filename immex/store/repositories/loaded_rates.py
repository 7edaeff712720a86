"""Rate data loaded into a workspace: the load batches, PROSEC lists, agreement schedules,
LIGIE amendments and the PROSEC sector catalog (``immex rates load prosec|fta|amendments``).

Every loaded file is one batch (kind, file, SHA-256, who, when); the rows of each kind point
at their batch and keep their line there. Rows come back as the domain's row records with
the name of the file each came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, insert, inspect, select

from immex.domain.messages import Template
from immex.domain.rates import AmendmentRow, FtaRow, ProsecRow, Sector, parse_rate_text
from immex.domain.tariff import PublishedRate
from immex.store.database import StoreError, inserted_id
from immex.store.tables import rates as t

RATE_DISAGREES = Template(
    "store.rate_disagrees",
    "stored rate {text} disagrees with its number {value}",
)


RateRow = ProsecRow | FtaRow | AmendmentRow


@dataclass(frozen=True, slots=True)
class LoadBatch:
    """One loaded file."""

    id: int
    kind: str
    file_name: str
    sha256: str
    rows: int
    loaded_by: str
    loaded_at: datetime


def _batch(row: Any) -> LoadBatch:
    return LoadBatch(
        row.id, row.kind, row.file_name, row.sha256, row.rows, row.loaded_by, row.loaded_at
    )


def _rate(text: str, value: Decimal | None) -> PublishedRate:
    """The stored rate: its text is the truth; the numeric column must agree with it."""
    rate = parse_rate_text(text)
    if rate.percent != value:  # Decimal compares by value: 5 == 5.000000
        raise StoreError(RATE_DISAGREES(text=repr(text), value=repr(value)))
    return rate


def _table(kind: str) -> Table:
    tables = {"prosec": t.prosec_rates, "fta": t.fta_rates, "amendments": t.ligie_amendments}
    if kind not in tables:
        raise ValueError(f"no rate rows of kind {kind!r}")
    return tables[kind]


def _values(row: RateRow, batch_id: int, line: int) -> dict[str, Any]:
    common: dict[str, Any] = {
        "batch_id": batch_id,
        "line": line,
        "fraccion": row.fraccion,
        "rate_text": row.rate.text,
        "rate": row.rate.percent,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "source": row.source,
    }
    if isinstance(row, ProsecRow):
        common.update(sector=row.sector, sector_name=row.sector_name, acotacion=row.acotacion)
    elif isinstance(row, FtaRow):
        common.update(
            agreement=row.agreement,
            origin_countries=",".join(row.origin_countries),
            exceptions=",".join(row.exceptions),
        )
    return common


def _row(kind: str, r: Any) -> RateRow:
    rate = _rate(r.rate_text, r.rate)
    if kind == "prosec":
        return ProsecRow(
            r.sector, r.sector_name, r.fraccion, rate, r.valid_from, r.valid_to,
            r.acotacion or "", r.source,
        )  # fmt: skip
    if kind == "fta":
        return FtaRow(
            r.agreement, tuple(r.origin_countries.split(",")), r.fraccion, rate, r.valid_from,
            r.valid_to, r.source, tuple(x for x in (r.exceptions or "").split(",") if x),
        )  # fmt: skip
    return AmendmentRow(r.fraccion, rate, r.valid_from, r.valid_to, r.source)


class RateRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def has_tables(self) -> bool:
        """False when the workspace predates the rates tables (migration 0002_rates)."""
        return inspect(self.conn).has_table(t.prosec_rates.name)

    # -- load batches ----------------------------------------------------------------
    def batch_of(self, kind: str, sha256: str) -> LoadBatch | None:
        """The batch that loaded this exact file (kind + SHA-256), if any."""
        b = t.rate_load_batches
        row = self.conn.execute(select(b).where(b.c.kind == kind, b.c.sha256 == sha256)).first()
        return None if row is None else _batch(row)

    def batches(self) -> list[LoadBatch]:
        b = t.rate_load_batches
        return [_batch(r) for r in self.conn.execute(select(b).order_by(b.c.id))]

    def add_batch(
        self, *, kind: str, file_name: str, sha256: str, rows: int, loaded_by: str,
        loaded_at: datetime,
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(t.rate_load_batches).values(
                    kind=kind, file_name=file_name, sha256=sha256, rows=rows,
                    loaded_by=loaded_by, loaded_at=loaded_at,
                )
            )
        )  # fmt: skip

    # -- rate rows -------------------------------------------------------------------
    def rows(self, kind: str) -> list[tuple[RateRow, str]]:
        """The stored rows of a kind (prosec | fta | amendments) with the file of each."""
        table, b = _table(kind), t.rate_load_batches
        query = select(table, b.c.file_name).join(b, b.c.id == table.c.batch_id)
        return [(_row(kind, r), r.file_name) for r in self.conn.execute(query.order_by(table.c.id))]

    def add_rows(self, kind: str, batch_id: int, rows: Sequence[tuple[int, RateRow]]) -> None:
        """Insert ``(line, row)`` pairs of one batch."""
        if rows:
            self.conn.execute(
                insert(_table(kind)), [_values(row, batch_id, line) for line, row in rows]
            )

    # -- PROSEC sector catalog -------------------------------------------------------
    def sector_codes(self) -> set[str]:
        return set(self.conn.execute(select(t.prosec_sectors.c.code)).scalars())

    def add_sector(self, sector: Sector) -> None:
        self.conn.execute(
            insert(t.prosec_sectors).values(
                code=sector.code, name=sector.name, source=sector.source,
                confidence=sector.confidence, note=sector.note,
            )
        )  # fmt: skip
