"""Rates use cases: load PROSEC lists, agreement schedules and LIGIE amendments.

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
- amendments: ``fraccion, rate, valid_from, source`` [+ ``valid_to``]

The best rate (``immex rate``) is :mod:`immex.services.rates.best_rate`; what a workspace
adds to the bundled data is :mod:`immex.services.rates.workspace_data`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

from immex.domain.errors import BatchError, InvalidFormat, InvalidInput
from immex.domain.messages import Template
from immex.domain.rate_rows import SCOPE_WHOLE, scope_contains, scope_level
from immex.domain.rates import AmendmentRow, FtaRow, ProsecRow, Sector, normalize_iso3
from immex.services.rates.batches import (
    LoadResult,
    already_loaded,
    file_digest,
    loaded_message,
    record_batch,
    require_rates_tables,
)
from immex.services.rates.best_rate import known_country
from immex.services.rates.rowfile import MISSING_COLUMN, NO_DATA_ROWS, RowChecker, read_table_notes
from immex.services.rates.sectors import ROMAN, sector_codes, sync_sector_catalog
from immex.services.rates.workspace_data import WorkspaceData
from immex.services.tariff.lookup import fraction_exists
from immex.services.workspace.context import Workspace
from immex.store.unit import Repositories

UNKNOWN_KIND = Template("rates.unknown_kind", "unknown rate file kind {kind}; use one of {items}")
WRONG_LAYOUT = Template("rates.wrong_layout", "{name}: wrong layout; nothing was written")
NO_BUNDLED_LIGIE = Template(
    "rates.no_bundled_ligie",
    "{name}: the bundled LIGIE is not available: fracciones were not checked",
)
NOT_IN_LIGIE = Template(
    "rates.not_in_ligie",
    "{name}:{line}: fraccion {fraccion} is not in the bundled LIGIE (new fracción?)",
)
SECTOR_NOT_BUNDLED = Template(
    "rates.sector_not_bundled",
    "sector {sector} is not in the bundled catalog (Decree art. 3, 23 sectors; sources disagree "
    "on 23 vs 24): loaded with the name given in the file",
)
HAS_ACOTACION = Template(
    "rates.has_acotacion",
    "{name}:{line}: sector {sector} {fraccion} has an acotación: results that use it will ask "
    "a person to check it",
)
NOT_ROMAN = Template("rates.row.not_roman", "expected a Roman numeral (I … XXIII)")
NOT_ISO3 = Template("rates.row.not_iso3", "not an ISO-3 country code")
NO_COUNTRIES = Template("rates.row.no_countries", "missing (ISO-3 codes separated by commas)")
UNKNOWN_COUNTRY = Template("rates.row.unknown_country", "unknown country code (SAT/ISO-3 catalog)")
EXCEPTION_OUTSIDE = Template(
    "rates.row.exception_outside", "an exception must lie inside the row's scope {scope}"
)
CONFLICTS = Template(
    "rates.row.conflicts",
    "conflicts with the row of the same key loaded from {file} (different rate, end date, "
    "acotación or source)",
)
DUPLICATE = Template("rates.row.duplicate", "same key as line {line} (duplicate row)")
EMPTY_FILE = Template("rates.empty_file", "{name}: empty file; nothing was written")


__all__ = [
    # named here by the F4 plan's tests (their homes: workspace_data, sectors)
    "WorkspaceData",
    "sector_codes",
    # this module
    "KINDS",
    "LAYOUTS",
    "RateFileKind",
    "load_rates",
    "parse_file",
]


class RateFileKind(StrEnum):
    """The kinds of rate file ``immex rates load`` reads into rate rows."""

    PROSEC = "prosec"
    FTA = "fta"
    AMENDMENTS = "amendments"


KINDS = tuple(k.value for k in RateFileKind)

LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required columns, optional columns)
    "prosec": (
        ("sector", "sector_name", "fraccion", "arancel", "vigencia_desde", "acotacion", "fuente"),
        ("vigencia_hasta",),
    ),
    "fta": (
        ("agreement", "origin_countries", "fraccion", "rate", "valid_from", "source"),
        ("valid_to", "exceptions"),
    ),
    "amendments": (("fraccion", "rate", "valid_from", "source"), ("valid_to",)),
}

Row = ProsecRow | FtaRow | AmendmentRow


# --------------------------------------------------------------------------- rows


def _parse_prosec(c: RowChecker, line: int, row: dict[str, str]) -> ProsecRow | None:
    sector = row.get("sector", "").strip().upper()
    if not ROMAN.match(sector):
        c.err(line, "sector", NOT_ROMAN(), row.get("sector"))
    name = c.text(line, row, "sector_name")
    fraccion = c.fraccion(line, row)
    rate = c.rate(line, row, "arancel", ad_valorem=True)
    start = c.day(line, row, "vigencia_desde", required=True)
    end = c.day(line, row, "vigencia_hasta", required=False)
    c.period(line, start, end, "vigencia_hasta")
    source = c.text(line, row, "fuente")
    if not (fraccion and rate and start and ROMAN.match(sector)):
        return None
    return ProsecRow(sector, name, fraccion, rate, start, end, row.get("acotacion", ""), source)


def _parse_fta(c: RowChecker, line: int, row: dict[str, str]) -> FtaRow | None:
    agreement = c.text(line, row, "agreement").upper()
    countries: list[str] = []
    for part in re.split(r"[,;|\s]+", row.get("origin_countries", "")):
        if not part:
            continue
        try:
            countries.append(normalize_iso3(part))
        except InvalidFormat:
            c.err(line, "origin_countries", NOT_ISO3(), part)
    if not countries and row.get("origin_countries", "") == "":
        c.err(line, "origin_countries", NO_COUNTRIES())
    unknown = [x for x in countries if not known_country(x)]
    for x in unknown:
        c.err(line, "origin_countries", UNKNOWN_COUNTRY(), x)
    fraccion = _scope(c, line, row.get("fraccion", ""), "fraccion", whole=True)
    exceptions = [
        _scope(c, line, part, "exceptions", whole=False)
        for part in re.split(r"[,;|\s]+", row.get("exceptions", "")) if part
    ]  # fmt: skip
    if fraccion and fraccion != SCOPE_WHOLE and any(x and not scope_contains(fraccion, x)
                                                    for x in exceptions):  # fmt: skip
        c.err(line, "exceptions", EXCEPTION_OUTSIDE(scope=fraccion))
    rate = c.rate(line, row, "rate", ad_valorem=True)
    start = c.day(line, row, "valid_from", required=True)
    end = c.day(line, row, "valid_to", required=False)
    c.period(line, start, end, "valid_to")
    source = c.text(line, row, "source")
    if not (agreement and countries and not unknown and fraccion and rate and start):
        return None
    if not all(exceptions):
        return None
    return FtaRow(agreement, tuple(sorted(set(countries))), fraccion, rate, start, end, source,
                  tuple(sorted({x for x in exceptions if x})))  # fmt: skip


def _scope(c: RowChecker, line: int, text: str, column: str, *, whole: bool) -> str | None:
    """A row's scope: a fracción (NNNN.NN.NN), subheading (NNNN.NN), heading (NNNN), chapter
    (NN) or, for the row itself, ``*`` (the whole agreement)."""
    raw = text.strip()
    if raw == SCOPE_WHOLE and whole:
        return raw
    digits = raw.replace(".", "")
    if digits.isdigit() and len(digits) in (2, 4, 6):
        return {2: digits, 4: digits, 6: f"{digits[:4]}.{digits[4:]}"}[len(digits)]
    if digits.isdigit() and len(digits) == 8:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    what = "*, a chapter (85), heading (8542), subheading (8542.31) or fracción (8542.31.03)"
    c.err(line, column, f"expected {what if whole else what[3:]}", raw)
    return None


def _parse_amendment(c: RowChecker, line: int, row: dict[str, str]) -> AmendmentRow | None:
    fraccion = c.fraccion(line, row)
    rate = c.rate(line, row, "rate", ad_valorem=False)
    start = c.day(line, row, "valid_from", required=True)
    end = c.day(line, row, "valid_to", required=False)
    c.period(line, start, end, "valid_to")
    source = c.text(line, row, "source")
    if not (fraccion and rate and start):
        return None
    return AmendmentRow(fraccion, rate, start, end, source)


def _key(row: Row) -> tuple[object, ...]:
    if isinstance(row, ProsecRow):
        return (row.sector, row.fraccion, row.valid_from)
    if isinstance(row, FtaRow):
        return (row.agreement, row.fraccion, ",".join(row.origin_countries), row.valid_from)
    return (row.fraccion, row.valid_from)


def _same(a: Row, b: Row) -> bool:
    """Equal for storage purposes (rates compared by value, not by spelling)."""
    if type(a) is not type(b):
        return False
    norm_a = (a.rate.percent, a.rate.text if a.rate.percent is None else "")
    norm_b = (b.rate.percent, b.rate.text if b.rate.percent is None else "")
    fields_a = {k: getattr(a, k) for k in a.__slots__ if k != "rate"}
    fields_b = {k: getattr(b, k) for k in b.__slots__ if k != "rate"}
    return norm_a == norm_b and fields_a == fields_b


PARSERS: dict[str, Callable[[RowChecker, int, dict[str, str]], Row | None]] = {
    "prosec": _parse_prosec,
    "fta": _parse_fta,
    "amendments": _parse_amendment,
}


def rate_file_kind(kind: str) -> RateFileKind:
    try:
        return RateFileKind(kind)
    except ValueError:
        raise InvalidInput(UNKNOWN_KIND(kind=repr(kind), items=", ".join(KINDS))) from None


# --------------------------------------------------------------------------- parse


def parse_file(kind: str, path: Path) -> tuple[list[tuple[int, Row]], list[str]]:
    """Check a whole file: its rows, or BatchError with every problem found."""
    kind = rate_file_kind(kind)
    file_digest(path)  # NotFound naming the file
    name = path.name
    header, rows, notes = read_table_notes(path, kind)
    required, optional = LAYOUTS[kind]
    c = RowChecker(name)
    missing = [col for col in required if col not in header]
    for col in missing:
        c.err(1, col, MISSING_COLUMN(layout=", ".join(required + optional)))
    if missing:
        raise BatchError(c.errors, WRONG_LAYOUT(name=name))
    if not rows:
        c.err(1, "", NO_DATA_ROWS())
        raise BatchError(c.errors, EMPTY_FILE(name=name))
    parsed: list[tuple[int, Row]] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, raw in rows:
        row = PARSERS[kind](c, line, raw)
        if row is None:
            continue
        k = _key(row)
        if k in seen:
            c.err(line, "fraccion", DUPLICATE(line=seen[k]), row.fraccion)
            continue
        seen[k] = line
        parsed.append((line, row))
    if c.errors:
        raise BatchError(c.errors)
    warnings = list(notes)
    if kind == RateFileKind.PROSEC:
        warnings.extend(_prosec_warnings(name, parsed))
    warnings.extend(_unknown_fractions(name, parsed))
    return parsed, warnings


def _prosec_warnings(name: str, parsed: Sequence[tuple[int, Row]]) -> list[str]:
    warnings: list[str] = []
    known = set(sector_codes())
    for sector in sorted({r.sector for _, r in parsed if isinstance(r, ProsecRow)} - known):
        warnings.append(SECTOR_NOT_BUNDLED(sector=sector))
    for line, r in parsed:
        if isinstance(r, ProsecRow) and r.acotacion:
            warnings.append(
                HAS_ACOTACION(name=name, line=line, sector=r.sector, fraccion=r.fraccion)
            )
    return warnings


def _unknown_fractions(name: str, parsed: Sequence[tuple[int, Row]]) -> list[str]:
    lookup = fraction_exists()
    if lookup is None:
        return [NO_BUNDLED_LIGIE(name=name)]
    return [
        NOT_IN_LIGIE(name=name, line=line, fraccion=r.fraccion)
        for line, r in parsed
        if scope_level(r.fraccion) == 0 and not lookup(r.fraccion)
    ]


# --------------------------------------------------------------------------- load


def load_rates(ws: Workspace, kind: str, path: Path, *, dry_run: bool = False) -> LoadResult:
    """Load one file into the workspace, all-or-nothing (see the module docstring); with
    ``dry_run`` every check is done and what would be loaded counted, nothing written."""
    kind = rate_file_kind(kind)
    path = Path(path)
    digest = file_digest(path)
    with ws.read() as repos:
        require_rates_tables(ws, repos)
        prior = already_loaded(repos, kind, path, digest)
    if prior is not None:
        return prior
    parsed, warnings = parse_file(kind, path)
    with ws.write(dry_run=dry_run) as uow:
        new, present = _new_rows(uow.repos.rates.rows(kind), parsed, path.name)
        if kind == RateFileKind.PROSEC:
            _add_sectors(uow.repos, new, path.name)
        batch_id = record_batch(uow, kind, path, digest, len(parsed), len(new))
        uow.repos.rates.add_rows(kind, batch_id, new)
    message = loaded_message("rows", path.name, len(new), present, dry_run)
    return LoadResult(
        kind, path.name, digest, None if dry_run else batch_id, len(parsed), len(new), present,
        False, message, tuple(warnings), dry_run,
    )  # fmt: skip


def _new_rows(
    stored_rows: Sequence[tuple[Row, str]], parsed: Sequence[tuple[int, Row]], name: str
) -> tuple[list[tuple[int, Row]], int]:
    """The rows not yet stored and how many are already present; BatchError on a row whose
    key is stored with other values."""
    stored = {_key(r): (r, f) for r, f in stored_rows}
    c = RowChecker(name)
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
                CONFLICTS(file=old[1]),
                row.fraccion,
            )  # fmt: skip
    if c.errors:
        raise BatchError(c.errors)
    return new, present


def _add_sectors(repos: Repositories, new: Sequence[tuple[int, Row]], name: str) -> None:
    """The bundled catalog, plus any sector a loaded PROSEC list names that it lacks."""
    known = sync_sector_catalog(repos)
    for _, row in new:
        if isinstance(row, ProsecRow) and row.sector not in known:
            repos.rates.add_sector(
                Sector(
                    row.sector, row.sector_name, f"{row.source} (from {name})", "L",
                    "not in the bundled catalog; named by a loaded PROSEC list",
                )
            )  # fmt: skip
            known.add(row.sector)
