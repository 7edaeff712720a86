"""Newer FIX and INPC points loaded into the workspace (``immex rates load fix|inpc FILE``).

The bundled series end where their sources end (``immex refdata info``); a user keeps
computing after that by loading the points Banxico and INEGI publish, in their own download
layouts or in immex's: FIX ``fecha,tipo_cambio`` (Banxico) or ``determined_on,rate``; INPC
``year,month,…,valor`` (INEGI) or ``month,index`` (``YYYY-MM``). Loading is all-or-nothing
like the other rate files (errors as ``file:line: column: message``); a point that
contradicts the bundled series or an earlier load is an error; identical points are counted
as already present. Every computation that reads the series (duties, F4 plan, 63-A, reports,
``immex fx``, ``immex inpc factor``) sees the bundled series extended by these points, and its
source names the files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, inspect, select

from immex.domain.errors import BatchError, InvalidInput, NotFound
from immex.domain.series import FxSeries, InpcSeries, Month
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

SERIES = ("fix", "inpc")
#: accepted header layouts: (date/month columns…, value column)
LAYOUTS = {
    "fix": (("fecha", "tipo_cambio"), ("determined_on", "rate")),
    "inpc": (("year", "month", "valor"), ("month", "index")),
}
#: a point that moves this much from the previous one is probably a typo: warned, not refused
JUMP_WARNING = Decimal("0.10")


@dataclass(frozen=True, slots=True)
class LoadedPoints:
    """The workspace's loaded points and the files they came from."""

    fix: dict[date, Decimal]
    inpc: dict[Month, Decimal]
    files: tuple[str, ...]

    @property
    def source(self) -> str:
        return "workspace: " + ", ".join(self.files) if self.files else ""


NO_POINTS = LoadedPoints({}, {}, ())


def _layout(kind: str, header: list[str], name: str) -> tuple[str, ...]:
    for layout in LAYOUTS[kind]:
        if all(col in header for col in layout):
            return layout
    expected = " or ".join(",".join(cols) for cols in LAYOUTS[kind])
    raise InvalidInput(f"{name}: the header must name the columns {expected}", field="header")


def _value(c: _Checker, line: int, text: str, column: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        c.err(line, column, "not a number", text)
        return None
    if not value.is_finite() or value <= 0:
        c.err(line, column, "must be a positive number", text)
        return None
    return value


def parse_series_file(kind: str, path: Path) -> tuple[list[tuple[int, date, str]], list[str]]:
    """Every point of the file as (line, day, exact value text) — or BatchError with all
    problems. For the INPC the day is the first of the month."""
    if kind not in SERIES:
        raise InvalidInput(f"series must be one of {', '.join(SERIES)}, not {kind!r}")
    header, rows = read_table(path)
    if not rows:
        raise InvalidInput(f"{path.name}: no data rows", field="file")
    layout = _layout(kind, header, path.name)
    c = _Checker(path.name)
    out: list[tuple[int, date, str]] = []
    seen: dict[date, int] = {}
    for line, row in rows:
        day: date | None = None
        if kind == "fix":
            day = c.day(line, row, layout[0], required=True)
            if day is not None and day.weekday() >= 5:
                c.err(
                    line,
                    layout[0],
                    "a FIX is determined on banking days, not weekends",
                    row[layout[0]],
                )
                day = None
        elif layout[0] == "year":
            try:
                day = date(int(row["year"]), int(row["month"]), 1)
            except ValueError:
                c.err(line, "month", "not a year and month", f"{row['year']}-{row['month']}")
        else:
            try:
                y, m = row["month"].split("-")
                day = date(int(y), int(m), 1)
            except ValueError:
                c.err(line, "month", "not a month (expected YYYY-MM)", row["month"])
        value = _value(c, line, row.get(layout[-1], ""), layout[-1])
        if day is None or value is None:
            continue
        if day in seen:
            c.err(line, layout[0], f"repeats the point of line {seen[day]}", day.isoformat())
            continue
        seen[day] = line
        out.append((line, day, row[layout[-1]].replace(",", "")))
    if c.errors:
        raise BatchError(c.errors)
    warnings = []
    ordered = sorted(out, key=lambda p: p[1])
    for (_, _, a), (line, day, b) in zip(ordered, ordered[1:], strict=False):
        if abs(Decimal(b) / Decimal(a) - 1) > JUMP_WARNING:
            warnings.append(
                f"{path.name}:{line}: {day.isoformat()} {b} moves more than "
                f"{JUMP_WARNING:.0%} from the previous point ({a}): check it"
            )
    return out, warnings


def _has_table(conn: Connection) -> bool:
    return inspect(conn).has_table(t.series_points.name)


def loaded_points(conn: Connection) -> LoadedPoints:
    """The points loaded into this workspace (none when it predates migration 0005)."""
    if not _has_table(conn):
        return NO_POINTS
    sp, b = t.series_points, t.rate_load_batches
    fix: dict[date, Decimal] = {}
    inpc: dict[Month, Decimal] = {}
    files: dict[str, None] = {}
    rows = conn.execute(
        select(sp.c.series, sp.c.day, sp.c.value, b.c.file_name).join(b, b.c.id == sp.c.batch_id)
    )
    for series, day, value, name in rows:
        if series == "fix":
            fix[day] = Decimal(value)
        else:
            inpc[(day.year, day.month)] = Decimal(value)
        files[name] = None
    return LoadedPoints(fix, inpc, tuple(files))


def extend(fx: FxSeries, inpc: InpcSeries, points: LoadedPoints) -> tuple[FxSeries, InpcSeries]:
    """The bundled series extended by the workspace's points."""
    if not points.files:
        return fx, inpc
    return fx.extended(points.fix, points.source), inpc.extended(points.inpc, points.source)


def series_from_engine(engine: Engine | None) -> tuple[FxSeries, InpcSeries]:
    """FIX and INPC as a computation on this workspace sees them (bundled + loaded)."""
    from immex.refdata.bundled import load_fx, load_inpc

    if engine is None:
        return load_fx(), load_inpc()
    with engine.connect() as conn:
        points = loaded_points(conn)
    return extend(load_fx(), load_inpc(), points)


def workspace_series(db: str | None) -> tuple[FxSeries, InpcSeries]:
    """The series of the workspace ``--db`` / ``$IMMEX_DB`` / ``./immex.db`` (bundled only
    when there is none), as ``immex rate`` finds its workspace."""
    from immex.services.rates.loading import find_workspace

    engine = find_workspace(db)
    try:
        return series_from_engine(engine)
    finally:
        if engine is not None:
            engine.dispose()


def load_series(engine: Engine, kind: str, path: Path) -> LoadResult:
    """Load a FIX or INPC file into the workspace, all-or-nothing."""
    from immex.refdata.bundled import load_fx, load_inpc

    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path}: no such file", field="file")
    require_rates_tables(engine)
    with engine.connect() as conn:
        if not _has_table(conn):
            raise InvalidInput(
                "this workspace predates loaded series; run `immex init` (it upgrades the "
                "workspace) and try again"
            )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    b, sp = t.rate_load_batches, t.series_points
    prior = already_loaded(engine, kind, path, digest)
    if prior is not None:
        return prior
    parsed, warnings = parse_series_file(kind, path)
    bundled = load_fx().points() if kind == "fix" else {
        date(y, m, 1): v for (y, m), v in load_inpc().points().items()
    }  # fmt: skip
    with engine.begin() as conn:
        stored = {
            r.day: (Decimal(r.value), r.file_name)
            for r in conn.execute(
                select(sp.c.day, sp.c.value, b.c.file_name)
                .join(b, b.c.id == sp.c.batch_id)
                .where(sp.c.series == kind)
            )
        }
        c = _Checker(path.name)
        column = LAYOUTS[kind][0][0]
        new: list[tuple[int, date, str]] = []
        present = 0
        for line, day, text in parsed:
            value = Decimal(text)
            known = bundled.get(day)
            where = "the bundled series"
            if known is None and day in stored:
                known, where = stored[day][0], stored[day][1]
            if known is None:
                new.append((line, day, text))
            elif known == value:
                present += 1
            else:
                c.err(line, column, f"{value} differs from {known} in {where}", day.isoformat())
        if c.errors:
            raise BatchError(c.errors)
        batch_id = inserted_id(conn.execute(
            insert(b).values(
                kind=kind, file_name=path.name, sha256=digest, rows=len(parsed),
                loaded_by=workspace.current_actor(), loaded_at=workspace.now_utc(),
            )
        ))  # fmt: skip
        if new:
            conn.execute(
                insert(sp),
                [
                    {"batch_id": batch_id, "line": line, "series": kind, "day": day, "value": text}
                    for line, day, text in new
                ],
            )
        workspace.audit(
            conn,
            f"rates.load.{kind}",
            {"file": path.name, "sha256": digest, "batch": batch_id, "rows": len(new)},
        )
    message = f"{path.name}: {len(new)} point(s) loaded"
    if present:
        message += f", {present} already present"
    if new:
        last = max(day for _, day, _ in new)
        shown = f"{last:%Y-%m}" if kind == "inpc" else last.isoformat()
        message += f"; the {kind.upper()} series now reaches {shown}"
    return LoadResult(
        kind, path.name, digest, batch_id, len(parsed), len(new), present, False, message,
        tuple(warnings),
    )  # fmt: skip
