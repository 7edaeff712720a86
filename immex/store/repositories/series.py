"""FIX and INPC points loaded into a workspace (``immex rates load fix|inpc``).

A point is kept as the exact decimal text of its file; ``day`` is the FIX determination
date, or the first of the month for the INPC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, insert, inspect, select

from immex.store.tables import rates as t


@dataclass(frozen=True, slots=True)
class StoredPoint:
    series: str  # fix | inpc
    day: date
    value: str  # the exact decimal text loaded
    file_name: str


class SeriesRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def has_table(self) -> bool:
        """False when the workspace predates loaded series (migration 0005_series)."""
        return inspect(self.conn).has_table(t.series_points.name)

    def points(self, series: str | None = None) -> list[StoredPoint]:
        """The loaded points (of one series, or all), with the file each came from."""
        sp, b = t.series_points, t.rate_load_batches
        query = select(sp.c.series, sp.c.day, sp.c.value, b.c.file_name).join(
            b, b.c.id == sp.c.batch_id
        )
        if series is not None:
            query = query.where(sp.c.series == series)
        return [StoredPoint(*r) for r in self.conn.execute(query.order_by(sp.c.id))]

    def add_points(
        self, series: str, batch_id: int, points: Sequence[tuple[int, date, str]]
    ) -> None:
        """Insert ``(line, day, value text)`` points of one batch."""
        if points:
            self.conn.execute(
                insert(t.series_points),
                [
                    {"batch_id": batch_id, "line": line, "series": series, "day": day, "value": v}
                    for line, day, v in points
                ],
            )
