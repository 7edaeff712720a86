"""Rates use cases: load PROSEC lists, agreement schedules and LIGIE amendments; the best rate.

Loading (``immex rates load prosec|fta|amendments FILE``): CSV (UTF-8) or XLSX (first
sheet), header on line 1. All-or-nothing: every problem of the whole file is collected as
``file:line: column: message`` and nothing is written unless the file is clean. Loading a
file whose SHA-256 was already loaded (same kind) writes nothing and says so; a row equal
to one already stored (same key, same values) is skipped; a row with the key of a stored
row but other values is an error naming the earlier file.

Layouts (column names as in ``../shared/data/prosec/prosec_dof_2026-04-23_excerpt.csv``):

- prosec: ``sector, sector_name, fraccion, arancel, vigencia_desde, acotacion, fuente``
  [+ ``vigencia_hasta``]
- fta: ``agreement, origin_countries, fraccion, rate, valid_from, valid_to, source``
- amendments: ``fraccion, rate, valid_from, valid_to, source``
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, insert, inspect, select

from immex.domain.codes import normalize_fraccion, parse_tariff_code
from immex.domain.errors import (
    BatchError,
    DataCoverageError,
    ErrorRecord,
    ImmexError,
    InvalidFormat,
    InvalidInput,
    NotFound,
)
from immex.domain.rates import (
    AmendmentRow,
    FtaRow,
    MfnLookup,
    ProsecRow,
    RateBook,
    RateDecision,
    RateOption,
    RateQuery,
    Regla8Authorization,
    normalize_iso3,
    parse_rate_text,
)
from immex.domain.tariff import PublishedRate, RateAt
from immex.services.workspace import companies as workspace
from immex.store.database import (
    DEFAULT_DB_FILE,
    StoreError,
    inserted_id,
    is_initialised,
    make_engine,
    resolve_url,
)
from immex.store.tables import rates as t

if TYPE_CHECKING:
    from immex.services.rates.series import LoadedPoints

KINDS = ("prosec", "fta", "amendments")
SECTORS_CSV = Path(__file__).resolve().parents[2] / "refdata" / "sources" / "prosec_sectors.csv"
_ROMAN = re.compile(r"^[IVXL]+$")

LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    "prosec": (
        ("sector", "sector_name", "fraccion", "arancel", "vigencia_desde", "acotacion", "fuente"),
        ("vigencia_hasta",),
    ),
    "fta": (
        ("agreement", "origin_countries", "fraccion", "rate", "valid_from", "source"),
        ("valid_to",),
    ),
    "amendments": (("fraccion", "rate", "valid_from", "source"), ("valid_to",)),
}


# --------------------------------------------------------------------------- sector catalog


@dataclass(frozen=True, slots=True)
class Sector:
    code: str
    name: str
    source: str
    confidence: str
    note: str = ""


@lru_cache(maxsize=1)
def sector_catalog() -> tuple[Sector, ...]:
    """The PROSEC sector catalog (Decree art. 3), bundled with a citation per row."""
    with SECTORS_CSV.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Sector(r["code"], r["name"], r["source"], r["confidence"], r["note"])
            for r in csv.DictReader(fh)
        )


def sector_codes() -> tuple[str, ...]:
    return tuple(s.code for s in sector_catalog())


def normalize_sector(text: str, known: Iterable[str] | None = None) -> str:
    code = str(text).strip().upper()
    if not _ROMAN.match(code):
        raise InvalidFormat(
            f"not a PROSEC sector: {text!r}; expected a Roman numeral I … XXIII (Decree art. 3)",
            field="prosec",
        )
    allowed = set(sector_codes() if known is None else known)
    if code not in allowed:
        raise InvalidInput(
            f"unknown PROSEC sector {code!r}; the catalog has {', '.join(sector_codes())} "
            "(sources disagree on 23 vs 24 sectors; load a list naming the sector first)",
            field="prosec",
        )
    return code


# --------------------------------------------------------------------------- reading files


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and ``(line, {column: text})`` rows of a CSV or XLSX file (values as text)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix not in (".csv", ".txt"):
        raise InvalidFormat(f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidFormat(f"{path.name}: not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    out = []
    for i, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        out.append((i, {h: (raw[j].strip() if j < len(raw) else "") for j, h in enumerate(header)}))
    return header, out


def _cell(value: Any, number_format: str = "") -> str:
    """A cell as the text a person sees: a number formatted as a percentage (``5%``, stored
    as 0.05) is the percentage ``5``, as rates are written in the CSV layouts."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        percent = Decimal(repr(value)) * 100
        return format(percent.normalize(), "f") if percent else "0"
    if isinstance(value, float):
        return repr(value)[:-2] if value.is_integer() else repr(value)
    return str(value).strip()


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a bad file
        raise InvalidFormat(f"{path.name}: not a readable XLSX file ({exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = [
            [_cell(c.value, getattr(c, "number_format", "") or "") for c in row]
            for row in ws.iter_rows()
        ]
    finally:
        wb.close()
    if not rows:
        return [], []
    header = [h.lower() for h in rows[0]]
    out = []
    for i, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        out.append((i, {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(header)}))
    return header, out


# --------------------------------------------------------------------------- row checks


@dataclass
class _Checker:
    file: str
    errors: list[ErrorRecord] = field(default_factory=list)

    def err(self, line: int, column: str, message: str, value: str | None = None) -> None:
        self.errors.append(ErrorRecord(self.file, line, column, message, value))

    def day(self, line: int, row: dict[str, str], column: str, required: bool) -> date | None:
        text = row.get(column, "")
        if not text:
            if required:
                self.err(line, column, "missing date (expected YYYY-MM-DD)")
            return None
        try:
            return date.fromisoformat(text[:10] if len(text) > 10 and "T" in text else text)
        except ValueError:
            self.err(line, column, "not a date (expected YYYY-MM-DD)", text)
            return None

    def fraccion(self, line: int, row: dict[str, str], column: str = "fraccion") -> str | None:
        try:
            return normalize_fraccion(row.get(column, ""))
        except InvalidFormat as exc:
            self.err(line, column, exc.message)
            return None

    def rate(
        self, line: int, row: dict[str, str], column: str, ad_valorem: bool
    ) -> PublishedRate | None:
        text = row.get(column, "")
        try:
            rate = parse_rate_text(text)
        except InvalidFormat as exc:
            self.err(line, column, exc.message, text)
            return None
        if ad_valorem and rate.percent is None:
            self.err(line, column, "expected Ex. or an ad-valorem percentage such as 5", text)
            return None
        return rate

    def text(self, line: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "")
        if not value:
            self.err(line, column, "missing value")
        return value

    def period(self, line: int, start: date | None, end: date | None, column: str) -> None:
        if start and end and end < start:
            self.err(line, column, f"ends before it starts ({start.isoformat()})", end.isoformat())


def _parse_prosec(c: _Checker, line: int, row: dict[str, str]) -> ProsecRow | None:
    sector = row.get("sector", "").strip().upper()
    if not _ROMAN.match(sector):
        c.err(line, "sector", "expected a Roman numeral (I … XXIII)", row.get("sector"))
    name = c.text(line, row, "sector_name")
    fraccion = c.fraccion(line, row)
    rate = c.rate(line, row, "arancel", ad_valorem=True)
    start = c.day(line, row, "vigencia_desde", required=True)
    end = c.day(line, row, "vigencia_hasta", required=False)
    c.period(line, start, end, "vigencia_hasta")
    source = c.text(line, row, "fuente")
    if not (fraccion and rate and start and _ROMAN.match(sector)):
        return None
    return ProsecRow(sector, name, fraccion, rate, start, end, row.get("acotacion", ""), source)


def _parse_fta(c: _Checker, line: int, row: dict[str, str]) -> FtaRow | None:
    agreement = c.text(line, row, "agreement").upper()
    countries: list[str] = []
    for part in re.split(r"[,;|\s]+", row.get("origin_countries", "")):
        if not part:
            continue
        try:
            countries.append(normalize_iso3(part))
        except InvalidFormat:
            c.err(line, "origin_countries", "not an ISO-3 country code", part)
    if not countries and row.get("origin_countries", "") == "":
        c.err(line, "origin_countries", "missing (ISO-3 codes separated by commas)")
    unknown = [x for x in countries if not _is_country(x)]
    for x in unknown:
        c.err(line, "origin_countries", "unknown country code (SAT/ISO-3 catalog)", x)
    fraccion = c.fraccion(line, row)
    rate = c.rate(line, row, "rate", ad_valorem=True)
    start = c.day(line, row, "valid_from", required=True)
    end = c.day(line, row, "valid_to", required=False)
    c.period(line, start, end, "valid_to")
    source = c.text(line, row, "source")
    if not (agreement and countries and not unknown and fraccion and rate and start):
        return None
    return FtaRow(agreement, tuple(sorted(set(countries))), fraccion, rate, start, end, source)


def _parse_amendment(c: _Checker, line: int, row: dict[str, str]) -> AmendmentRow | None:
    fraccion = c.fraccion(line, row)
    rate = c.rate(line, row, "rate", ad_valorem=False)
    start = c.day(line, row, "valid_from", required=True)
    end = c.day(line, row, "valid_to", required=False)
    c.period(line, start, end, "valid_to")
    source = c.text(line, row, "source")
    if not (fraccion and rate and start):
        return None
    return AmendmentRow(fraccion, rate, start, end, source)


def _is_country(iso3: str) -> bool:
    try:
        from immex.refdata.bundled import is_country
    except ImportError:  # pragma: no cover - refdata always ships it
        return True
    try:
        return is_country(iso3)
    except DataCoverageError:
        return True  # catalog not built: only the shape was checked


# --------------------------------------------------------------------------- store rows


Row = ProsecRow | FtaRow | AmendmentRow


def _key(row: Row) -> tuple[object, ...]:
    if isinstance(row, ProsecRow):
        return (row.sector, row.fraccion, row.valid_from)
    if isinstance(row, FtaRow):
        return (row.agreement, row.fraccion, ",".join(row.origin_countries), row.valid_from)
    return (row.fraccion, row.valid_from)


def _values(row: Row, batch_id: int, line: int) -> dict[str, Any]:
    common = {
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
        common.update(agreement=row.agreement, origin_countries=",".join(row.origin_countries))
    return common


def _rate_from_db(text: str, value: Decimal | None) -> PublishedRate:
    """The stored rate: its text is the truth; the numeric column must agree with it."""
    rate = parse_rate_text(text)
    if rate.percent != value:  # Decimal compares by value: 5 == 5.000000
        raise StoreError(f"stored rate {text!r} disagrees with its number {value!r}")
    return rate


def _stored_rows(conn: Connection, kind: str) -> list[tuple[Row, str]]:
    """Stored rows of a kind with the file each came from."""
    b = t.rate_load_batches
    out: list[tuple[Row, str]] = []
    if kind == "prosec":
        p = t.prosec_rates
        for r in conn.execute(
            select(p, b.c.file_name).join(b, b.c.id == p.c.batch_id).order_by(p.c.id)
        ):
            out.append(
                (
                    ProsecRow(
                        r.sector, r.sector_name, r.fraccion, _rate_from_db(r.rate_text, r.rate),
                        r.valid_from, r.valid_to, r.acotacion or "", r.source,
                    ),
                    r.file_name,
                )
            )  # fmt: skip
    elif kind == "fta":
        f = t.fta_rates
        for r in conn.execute(
            select(f, b.c.file_name).join(b, b.c.id == f.c.batch_id).order_by(f.c.id)
        ):
            out.append(
                (
                    FtaRow(
                        r.agreement, tuple(r.origin_countries.split(",")), r.fraccion,
                        _rate_from_db(r.rate_text, r.rate), r.valid_from, r.valid_to, r.source,
                    ),
                    r.file_name,
                )
            )  # fmt: skip
    else:
        a = t.ligie_amendments
        for r in conn.execute(
            select(a, b.c.file_name).join(b, b.c.id == a.c.batch_id).order_by(a.c.id)
        ):
            out.append(
                (
                    AmendmentRow(
                        r.fraccion, _rate_from_db(r.rate_text, r.rate), r.valid_from, r.valid_to,
                        r.source,
                    ),
                    r.file_name,
                )
            )  # fmt: skip
    return out


def _same(a: Row, b: Row) -> bool:
    """Equal for storage purposes (rates compared by value, not by spelling)."""
    if type(a) is not type(b):
        return False
    norm_a = (a.rate.percent, a.rate.text if a.rate.percent is None else "")
    norm_b = (b.rate.percent, b.rate.text if b.rate.percent is None else "")
    fields_a = {k: getattr(a, k) for k in a.__slots__ if k != "rate"}
    fields_b = {k: getattr(b, k) for k in b.__slots__ if k != "rate"}
    return norm_a == norm_b and fields_a == fields_b


def sync_sector_catalog(conn: Connection) -> None:
    """Put the bundled sector catalog into the workspace (insert the missing codes)."""
    have = set(conn.execute(select(t.prosec_sectors.c.code)).scalars())
    for s in sector_catalog():
        if s.code not in have:
            conn.execute(
                insert(t.prosec_sectors).values(
                    code=s.code, name=s.name, source=s.source, confidence=s.confidence, note=s.note
                )
            )


# --------------------------------------------------------------------------- load


@dataclass(frozen=True, slots=True)
class LoadResult:
    kind: str
    file: str
    sha256: str
    batch_id: int | None
    rows_read: int
    rows_inserted: int
    rows_already_present: int
    already_loaded: bool
    message: str
    warnings: tuple[str, ...] = ()


PARSERS: dict[str, Callable[[_Checker, int, dict[str, str]], Row | None]] = {
    "prosec": _parse_prosec,
    "fta": _parse_fta,
    "amendments": _parse_amendment,
}
TABLE_OF = {"prosec": t.prosec_rates, "fta": t.fta_rates, "amendments": t.ligie_amendments}


def parse_file(kind: str, path: Path) -> tuple[list[tuple[int, Row]], list[str]]:
    """Check a whole file: its rows, or BatchError with every problem found."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown rate file kind {kind!r}; use one of {', '.join(KINDS)}")
    if not path.is_file():
        raise NotFound(f"{path}: no such file", field="file")
    name = path.name
    header, rows = read_table(path)
    required, optional = LAYOUTS[kind]
    c = _Checker(name)
    missing = [col for col in required if col not in header]
    for col in missing:
        c.err(1, col, f"missing column (layout: {', '.join(required + optional)})")
    if missing:
        raise BatchError(c.errors, f"{name}: wrong layout; nothing was written")
    if not rows:
        c.err(1, "", "no data rows")
        raise BatchError(c.errors, f"{name}: empty file; nothing was written")
    parsed: list[tuple[int, Row]] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, raw in rows:
        row = PARSERS[kind](c, line, raw)
        if row is None:
            continue
        k = _key(row)
        if k in seen:
            c.err(line, "fraccion", f"same key as line {seen[k]} (duplicate row)", row.fraccion)
            continue
        seen[k] = line
        parsed.append((line, row))
    if c.errors:
        raise BatchError(c.errors)
    warnings: list[str] = []
    if kind == "prosec":
        known = set(sector_codes())
        for sector in sorted({r.sector for _, r in parsed if isinstance(r, ProsecRow)} - known):
            warnings.append(
                f"sector {sector} is not in the bundled catalog (Decree art. 3, 23 sectors; "
                "sources disagree on 23 vs 24): loaded with the name given in the file"
            )
        for line, r in parsed:
            if isinstance(r, ProsecRow) and r.acotacion:
                warnings.append(
                    f"{name}:{line}: sector {r.sector} {r.fraccion} has an acotación: results "
                    "that use it will ask a person to check it"
                )
    warnings.extend(_unknown_fractions(name, parsed))
    return parsed, warnings


def _unknown_fractions(name: str, parsed: Sequence[tuple[int, Row]]) -> list[str]:
    lookup = tariff_fraction_exists()
    if lookup is None:
        return [f"{name}: the bundled LIGIE is not available: fracciones were not checked"]
    return [
        f"{name}:{line}: fraccion {r.fraccion} is not in the bundled LIGIE (new fracción?)"
        for line, r in parsed
        if not lookup(r.fraccion)
    ]


def already_loaded(engine: Engine, kind: str, path: Path, digest: str) -> LoadResult | None:
    """The result to give when this exact file (kind + SHA-256) was loaded before."""
    b = t.rate_load_batches
    with engine.connect() as conn:
        prior = conn.execute(select(b).where(b.c.kind == kind, b.c.sha256 == digest)).first()
    if prior is None:
        return None
    return LoadResult(
        kind, path.name, digest, prior.id, prior.rows, 0, prior.rows, True,
        f"{path.name} was already loaded (batch {prior.id}, {prior.loaded_at:%Y-%m-%d %H:%M} "
        f"by {prior.loaded_by}); nothing written",
    )  # fmt: skip


def load_rates(engine: Engine, kind: str, path: Path) -> LoadResult:
    """Load one file into the workspace, all-or-nothing (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"{path}: no such file", field="file")
    require_rates_tables(engine)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    b = t.rate_load_batches
    prior = already_loaded(engine, kind, path, digest)
    if prior is not None:
        return prior
    parsed, warnings = parse_file(kind, path)
    table = TABLE_OF[kind]
    with engine.begin() as conn:
        stored = {_key(r): (r, f) for r, f in _stored_rows(conn, kind)}
        c = _Checker(path.name)
        new: list[tuple[int, Row]] = []
        present = 0
        for line, row in parsed:
            old = stored.get(_key(row))
            if old is None:
                new.append((line, row))
            elif _same(old[0], row):
                present += 1
            else:
                c.err(
                    line, "fraccion",
                    f"conflicts with the row of the same key loaded from {old[1]} "
                    "(different rate, end date, acotación or source)",
                    row.fraccion,
                )  # fmt: skip
        if c.errors:
            raise BatchError(c.errors)
        if kind == "prosec":
            sync_sector_catalog(conn)
            known = set(conn.execute(select(t.prosec_sectors.c.code)).scalars())
            for _, row in new:
                if isinstance(row, ProsecRow) and row.sector not in known:
                    conn.execute(
                        insert(t.prosec_sectors).values(
                            code=row.sector, name=row.sector_name,
                            source=f"{row.source} (from {path.name})", confidence="L",
                            note="not in the bundled catalog; named by a loaded PROSEC list",
                        )
                    )  # fmt: skip
                    known.add(row.sector)
        batch_id = inserted_id(conn.execute(
            insert(b).values(
                kind=kind, file_name=path.name, sha256=digest, rows=len(parsed),
                loaded_by=workspace.current_actor(), loaded_at=workspace.now_utc(),
            )
        ))  # fmt: skip
        if new:
            conn.execute(insert(table), [_values(row, batch_id, line) for line, row in new])
        workspace.audit(
            conn,
            f"rates.load.{kind}",
            {"file": path.name, "sha256": digest, "batch": batch_id, "rows": len(new)},
        )
    message = f"{path.name}: {len(new)} row(s) loaded"
    if present:
        message += f", {present} already present"
    return LoadResult(
        kind, path.name, digest, batch_id, len(parsed), len(new), present, False, message,
        tuple(warnings),
    )  # fmt: skip


# --------------------------------------------------------------------------- rate book


@dataclass(frozen=True, slots=True)
class WorkspaceData:
    book: RateBook
    url: str | None  # None = no workspace used
    sectors: tuple[str, ...]
    points: LoadedPoints | None = None  # FIX/INPC points loaded into the workspace
    parameters: dict[str, list[Any]] | None = None  # parameter values loaded (by name)


def find_workspace(db: str | None) -> Engine | None:
    """The workspace to read rate rows from: ``--db``, else ``$IMMEX_DB``, else ``./immex.db``.

    An explicit ``--db`` must be an initialised workspace; otherwise a missing default
    workspace simply means "bundled data only".
    """
    if db:
        return workspace.open_engine(db)
    env = os.environ.get("IMMEX_DB")
    if env:
        url = resolve_url(env)
        if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).is_file():
            return None
        return workspace.open_engine(env)
    if Path(DEFAULT_DB_FILE).is_file():
        engine = make_engine(DEFAULT_DB_FILE)
        if is_initialised(engine):
            return engine
        engine.dispose()
    return None


def require_rates_tables(engine: Engine) -> None:
    """A clear error when the workspace predates the rates tables (migration 0002_rates)."""
    if not inspect(engine).has_table(t.prosec_rates.name):
        url = engine.url.render_as_string(hide_password=True)
        raise StoreError(
            f"the workspace {url} has no rate tables yet; run `immex init` (it upgrades the "
            "workspace) and try again"
        )


def book_from_engine(engine: Engine) -> WorkspaceData:
    from immex.services.rates.parameters import loaded_values
    from immex.services.rates.series import loaded_points

    require_rates_tables(engine)
    with engine.connect() as conn:
        points = loaded_points(conn)
        parameters = loaded_values(conn)
        prosec = [r for r, _ in _stored_rows(conn, "prosec") if isinstance(r, ProsecRow)]
        fta = [r for r, _ in _stored_rows(conn, "fta") if isinstance(r, FtaRow)]
        amendments = [r for r, _ in _stored_rows(conn, "amendments") if isinstance(r, AmendmentRow)]
        batches = conn.execute(select(t.rate_load_batches).order_by(t.rate_load_batches.c.id)).all()
        stored_sectors = set(conn.execute(select(t.prosec_sectors.c.code)).scalars())
    url = engine.url.render_as_string(hide_password=True)
    files = "; ".join(f"{x.kind} {x.file_name} ({x.loaded_at:%Y-%m-%d})" for x in batches)
    note = (
        f"rate data from the workspace {url}: {len(prosec)} PROSEC rows, {len(fta)} agreement "
        f"rows, {len(amendments)} LIGIE amendments" + (f" — files: {files}" if files else "")
    )
    order = sector_codes()
    sectors = tuple(order) + tuple(sorted(stored_sectors - set(order)))
    book = RateBook(prosec, fta, amendments, (note,), sectors)
    return WorkspaceData(book, url, sectors, points, parameters)


NO_WORKSPACE_NOTE = (
    "no workspace found (--db, $IMMEX_DB or ./immex.db): only bundled data was used — no "
    "PROSEC lists, agreement schedules or LIGIE amendments; load them with `immex rates load`"
)


def workspace_data(db: str | None) -> WorkspaceData:
    engine = find_workspace(db)
    if engine is None:
        book = RateBook(data_notes=(NO_WORKSPACE_NOTE,), sector_order=sector_codes())
        return WorkspaceData(book, None, sector_codes())
    try:
        return book_from_engine(engine)
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- tariff


def tariff_fraction_exists() -> Callable[[str], bool] | None:
    try:
        book = _tariff_book()
    except (ImportError, ImmexError):
        return None

    def exists(fraccion: str) -> bool:
        try:
            book.get(fraccion)
        except ImmexError:
            return False
        return True

    return exists


def _tariff_book() -> Any:
    from immex.refdata.tariff_data import load_tariff_book

    return load_tariff_book()


def mfn_lookup() -> MfnLookup:
    """The bundled LIGIE rate in force: the tariff book's ``import_rate_at``."""
    try:
        book = _tariff_book()
    except ImportError:
        raise DataCoverageError(
            "the bundled LIGIE tariff is not available (immex.refdata.tariff_data); "
            "run `immex refdata build`"
        ) from None

    def lookup(fraccion: str, when: date) -> RateAt:
        result: RateAt = book.import_rate_at(fraccion, when)
        return result

    return lookup


# --------------------------------------------------------------------------- best rate


def parse_regla8(values: Iterable[str]) -> tuple[Regla8Authorization, ...]:
    out = []
    for v in values:
        fr = normalize_fraccion(v)
        if not fr.startswith("98"):
            raise InvalidInput(
                f"--regla8 {v!r}: a Regla 8ª authorisation is given by the LIGIE Chapter 98 "
                "fracción it covers (9802.00.xx)",
                field="regla8",
            )
        out.append(Regla8Authorization(fr, reference="stated by the user (--regla8)"))
    return tuple(out)


def build_query(
    fraccion: str,
    origin: str | None,
    when: date,
    prosec: Iterable[str] = (),
    regla8: Iterable[str] = (),
    certified: Iterable[str] = (),
    known_sectors: Iterable[str] | None = None,
) -> RateQuery:
    check_nico(fraccion)
    return RateQuery(
        normalize_fraccion(fraccion),
        normalize_iso3(origin) if origin else "",
        when,
        tuple(sorted({normalize_sector(s, known_sectors) for s in prosec})),
        parse_regla8(regla8),
        tuple(sorted({c.strip().upper() for c in certified if c.strip()})),
    )


def check_nico(code: str) -> None:
    """A 10-digit code must name a NICO that exists under its fracción (SAT catalog).

    Rates are per 8-digit fracción, so the NICO does not change the answer; but a code whose
    NICO does not exist is a typo the user must hear about, as ``immex tariff show`` says.
    """
    if parse_tariff_code(code).nico is None:
        return
    try:
        book = _tariff_book()
    except ImportError:  # pragma: no cover - the bundled tariff ships with the package
        return
    book.get(code)


def check_origin(origin: str) -> list[str]:
    if origin and not _is_country(origin):
        raise InvalidInput(f"unknown country {origin!r} (ISO-3, SAT catalog)", field="origin")
    return []


def coverage_notes(
    when: date, *, rates_only: bool = False, fx: Any = None, inpc: Any = None
) -> list[str]:
    """Data-coverage warnings for a result that looked the tariff up on ``when`` (the
    tariff's own warnings already cover the LIGIE reform and the 2026 decree); with
    ``rates_only``, without the DTA and series gaps that do not bear on a rate."""
    try:
        from immex.refdata.bundled import coverage_warnings
        from immex.refdata.tariff_data import TARIFF_COVERAGE_IDS
    except ImportError:  # pragma: no cover
        return []
    skip = TARIFF_COVERAGE_IDS + (("dta_fixed_amounts",) if rates_only else ())
    try:
        return list(coverage_warnings(when, skip=skip, series=not rates_only, fx=fx, inpc=inpc))
    except ImmexError as exc:
        return [exc.message]


def best_rate(
    fraccion: str,
    origin: str | None,
    as_of: date,
    prosec: Iterable[str] = (),
    regla8: Iterable[str] = (),
    certified: Iterable[str] = (),
    db: str | None = None,
    *,
    data: WorkspaceData | None = None,
    mfn: MfnLookup | None = None,
) -> RateDecision:
    """``immex rate``: every option for the fracción, origin and date, and the one chosen."""
    data = data or workspace_data(db)
    query = build_query(fraccion, origin, as_of, prosec, regla8, certified, data.sectors)
    check_origin(query.origin)
    decision = data.book.decide(query, mfn or mfn_lookup())
    extra = [w for w in coverage_notes(as_of, rates_only=True) if w not in decision.warnings]
    if extra:
        decision = RateDecision(
            decision.fraccion, decision.as_of, decision.origin, decision.options,
            decision.chosen, decision.warnings + tuple(extra),
        )  # fmt: skip
    return decision


def option_dict(o: RateOption) -> dict[str, Any]:
    return {
        "program": o.program,
        "detail": o.detail,
        "rate": o.rate,
        "rate_text": o.rate_text,
        "eligible": o.eligible,
        "chosen": o.chosen,
        "reason": o.reason or None,
        "source": o.source,
        "valid_from": o.valid_from,
        "valid_to": o.valid_to,
        "needs_review": o.needs_review or None,
    }


def decision_dict(d: RateDecision) -> dict[str, Any]:
    chosen = None
    if d.chosen is not None:
        chosen = {
            "program": d.chosen.program,
            "detail": d.chosen.detail,
            "rate": d.chosen.rate,
            "source": d.chosen.source,
        }
    return {
        "fraccion": d.fraccion,
        "as_of": d.as_of,
        "origin": d.origin or None,
        "options": [option_dict(o) for o in d.options],
        "chosen": chosen,
        "warnings": list(d.warnings),
    }
