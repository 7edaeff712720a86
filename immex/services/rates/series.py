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

from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from immex.domain.errors import BatchError, InvalidFormat, InvalidInput
from immex.domain.messages import Template
from immex.domain.numbers import ungrouped
from immex.domain.series import FxSeries, InpcSeries, parse_month
from immex.refdata.bundled import load_fx, load_inpc
from immex.services.ledger.field_checks import NOT_A_NUMBER
from immex.services.rates.batches import (
    LoadResult,
    already_loaded,
    file_digest,
    loaded_message,
    record_batch,
    require_rates_tables,
)
from immex.services.rates.rowfile import RowChecker, read_table_notes
from immex.services.rates.workspace_data import (
    NO_POINTS,
    LoadedPoints,
    extend,
    find_workspace,
    loaded_points,
    series_of,
)
from immex.services.workspace.context import Workspace

BAD_HEADER = Template("series.bad_header", "{name}: the header must name the columns {expected}")
BAD_SERIES = Template("series.bad_kind", "series must be one of {items}, not {kind}")
JUMP = Template(
    "series.jump",
    "{name}:{line}: {day} {value} moves more than {jump} from the previous point ({previous}): "
    "check it",
)
NOT_POSITIVE_NUMBER = Template("series.not_positive", "must be a positive number")
FIX_WEEKEND = Template("series.fix_weekend", "a FIX is determined on banking days, not weekends")
NOT_YEAR_MONTH = Template("series.not_year_month", "not a year and month")
NOT_MONTH = Template("series.not_month", "not a month (expected YYYY-MM)")
REPEATS = Template("series.repeats", "repeats the point of line {line}")
BUNDLED_SERIES = Template("series.bundled", "the bundled series")
DIFFERS = Template("series.differs", "{value} differs from {known} in {where}")
NO_ROWS = Template("series.no_rows", "{name}: no data rows")
NOW_REACHES = Template("series.now_reaches", "{message}; the {series} series now reaches {day}")
WOULD_REACH = Template("series.would_reach", "{message}; the {series} series would reach {day}")
OLD_WORKSPACE = Template(
    "series.old_workspace",
    "this workspace predates loaded series; run `immex init` (it upgrades the workspace) and "
    "try again",
)


__all__ = [
    "NO_POINTS",
    "SERIES",
    "LoadedPoints",
    "SeriesKind",
    "extend",
    "load_series",
    "loaded_points",
    "parse_series_file",
    "series_of",
    "workspace_series",
]


class SeriesKind(StrEnum):
    FIX = "fix"
    INPC = "inpc"


SERIES = tuple(k.value for k in SeriesKind)
#: accepted header layouts: (date/month columns…, value column)
LAYOUTS = {
    "fix": (("fecha", "tipo_cambio"), ("determined_on", "rate")),
    "inpc": (("year", "month", "valor"), ("month", "index")),
}
#: a point that moves this much from the previous one is probably a typo: warned, not refused
JUMP_WARNING = Decimal("0.10")


def _layout(kind: str, header: list[str], name: str) -> tuple[str, ...]:
    for layout in LAYOUTS[kind]:
        if all(col in header for col in layout):
            return layout
    expected = " or ".join(",".join(cols) for cols in LAYOUTS[kind])
    raise InvalidInput(BAD_HEADER(name=name, expected=expected), field="header")


def _value(c: RowChecker, line: int, text: str, column: str) -> Decimal | None:
    try:
        value = Decimal(ungrouped(text))
    except InvalidFormat as exc:
        c.err(line, column, exc.message, text)
        return None
    except InvalidOperation:
        c.err(line, column, NOT_A_NUMBER(), text)
        return None
    if not value.is_finite() or value <= 0:
        c.err(line, column, NOT_POSITIVE_NUMBER(), text)
        return None
    return value


def parse_series_file(kind: str, path: Path) -> tuple[list[tuple[int, date, str]], list[str]]:
    """Every point of the file as (line, day, exact value text) — or BatchError with all
    problems. For the INPC the day is the first of the month."""
    if kind not in SERIES:
        raise InvalidInput(BAD_SERIES(items=", ".join(SERIES), kind=repr(kind)))
    header, rows, notes = read_table_notes(path, kind)
    if not rows:
        raise InvalidInput(NO_ROWS(name=path.name), field="file")
    layout = _layout(kind, header, path.name)
    c = RowChecker(path.name)
    out: list[tuple[int, date, str]] = []
    seen: dict[date, int] = {}
    for line, row in rows:
        day: date | None = None
        if kind == "fix":
            day = c.day(line, row, layout[0], required=True)
            if day is not None and day.weekday() >= 5:
                c.err(line, layout[0], FIX_WEEKEND(), row[layout[0]])
                day = None
        elif layout[0] == "year":
            try:
                day = date(int(row["year"]), int(row["month"]), 1)
            except ValueError:
                c.err(line, "month", NOT_YEAR_MONTH(), f"{row['year']}-{row['month']}")
        else:
            try:
                y, m = parse_month(row["month"])
                day = date(y, m, 1)
            except InvalidFormat:
                c.err(line, "month", NOT_MONTH(), row["month"])
        value = _value(c, line, row.get(layout[-1], ""), layout[-1])
        if day is None or value is None:
            continue
        if day in seen:
            c.err(line, layout[0], REPEATS(line=seen[day]), day.isoformat())
            continue
        seen[day] = line
        out.append((line, day, ungrouped(row[layout[-1]])))
    if c.errors:
        raise BatchError(c.errors)
    warnings = list(notes)
    ordered = sorted(out, key=lambda p: p[1])
    for (_, _, a), (line, day, b) in zip(ordered, ordered[1:], strict=False):
        if abs(Decimal(b) / Decimal(a) - 1) > JUMP_WARNING:
            warnings.append(
                JUMP(
                    name=path.name,
                    line=line,
                    day=day.isoformat(),
                    value=b,
                    jump=f"{JUMP_WARNING:.0%}",
                    previous=a,
                )
            )
    return out, warnings


def workspace_series(db: str | None) -> tuple[FxSeries, InpcSeries]:
    """The series of the workspace ``--db`` / ``$IMMEX_DB`` / ``./immex.db`` (bundled only
    when there is none), as ``immex rate`` finds its workspace."""
    ws = find_workspace(db)
    try:
        return series_of(ws)
    finally:
        if ws is not None:
            ws.store.dispose()


def load_series(ws: Workspace, kind: str, path: Path, *, dry_run: bool = False) -> LoadResult:
    """Load a FIX or INPC file into the workspace, all-or-nothing (``dry_run``: check and
    count, write nothing)."""
    path = Path(path)
    digest = file_digest(path)
    with ws.read() as repos:
        require_rates_tables(ws, repos)
        if not repos.series.has_table():
            raise InvalidInput(OLD_WORKSPACE())
        prior = already_loaded(repos, kind, path, digest)
    if prior is not None:
        return prior
    parsed, warnings = parse_series_file(kind, path)
    bundled = load_fx().points() if kind == "fix" else {
        date(y, m, 1): v for (y, m), v in load_inpc().points().items()
    }  # fmt: skip
    with ws.write(dry_run=dry_run) as uow:
        stored = {p.day: (Decimal(p.value), p.file_name) for p in uow.repos.series.points(kind)}
        new, present = _new_points(kind, path.name, parsed, bundled, stored)
        batch_id = record_batch(uow, kind, path, digest, len(parsed), len(new))
        uow.repos.series.add_points(kind, batch_id, new)
    message = loaded_message("points", path.name, len(new), present, dry_run)
    if new:
        last = max(day for _, day, _ in new)
        shown = f"{last:%Y-%m}" if kind == "inpc" else last.isoformat()
        reaches = WOULD_REACH if dry_run else NOW_REACHES
        message = reaches(message=message, series=kind.upper(), day=shown)
    return LoadResult(
        kind, path.name, digest, None if dry_run else batch_id, len(parsed), len(new), present,
        False, message, tuple(warnings), dry_run,
    )  # fmt: skip


def _new_points(
    kind: str,
    name: str,
    parsed: list[tuple[int, date, str]],
    bundled: dict[date, Decimal],
    stored: dict[date, tuple[Decimal, str]],
) -> tuple[list[tuple[int, date, str]], int]:
    """The points not yet known and how many are already present; BatchError on a point
    that contradicts the bundled series or an earlier load."""
    c = RowChecker(name)
    column = LAYOUTS[kind][0][0]
    new: list[tuple[int, date, str]] = []
    present = 0
    for line, day, text in parsed:
        value = Decimal(text)
        known = bundled.get(day)
        where: str = BUNDLED_SERIES()
        if known is None and day in stored:
            known, where = stored[day][0], stored[day][1]
        if known is None:
            new.append((line, day, text))
        elif known == value:
            present += 1
        else:
            c.err(line, column, DIFFERS(value=value, known=known, where=where), day.isoformat())
    if c.errors:
        raise BatchError(c.errors)
    return new, present
