"""Values of the curated parameters loaded into the workspace (``immex rates load parameters``).

The bundled parameters (``immex/refdata/sources/parameters.yaml``) stop where the laws in
``../shared/data/laws`` stop: e.g. the DTA fixed fee is known for 2024 only and the Ley de
Ingresos surcharge rate for 2026 only. A user who has the official text of another period
loads it, with its citation and confidence, in the layout
``name, valid_from, valid_to, value, source, confidence[, note]``. Only known decimal
parameters; a period that overlaps a bundled record, an earlier load or another row of the
file is refused (a loaded value never silently replaces a bundled one). The duty
computations of that workspace (F4, 63-A, F4 plan, reports) then read the bundled records plus
these, and their traces cite the loaded source.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, select

from immex.domain.dated import CONFIDENCE_LEVELS, DatedValue, Parameter
from immex.domain.errors import BatchError, InvalidInput, NotFound
from immex.services.duties.single import DUTY_PARAMETERS
from immex.services.rates.loading import (
    LoadResult,
    _Checker,
    already_loaded,
    read_table,
    require_rates_tables,
)
from immex.services.workspace import companies as workspace
from immex.store.database import inserted_id
from immex.store.tables import rates as t

COLUMNS = ("name", "valid_from", "valid_to", "value", "source", "confidence")

Loaded = dict[str, list[DatedValue[Decimal]]]


def _overlaps(a: DatedValue[Any], b: DatedValue[Any]) -> bool:
    return a.valid_from <= (b.valid_to or date.max) and b.valid_from <= (a.valid_to or date.max)


def loaded_values(conn: Connection) -> Loaded:
    """The parameter values loaded into this workspace (none before migration 0006)."""
    pv = t.parameter_values
    if not inspect(conn).has_table(pv.name):
        return {}
    out: Loaded = {}
    b = t.rate_load_batches
    rows = conn.execute(
        select(pv, b.c.file_name).join(b, b.c.id == pv.c.batch_id).order_by(pv.c.valid_from)
    )
    for r in rows:
        out.setdefault(r.name, []).append(
            DatedValue(
                r.valid_from,
                r.valid_to,
                Decimal(r.value),
                f"{r.source} (loaded from {r.file_name})",
                r.confidence,
                r.note,
            )  # fmt: skip
        )
    return out


def merged(bundled: dict[str, Parameter[Any]], loaded: Loaded) -> dict[str, Parameter[Any]]:
    """The bundled parameters with the workspace's values added to their records."""
    if not loaded:
        return bundled
    out = dict(bundled)
    for name, values in loaded.items():
        p = bundled[name]
        out[name] = Parameter.of(p.name, p.description, p.unit, [*p.values, *values])
    return out


def load_parameters_file(engine: Engine, path: Path) -> LoadResult:
    """Load parameter values, all-or-nothing (errors as ``file:line: column: message``)."""
    from immex.refdata.bundled import load_parameters

    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path}: no such file", field="file")
    require_rates_tables(engine)
    with engine.connect() as conn:
        if not inspect(conn).has_table(t.parameter_values.name):
            raise InvalidInput(
                "this workspace predates loaded parameters; run `immex init` (it upgrades the "
                "workspace) and try again"
            )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    b = t.rate_load_batches
    prior = already_loaded(engine, "parameters", path, digest)
    if prior is not None:
        return prior
    header, rows = read_table(path)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"{path.name}: missing column(s) {', '.join(missing)} (expected "
            f"{', '.join(COLUMNS)}[, note])",
            field="header",
        )
    if not rows:
        raise InvalidInput(f"{path.name}: no data rows", field="file")
    bundled = load_parameters()
    c = _Checker(path.name)
    parsed: list[tuple[int, str, DatedValue[Decimal]]] = []
    for line, row in rows:
        name = row["name"]
        p = bundled.get(name)
        if p is None:
            c.err(line, "name", "unknown parameter (see `immex refdata info --json`)", name)
        elif name not in DUTY_PARAMETERS:
            c.err(
                line, "name",
                "not read by the duty computations, so it cannot be loaded; loadable: "
                + ", ".join(DUTY_PARAMETERS),
                name,
            )  # fmt: skip
            p = None
        start = c.day(line, row, "valid_from", required=True)
        end = c.day(line, row, "valid_to", required=False)
        c.period(line, start, end, "valid_to")
        try:
            value = Decimal(row["value"])
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            c.err(line, "value", "not a number", row["value"])
            value = None
        source = c.text(line, row, "source")
        confidence = row["confidence"].upper()
        if confidence not in CONFIDENCE_LEVELS:
            c.err(line, "confidence", f"must be one of {', '.join(CONFIDENCE_LEVELS)}", confidence)
        if p is None or start is None or value is None or not source:
            continue
        if confidence not in CONFIDENCE_LEVELS or (end is not None and end < start):
            continue
        dv = DatedValue(start, end, value, source, confidence, row.get("note", ""))
        for old in p.values:
            if _overlaps(dv, old):
                c.err(
                    line, "valid_from",
                    f"overlaps the bundled value {old.value} ({old.period}, {old.source})",
                    start.isoformat(),
                )  # fmt: skip
                break
        for other_line, other_name, other in parsed:
            if other_name == name and _overlaps(dv, other):
                c.err(line, "valid_from", f"overlaps line {other_line}", start.isoformat())
                break
        parsed.append((line, name, dv))
    if c.errors:
        raise BatchError(c.errors)
    with engine.begin() as conn:
        stored = loaded_values(conn)
        new: list[tuple[int, str, DatedValue[Decimal]]] = []
        present = 0
        for line, name, dv in parsed:
            clash = next((o for o in stored.get(name, []) if _overlaps(dv, o)), None)
            if clash is None:
                new.append((line, name, dv))
            elif (clash.valid_from, clash.valid_to, clash.value) == (
                dv.valid_from, dv.valid_to, dv.value
            ):  # fmt: skip
                present += 1
            else:
                c.err(
                    line, "valid_from",
                    f"overlaps the loaded value {clash.value} ({clash.period}, {clash.source})",
                    dv.valid_from.isoformat(),
                )  # fmt: skip
        if c.errors:
            raise BatchError(c.errors)
        batch_id = inserted_id(conn.execute(
            insert(b).values(
                kind="parameters", file_name=path.name, sha256=digest, rows=len(parsed),
                loaded_by=workspace.current_actor(), loaded_at=workspace.now_utc(),
            )
        ))  # fmt: skip
        if new:
            conn.execute(
                insert(t.parameter_values),
                [
                    {
                        "batch_id": batch_id, "line": line, "name": name,
                        "valid_from": dv.valid_from, "valid_to": dv.valid_to,
                        "value": str(dv.value), "source": dv.source,
                        "confidence": dv.confidence, "note": dv.note,
                    }
                    for line, name, dv in new
                ],
            )  # fmt: skip
        workspace.audit(
            conn,
            "rates.load.parameters",
            {"file": path.name, "sha256": digest, "batch": batch_id, "rows": len(new)},
        )
    message = f"{path.name}: {len(new)} parameter value(s) loaded"
    if present:
        message += f", {present} already present"
    warnings = tuple(
        f"{path.name}:{line}: {name} {dv.period} has confidence {dv.confidence} (not read in "
        "the official text): a person should confirm it"
        for line, name, dv in new
        if dv.confidence != "H"
    )
    return LoadResult(
        "parameters", path.name, digest, batch_id, len(parsed), len(new), present, False,
        message, warnings,
    )  # fmt: skip
