"""``immex refdata status``: what is stale, and how to refresh it.

For every source a result may rest on — the LIGIE (bundled, and the amendments and official
workbooks loaded), Banxico's FIX, INEGI's INPC, the dated legal parameters by year, the
PROSEC rows, the agreement schedules, the IMMEX annexes — its last date, whether it covers
the day asked about, and the command and official file that would refresh it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from immex.domain.duties import DUTY_PARAMETERS
from immex.domain.immex_annex import Annex
from immex.domain.messages import Template, joined
from immex.domain.rates import AmendmentRow
from immex.domain.rule_cite import confidence_msg
from immex.domain.series import month_str
from immex.refdata.bundled import load_fx, load_inpc, load_parameters
from immex.refdata.tariff_data import REFORM_WARNINGS, load_tariff_book
from immex.services.rates.annex_load import REFRESH_COMMAND as ANNEX_REFRESH
from immex.services.rates.annex_load import AnnexData, annex_data
from immex.services.rates.workspace_data import WorkspaceData, extend, workspace_data
from immex.services.workspace.context import Workspace

SRC_ANNEX = Template("status.src.annex", "IMMEX Annex {annex}")


NO_REFORM = Template("status.no_reform", "no known reform after the bundled text")
AMENDED = Template(
    "status.ligie_amended",
    "bundled text as of {day}; {n} amendment loaded, in force from {latest}",
    "bundled text as of {day}; {n} amendments loaded, latest in force from {latest}",
)
SRC_LIGIE = Template("status.src.ligie", "LIGIE tariff")
FILE_LIGIE = Template(
    "status.file.ligie",
    "SE tariff workbook (SNICE): FRACCIONESARANCELARIAS_<fecha>.XLSX or "
    "BASEUNICA-LIGIE_<aaaammdd>.xlsb",
)
SRC_AMENDMENTS = Template("status.src.amendments", "LIGIE amendments (workspace)")
N_LOADED = Template("status.n_loaded", "{n} loaded", "{n} loaded")
NONE_LOADED = Template("status.none_loaded", "none loaded")
FILE_AMENDMENTS = Template(
    "status.file.amendments",
    "the DOF decree amending the LIGIE (the file's columns: fraccion, rate, valid_from, source)",
)
FX_TAKES = Template(
    "status.fx_takes",
    "a pedimento of {day} takes the FIX determined on {determined} (published the next banking "
    "day, CFF 20)",
)
FX_SHORT = Template(
    "status.fx_short",
    "a pedimento of {day} takes the FIX determined on {determined} (published the next banking "
    "day, CFF 20); the series ends {days} day before",
    "a pedimento of {day} takes the FIX determined on {determined} (published the next banking "
    "day, CFF 20); the series ends {days} days before",
    count="days",
)
FILE_FIX = Template("status.file.fix", "Banxico SIE, series SF43718 (FIX), CSV download")
INPC_READS = Template(
    "status.inpc_reads",
    "an update (CFF 17-A) in {month} reads the INPC of {needed}; INEGI publishes a month's "
    "index early the next month (until then CFF 17-A takes the last published one)",
)
FILE_INPC = Template(
    "status.file.inpc",
    "INEGI BIE, Índice Nacional de Precios al Consumidor, índice general, CSV download",
)
PARAM_VALUE = Template("status.param_value", "{value} ({source}; confidence {confidence})")
NO_VALUE = Template("status.no_value", "no value in force on {day}")
OPEN = Template("status.open", "open")
#: a source whose last value has no end date (the "last" column of the status)
OPEN_ENDED = Template("status.open_ended", "no end date")
SRC_PARAM = Template("status.src.param", "parameter {name}")
FILE_PARAM = Template(
    "status.file.param",
    "the law or rule that sets it for the year (e.g. RMF Annex 19 for the DTA fixed fee, the "
    "Ley de Ingresos for the surcharge rate), as a CSV row with its citation",
)
SRC_PROSEC = Template("status.src.prosec", "PROSEC lists (workspace)")
PROSEC_ROWS = Template("status.prosec_rows", "{rows} in {sectors}")
#: the counts of the sources' details, each in the form its number takes
N_ROWS = Template("status.n_rows", "{n} row", "{n} rows")
N_SECTORS = Template("status.n_sectors", "{n} sector", "{n} sectors")
N_BUNDLED = Template("status.n_bundled", "{n} bundled row", "{n} bundled rows")
N_LOADED_FILES = Template("status.n_loaded_files", "{n} loaded from files", "{n} loaded from files")
PROSEC_NONE = Template("status.prosec_none", "none loaded: PROSEC rates are not applied")
FILE_PROSEC = Template(
    "status.file.prosec",
    "the DOF decree with the sector's art. 5 list (e.g. DOF 23-04-2026)",
)
SRC_FTA = Template("status.src.fta", "Trade-agreement preferences (workspace)")
FTA_ROWS = Template(
    "status.fta_rows",
    "{rows} row",
    "{rows} rows",
    count="rows",
)
FTA_NONE = Template("status.fta_none", "none loaded: no preference is applied")
FILE_FTA = Template("status.file.fta", "the agreement's tariff schedule (e.g. T-MEC annex 2-B)")


class Currency(enum.StrEnum):
    CURRENT = "current"  # covers the day
    STALE = "stale"  # ends before the day, or a known change is not in it
    MISSING = "missing"  # nothing loaded (the product has no offline copy)


@dataclass(frozen=True, slots=True)
class SourceStatus:
    source: str
    last: str  # last date (or month) the data covers; "" when none
    status: Currency
    detail: str
    refresh_command: str
    official_file: str


def _previous_weekday(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _ligie(data: WorkspaceData, today: date) -> list[SourceStatus]:
    book = load_tariff_book()
    amendments = list(data.book.amendments)
    latest = max((a.valid_from for a in amendments), default=None)
    gaps = [warning for warning, start in REFORM_WARNINGS if start <= today]
    covered = latest is not None and all(
        latest >= start for _w, start in REFORM_WARNINGS if start <= today
    )
    if not gaps:
        status, detail = Currency.CURRENT, NO_REFORM()
    elif covered:
        status = Currency.CURRENT
        detail = AMENDED(day=book.coverage.as_of, n=len(amendments), latest=latest)
    else:
        status = Currency.STALE
        detail = joined(gaps)
    rows = [
        SourceStatus(
            SRC_LIGIE(), book.coverage.as_of, status, detail,
            "immex rates load tariff FILE --in-force-from DATE --source TEXT",
            FILE_LIGIE(),
        ),
    ]  # fmt: skip
    rows.append(_amendments(amendments, latest))
    return rows


def _amendments(amendments: list[AmendmentRow], latest: date | None) -> SourceStatus:
    return SourceStatus(
        SRC_AMENDMENTS(),
        latest.isoformat() if latest else "",
        Currency.CURRENT if amendments else Currency.MISSING,
        N_LOADED(n=len(amendments)) if amendments else NONE_LOADED(),
        "immex rates load amendments FILE",
        FILE_AMENDMENTS(),
    )


def _series(data: WorkspaceData, today: date) -> list[SourceStatus]:
    fx, inpc = load_fx(), load_inpc()
    if data.points is not None:
        fx, inpc = extend(fx, inpc, data.points)
    needed_fx = _previous_weekday(today)
    fx_ok = fx.last >= needed_fx
    last_month = inpc.last_month
    needed_month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    inpc_ok = last_month >= needed_month
    return [
        SourceStatus(
            "FIX USD/MXN (Banxico)", fx.last.isoformat(),
            Currency.CURRENT if fx_ok else Currency.STALE,
            FX_TAKES(day=today.isoformat(), determined=needed_fx.isoformat()) if fx_ok
            else FX_SHORT(day=today.isoformat(), determined=needed_fx.isoformat(),
                          days=(needed_fx - fx.last).days),
            "immex rates load fix FILE",
            FILE_FIX(),
        ),
        SourceStatus(
            "INPC (INEGI)", month_str(last_month),
            Currency.CURRENT if inpc_ok else Currency.STALE,
            INPC_READS(month=f"{today:%Y-%m}", needed=month_str(needed_month)),
            "immex rates load inpc FILE",
            FILE_INPC(),
        ),
    ]  # fmt: skip


def _parameters(data: WorkspaceData, today: date) -> list[SourceStatus]:
    bundled = load_parameters()
    loaded = data.parameters or {}
    out = []
    for name in DUTY_PARAMETERS:
        p = bundled.get(name)
        values = [*(p.values if p else ()), *loaded.get(name, [])]
        last = max((v.valid_to or date.max for v in values), default=None)
        covering = [v for v in values if v.covers(today)]
        if covering:
            v = covering[-1]
            status, detail = (
                Currency.CURRENT,
                PARAM_VALUE(
                    value=v.value, source=v.source, confidence=confidence_msg(v.confidence)
                ),
            )
        else:
            status = Currency.STALE if values else Currency.MISSING
            detail = NO_VALUE(day=today.isoformat())
        last_text = OPEN_ENDED() if last == date.max else (last.isoformat() if last else "")
        out.append(SourceStatus(
            SRC_PARAM(name=name), last_text, status, detail,
            "immex rates load parameters FILE",
            FILE_PARAM(),
        ))  # fmt: skip
    return out


def _lists(data: WorkspaceData) -> list[SourceStatus]:
    prosec, fta = list(data.book.prosec), list(data.book.fta)
    p_last = max((r.valid_from for r in prosec), default=None)
    f_last = max((r.valid_from for r in fta), default=None)
    return [
        SourceStatus(
            SRC_PROSEC(), p_last.isoformat() if p_last else "",
            Currency.CURRENT if prosec else Currency.MISSING,
            PROSEC_ROWS(rows=N_ROWS(n=len(prosec)),
                        sectors=N_SECTORS(n=len({r.sector for r in prosec})))
            if prosec else PROSEC_NONE(),
            "immex rates load prosec FILE",
            FILE_PROSEC(),
        ),
        SourceStatus(
            SRC_FTA(), f_last.isoformat() if f_last else "",
            Currency.CURRENT if fta else Currency.MISSING,
            FTA_ROWS(rows=len(fta)) if fta else FTA_NONE(),
            "immex rates load fta FILE",
            FILE_FTA(),
        ),
    ]  # fmt: skip


ANNEX_ROWS = Template(
    "status.annex_rows",
    "{bundled} ({bundled_from}) and {loaded}{files}; temporary imports of these goods are "
    "flagged (RULES I-5, I-10)",
)
ANNEX_NONE = Template(
    "status.annex_none",
    "none bundled (immex's reference data has no list of Annex {annex} goods) and none loaded: "
    "temporary imports are not checked against Annex {annex}",
)
ANNEX_FILE = Template(
    "status.annex_file",
    "the IMMEX Decree annexes as amended in the DOF (Annex I last amended DOF 19-12-2024 and "
    "DOF 28-08-2025), as a table; the file's columns: fraccion, annex, valid_from, valid_to, "
    "source, confidence",
)
ANNEX_LOADED_ONLY = Template(
    "status.annex_loaded_only",
    "none bundled; {loaded} loaded from files{files}; temporary imports of these goods are "
    "flagged (RULES I-5)",
    "none bundled; {loaded} loaded from files{files}; temporary imports of these goods are "
    "flagged (RULES I-5)",
    count="loaded",
)
BUNDLED_FROM = Template(
    "status.annex_bundled_from", "RULES I-10, confidence M, in force from {dates}"
)


def _annexes(data: AnnexData) -> list[SourceStatus]:
    """Annex I and Annex II: the rows bundled (RULES I-10) and loaded, their latest date."""
    out = []
    for annex in Annex:
        bundled = [r for r in data.bundled if r.annex is annex]
        loaded = [r for r in data.loaded if r.annex is annex]
        last = max((r.valid_from for r in (*bundled, *loaded)), default=None)
        files = f" ({', '.join(data.files)})" if loaded and data.files else ""
        if last is None:
            detail = ANNEX_NONE(annex=annex.value)
        elif not bundled:
            detail = ANNEX_LOADED_ONLY(loaded=len(loaded), files=files)
        else:
            dates = ", ".join(sorted({r.valid_from.isoformat() for r in bundled}))
            detail = ANNEX_ROWS(bundled=N_BUNDLED(n=len(bundled)),
                                loaded=N_LOADED_FILES(n=len(loaded)),
                                bundled_from=BUNDLED_FROM(dates=dates), files=files)  # fmt: skip
        out.append(SourceStatus(
            SRC_ANNEX(annex=annex.value), last.isoformat() if last else "",
            Currency.CURRENT if last else Currency.MISSING, detail, ANNEX_REFRESH, ANNEX_FILE(),
        ))  # fmt: skip
    return out


def status(ws: Workspace | None, as_of: date) -> list[SourceStatus]:
    """Every source's currency on ``as_of`` (the workspace's loaded data included)."""
    data = workspace_data(ws)
    return [*_ligie(data, as_of), *_series(data, as_of), *_parameters(data, as_of),
            *_lists(data), *_annexes(annex_data(ws))]  # fmt: skip


def status_dict(rows: list[SourceStatus], as_of: date, workspace: str | None) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "workspace": workspace,
        "stale": sum(1 for r in rows if r.status is Currency.STALE),
        "missing": sum(1 for r in rows if r.status is Currency.MISSING),
        "sources": [
            {
                "source": r.source,
                "last": r.last,
                "status": r.status.value,
                "detail": r.detail,
                "refresh_command": r.refresh_command,
                "official_file": r.official_file,
            }
            for r in rows
        ],  # fmt: skip
    }
