"""What a workspace adds to the bundled data: its rate rows, FIX/INPC points and parameter
values (``immex rates load …``), read once into a :class:`WorkspaceData`.

``immex rate`` and ``immex duty`` work without a workspace too (bundled data only):
:func:`find_workspace` gives the workspace of ``--db`` / ``$IMMEX_DB`` / ``./immex.db`` or
None, and :func:`workspace_data` of None is the bundled data alone, with a note saying so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from immex.domain.dated import DatedValue, Parameter
from immex.domain.messages import Template
from immex.domain.rates import AmendmentRow, FtaRow, ProsecRow, RateBook
from immex.domain.series import FxSeries, InpcSeries, Month
from immex.refdata.bundled import load_fx, load_inpc
from immex.services.rates.batches import require_rates_tables
from immex.services.rates.sectors import sector_codes
from immex.services.workspace.companies import open_workspace
from immex.services.workspace.context import Workspace
from immex.store.database import DEFAULT_DB_FILE, StoreError, resolve_url
from immex.store.unit import Repositories

#: parameter values loaded into a workspace, by parameter name
LoadedValues = dict[str, list[DatedValue[Decimal]]]

NO_WORKSPACE_NOTE = Template(
    "rates.no_workspace",
    "no workspace found (--db, $IMMEX_DB or ./immex.db): only bundled data was used — no "
    "PROSEC lists, agreement schedules or LIGIE amendments; load them with `immex rates load`",
)()


@dataclass(frozen=True, slots=True)
class LoadedPoints:
    """The workspace's loaded FIX/INPC points and the files they came from."""

    fix: dict[date, Decimal]
    inpc: dict[Month, Decimal]
    files: tuple[str, ...]

    @property
    def source(self) -> str:
        return "workspace: " + ", ".join(self.files) if self.files else ""


NO_POINTS = LoadedPoints({}, {}, ())


@dataclass(frozen=True, slots=True)
class WorkspaceData:
    book: RateBook
    url: str | None  # None = no workspace used
    sectors: tuple[str, ...]
    points: LoadedPoints | None = None  # FIX/INPC points loaded into the workspace
    parameters: dict[str, list[Any]] | None = None  # parameter values loaded (by name)


def bundled_data() -> WorkspaceData:
    """The bundled data alone (no workspace)."""
    book = RateBook(data_notes=(NO_WORKSPACE_NOTE,), sector_order=sector_codes())
    return WorkspaceData(book, None, sector_codes())


# --------------------------------------------------------------------------- finding it


def find_workspace(db: str | None) -> Workspace | None:
    """The workspace to read rate rows from: ``--db``, else ``$IMMEX_DB``, else ``./immex.db``.

    An explicit ``--db`` must be an initialised workspace; otherwise a missing default
    workspace simply means "bundled data only" (None).
    """
    if db:
        return open_workspace(db)
    env = os.environ.get("IMMEX_DB")
    if env:
        url = resolve_url(env)
        if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
            return None
        return open_workspace(env)
    if Path(DEFAULT_DB_FILE).is_file():
        try:
            return open_workspace(DEFAULT_DB_FILE)
        except StoreError:  # a file of that name that is no workspace: bundled data only
            return None
    return None


@contextmanager
def optional_workspace(db: str | None) -> Iterator[Workspace | None]:
    """:func:`find_workspace` for one command or request; its connections closed after."""
    ws = find_workspace(db)
    try:
        yield ws
    finally:
        if ws is not None:
            ws.store.dispose()


# --------------------------------------------------------------------------- reading it


def loaded_points(repos: Repositories) -> LoadedPoints:
    """The points loaded into this workspace (none when it predates migration 0005)."""
    if not repos.series.has_table():
        return NO_POINTS
    fix: dict[date, Decimal] = {}
    inpc: dict[Month, Decimal] = {}
    files: dict[str, None] = {}
    for p in repos.series.points():
        if p.series == "fix":
            fix[p.day] = Decimal(p.value)
        else:
            inpc[(p.day.year, p.day.month)] = Decimal(p.value)
        files[p.file_name] = None
    return LoadedPoints(fix, inpc, tuple(files))


WORKSPACE_RATES = Template(
    "note.workspace_rates", "rate data from the workspace: {prosec}, {fta}, {amendments}"
)
WORKSPACE_RATES_FILES = Template(
    "note.workspace_rates_files",
    "rate data from the workspace: {prosec}, {fta}, {amendments} — files: {files}",
)
#: the counts of the workspace's rate data, each in the form its number takes
N_PROSEC = Template("note.n_prosec_rows", "{n} PROSEC row", "{n} PROSEC rows")
N_FTA = Template("note.n_fta_rows", "{n} agreement row", "{n} agreement rows")
N_AMENDMENTS = Template("note.n_amendments", "{n} LIGIE amendment", "{n} LIGIE amendments")


def workspace_data(ws: Workspace | None) -> WorkspaceData:
    """Everything the workspace adds (None: the bundled data alone)."""
    if ws is None:
        return bundled_data()
    with ws.read() as repos:
        require_rates_tables(ws, repos)
        points = loaded_points(repos)
        parameters = repos.parameters.values()
        prosec = [r for r, _ in repos.rates.rows("prosec") if isinstance(r, ProsecRow)]
        fta = [r for r, _ in repos.rates.rows("fta") if isinstance(r, FtaRow)]
        amendments = [r for r, _ in repos.rates.rows("amendments") if isinstance(r, AmendmentRow)]
        batches = repos.rates.batches()
        stored_sectors = repos.rates.sector_codes()
    url = ws.store.display_url
    files = "; ".join(f"{x.kind} {x.file_name} ({x.loaded_at:%Y-%m-%d})" for x in batches)
    note = (WORKSPACE_RATES_FILES if files else WORKSPACE_RATES)(
        prosec=N_PROSEC(n=len(prosec)),
        fta=N_FTA(n=len(fta)),
        amendments=N_AMENDMENTS(n=len(amendments)),
        files=files,
    )
    order = sector_codes()
    sectors = tuple(order) + tuple(sorted(stored_sectors - set(order)))
    book = RateBook(prosec, fta, amendments, (note,), sectors)
    return WorkspaceData(book, url, sectors, points, dict(parameters))


# --------------------------------------------------------------------------- bundled + loaded


def extend(fx: FxSeries, inpc: InpcSeries, points: LoadedPoints) -> tuple[FxSeries, InpcSeries]:
    """The bundled series extended by the workspace's points."""
    if not points.files:
        return fx, inpc
    return fx.extended(points.fix, points.source), inpc.extended(points.inpc, points.source)


def merged(bundled: dict[str, Parameter[Any]], loaded: LoadedValues) -> dict[str, Parameter[Any]]:
    """The bundled parameters with the workspace's values added to their records."""
    if not loaded:
        return bundled
    out = dict(bundled)
    for name, values in loaded.items():
        p = bundled[name]
        out[name] = Parameter.of(p.name, p.description, p.unit, [*p.values, *values])
    return out


def series_of(ws: Workspace | None) -> tuple[FxSeries, InpcSeries]:
    """FIX and INPC as a computation on this workspace sees them (bundled + loaded)."""
    if ws is None:
        return load_fx(), load_inpc()
    with ws.read() as repos:
        points = loaded_points(repos)
    return extend(load_fx(), load_inpc(), points)
