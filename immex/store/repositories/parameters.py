"""Dated values of the curated parameters loaded into a workspace (``immex rates load
parameters``), as the domain's :class:`~immex.domain.dated.DatedValue` records whose source
names the file they came from."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, insert, inspect, select

from immex.domain.dated import DatedValue
from immex.domain.messages import Template
from immex.store.tables import rates as t

LoadedValues = dict[str, list[DatedValue[Decimal]]]
#: a loaded value's source: the user's own words, and the file they came from
LOADED_SOURCE = Template("refdata.source.loaded", "{source} (loaded from {file})")


class ParameterRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def has_table(self) -> bool:
        """False when the workspace predates loaded parameters (migration 0006_parameters)."""
        return inspect(self.conn).has_table(t.parameter_values.name)

    def values(self) -> LoadedValues:
        """The loaded values by parameter name, earliest first (none before migration 0006)."""
        if not self.has_table():
            return {}
        pv, b = t.parameter_values, t.rate_load_batches
        rows = self.conn.execute(
            select(pv, b.c.file_name).join(b, b.c.id == pv.c.batch_id).order_by(pv.c.valid_from)
        )
        out: LoadedValues = {}
        for r in rows:
            out.setdefault(r.name, []).append(
                DatedValue(
                    r.valid_from,
                    r.valid_to,
                    Decimal(r.value),
                    LOADED_SOURCE(source=r.source, file=r.file_name),
                    r.confidence,
                    r.note,
                )  # fmt: skip
            )
        return out

    def add_values(
        self, batch_id: int, values: Sequence[tuple[int, str, DatedValue[Decimal]]]
    ) -> None:
        """Insert ``(line, name, value)`` of one batch (the value kept as its decimal text)."""
        if values:
            self.conn.execute(
                insert(t.parameter_values),
                [
                    {
                        "batch_id": batch_id, "line": line, "name": name,
                        "valid_from": dv.valid_from, "valid_to": dv.valid_to,
                        "value": str(dv.value), "source": dv.source,
                        "confidence": dv.confidence, "note": dv.note,
                    }
                    for line, name, dv in values
                ],
            )  # fmt: skip
