"""IMMEX Decree Annex I / II rows loaded into a workspace (``immex rates load immex-annex``),
as the domain's :class:`~immex.domain.immex_annex.AnnexRow` with the file each came from."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, inspect, select

from immex.domain.immex_annex import Annex, AnnexRow
from immex.store.tables import annex as t
from immex.store.tables import rates as r


class AnnexRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def has_table(self) -> bool:
        """False when the workspace predates the annex rows (migration 0011_immex_annex)."""
        return inspect(self.conn).has_table(t.immex_annex_rows.name)

    def rows(self) -> list[tuple[AnnexRow, str]]:
        """Every loaded row with the name of its file, in load order (none before 0011)."""
        if not self.has_table():
            return []
        a, b = t.immex_annex_rows, r.rate_load_batches
        q = select(a, b.c.file_name).join(b, b.c.id == a.c.batch_id).order_by(a.c.id)
        return [
            (
                AnnexRow(
                    row.scope, Annex(row.annex), row.valid_from, row.valid_to, row.source,
                    row.confidence, tuple(x for x in row.exceptions.split(",") if x), row.note,
                ),
                row.file_name,
            )  # fmt: skip
            for row in self.conn.execute(q)
        ]

    def add_rows(self, batch_id: int, rows: Sequence[tuple[int, AnnexRow]]) -> None:
        """Insert ``(line, row)`` of one batch."""
        if rows:
            self.conn.execute(
                insert(t.immex_annex_rows),
                [
                    {
                        "batch_id": batch_id, "line": line, "scope": x.scope,
                        "annex": x.annex.value, "valid_from": x.valid_from,
                        "valid_to": x.valid_to, "source": x.source, "confidence": x.confidence,
                        "exceptions": ",".join(x.exceptions), "note": x.note,
                    }
                    for line, x in rows
                ],
            )  # fmt: skip
