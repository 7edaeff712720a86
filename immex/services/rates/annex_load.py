"""IMMEX Decree Annex I / Annex II as a workspace sees them: the bundled rows (RULES I-10)
plus the rows loaded with ``immex rates load immex-annex FILE``, and the flag of a
temporary-import line whose fracción is in an annex on its entry date.

Layout (CSV/TXT in any encoding and separator, XLSX, XLSB or ODS; Spanish header names
accepted, see docs/FILES.md): ``fraccion`` (a chapter ``61``, heading ``6401``, subheading
``9404.40`` or fracción ``6401.10.01``), ``annex`` (I or II), ``valid_from``, ``source``,
``confidence`` (H, M, L) [+ ``valid_to``, ``exceptions`` (scopes inside the row that stay
allowed, separated by commas), ``note``]. All-or-nothing like every ``rates load``: every
problem of the file as ``file:line: column: message``, nothing written unless the file is
clean; the same file twice writes nothing; a row equal to a bundled or loaded one is counted
as already present; a row with the key (annex, scope, valid_from) of a loaded row but other
values is refused naming the earlier file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from immex.domain.dated import CONFIDENCE_LEVELS
from immex.domain.errors import BatchError
from immex.domain.immex_annex import Annex, AnnexBook, AnnexRow
from immex.domain.messages import Msg, Template
from immex.domain.rate_rows import scope_contains
from immex.refdata.annex_build import load_annex_rows
from immex.services.rates.batches import (
    LoadResult,
    already_loaded,
    file_digest,
    record_batch,
    require_rates_tables,
)
from immex.services.rates.rowfile import (
    MISSING_COLUMN,
    NO_DATA_ROWS,
    RowChecker,
    read_table_notes,
)
from immex.services.tariff.lookup import fraction_exists
from immex.services.workspace.context import Workspace
from immex.store.database import StoreError
from immex.store.unit import Repositories

KIND = "immex-annex"
REQUIRED = ("fraccion", "annex", "valid_from", "source", "confidence")
OPTIONAL = ("valid_to", "exceptions", "note")
REFRESH_COMMAND = "immex rates load immex-annex FILE"

NO_ROWS = NO_DATA_ROWS
WRONG_LAYOUT = Template("annex.err.wrong_layout", "{file}: wrong layout; nothing was written")
EMPTY_FILE = Template("annex.err.empty_file", "{file}: empty file; nothing was written")
BAD_SCOPE = Template(
    "annex.err.scope",
    "expected a chapter (61), heading (6401), subheading (9404.40) or fracción (6401.10.01)",
)
BAD_ANNEX = Template("annex.err.annex", "expected I or II (the annex of the IMMEX Decree)")
BAD_CONFIDENCE = Template(
    "annex.err.confidence",
    "expected H, M or L (H = read in the official text, M = secondary sources, L = one weak "
    "source)",
)
OUTSIDE = Template(
    "annex.err.exception_outside", "an exception must lie inside the row's scope {scope}"
)
DUPLICATE = Template(
    "annex.err.duplicate", "same annex, scope and valid_from as line {line} (duplicate row)"
)
CONFLICT = Template(
    "annex.err.conflict",
    "conflicts with the row of the same annex, scope and valid_from loaded from {file} "
    "(different end, source, confidence, exceptions or note)",
)
NO_TABLE = Template(
    "annex.err.no_table",
    "the workspace {url} has no annex table yet; run `immex init` (it upgrades the workspace) "
    "and try again",
)
LOADED = Template(
    "annex.loaded",
    "{file}: {new} Annex I/II row loaded",
    "{file}: {new} Annex I/II rows loaded",
    count="new",
)
LOADED_DRY = Template(
    "annex.loaded_dry",
    "{file}: {new} Annex I/II row would be loaded (dry run: nothing written)",
    "{file}: {new} Annex I/II rows would be loaded (dry run: nothing written)",
    count="new",
)
PRESENT = Template(
    "annex.present",
    "{message}, {present} already present",
    "{message}, {present} already present",
    count="present",
)
NOT_IN_LIGIE = Template(
    "annex.warn.not_in_ligie", "{file}:{line}: {scope} is not in the bundled LIGIE (new code?)"
)
LOW_CONFIDENCE = Template(
    "annex.warn.confidence",
    "{file}:{line}: {scope} (Annex {annex}) has confidence {confidence} (not read in the "
    "official text): a person should confirm it",
)

_SCOPE = re.compile(r"\d{2}|\d{4}|\d{6}|\d{8}")


def _scope(c: RowChecker, line: int, text: str, column: str) -> str | None:
    """A chapter, heading, subheading or fracción, dotted as the tariff writes them."""
    digits = text.strip().replace(".", "")
    if not _SCOPE.fullmatch(digits):
        c.err(line, column, BAD_SCOPE(), text)
        return None
    if len(digits) == 6:
        return f"{digits[:4]}.{digits[4:]}"
    if len(digits) == 8:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    return digits


def _parse_row(c: RowChecker, line: int, row: dict[str, str]) -> AnnexRow | None:
    scope = _scope(c, line, row.get("fraccion", ""), "fraccion")
    exceptions = [
        _scope(c, line, part, "exceptions")
        for part in re.split(r"[,;|\s]+", row.get("exceptions", "")) if part
    ]  # fmt: skip
    if scope and any(x and not scope_contains(scope, x) for x in exceptions):
        c.err(line, "exceptions", OUTSIDE(scope=scope), row.get("exceptions"))
    annex_text = row.get("annex", "").strip().upper().removeprefix("ANEXO").strip()
    annex = Annex(annex_text) if annex_text in tuple(Annex) else None
    if annex is None:
        c.err(line, "annex", BAD_ANNEX(), row.get("annex"))
    start = c.day(line, row, "valid_from", required=True)
    end = c.day(line, row, "valid_to", required=False)
    c.period(line, start, end, "valid_to")
    source = c.text(line, row, "source")
    confidence = row.get("confidence", "").strip().upper()
    if confidence not in CONFIDENCE_LEVELS:
        c.err(line, "confidence", BAD_CONFIDENCE(), row.get("confidence"))
    if not (scope and annex and start and source and confidence in CONFIDENCE_LEVELS):
        return None
    if not all(exceptions) or (end is not None and end < start):
        return None
    return AnnexRow(scope, annex, start, end, source, confidence,
                    tuple(sorted({x for x in exceptions if x})), row.get("note", ""))  # fmt: skip


def _key(row: AnnexRow) -> tuple[str, str, date]:
    return (row.annex.value, row.scope, row.valid_from)


def parse_annex_file(path: Path) -> tuple[list[tuple[int, AnnexRow]], list[str]]:
    """Every row of the file checked, or BatchError with every problem found."""
    file_digest(path)  # NotFound naming the file
    name = path.name
    header, rows, notes = read_table_notes(path, KIND)
    c = RowChecker(name)
    missing = [col for col in REQUIRED if col not in header]
    for col in missing:
        c.err(1, col, MISSING_COLUMN(layout=", ".join(REQUIRED + OPTIONAL)))
    if missing:
        raise BatchError(c.errors, WRONG_LAYOUT(file=name))
    if not rows:
        c.err(1, "", NO_ROWS())
        raise BatchError(c.errors, EMPTY_FILE(file=name))
    parsed: list[tuple[int, AnnexRow]] = []
    seen: dict[tuple[str, str, date], int] = {}
    for line, raw in rows:
        row = _parse_row(c, line, raw)
        if row is None:
            continue
        if _key(row) in seen:
            c.err(line, "fraccion", DUPLICATE(line=seen[_key(row)]), row.scope)
            continue
        seen[_key(row)] = line
        parsed.append((line, row))
    if c.errors:
        raise BatchError(c.errors)
    return parsed, [*notes, *_warnings(name, parsed)]


def _warnings(name: str, parsed: list[tuple[int, AnnexRow]]) -> list[str]:
    out: list[str] = [
        LOW_CONFIDENCE(file=name, line=line, scope=r.scope, annex=r.annex.value,
                       confidence=r.confidence)
        for line, r in parsed if r.confidence != "H"
    ]  # fmt: skip
    lookup = fraction_exists()
    if lookup is not None:
        out += [
            NOT_IN_LIGIE(file=name, line=line, scope=r.scope)
            for line, r in parsed
            if len(r.scope) == 10 and not lookup(r.scope)
        ]
    return out


def load_annex_file(ws: Workspace, path: Path, *, dry_run: bool = False) -> LoadResult:
    """Load Annex I / II rows, all-or-nothing (see the module text); ``dry_run``: every
    check done and what would be written counted, nothing kept."""
    path = Path(path)
    digest = file_digest(path)
    with ws.read() as repos:
        require_rates_tables(ws, repos)
        if not repos.annex.has_table():
            raise StoreError(NO_TABLE(url=ws.store.display_url))
        prior = already_loaded(repos, KIND, path, digest)
    if prior is not None:
        return prior
    parsed, warnings = parse_annex_file(path)
    with ws.write(dry_run=dry_run) as uow:
        stored = uow.repos.annex.rows()
        new, present = _new_rows(path.name, parsed, stored)
        batch_id = record_batch(uow, KIND, path, digest, len(parsed), len(new))
        uow.repos.annex.add_rows(batch_id, new)
    message: Msg = (LOADED_DRY if dry_run else LOADED)(file=path.name, new=len(new))
    if present:
        message = PRESENT(message=message, present=present)
    return LoadResult(
        KIND, path.name, digest, None if dry_run else batch_id, len(parsed), len(new), present,
        False, message, tuple(warnings), dry_run,
    )  # fmt: skip


def _new_rows(
    name: str, parsed: list[tuple[int, AnnexRow]], stored: list[tuple[AnnexRow, str]]
) -> tuple[list[tuple[int, AnnexRow]], int]:
    """The rows neither bundled nor loaded yet, and how many are; BatchError on a row whose
    key was loaded with other values."""
    known = {_key(r): (r, f) for r, f in stored}
    bundled = set(load_annex_rows())
    c = RowChecker(name)
    new: list[tuple[int, AnnexRow]] = []
    present = 0
    for line, row in parsed:
        old = known.get(_key(row))
        if row in bundled or (old is not None and old[0] == row):
            present += 1
        elif old is None:
            new.append((line, row))
        else:
            c.err(line, "fraccion", CONFLICT(file=old[1]), row.scope)
    if c.errors:
        raise BatchError(c.errors)
    return new, present


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class AnnexData:
    """The annex rows a workspace sees, bundled and loaded, with the files loaded."""

    bundled: tuple[AnnexRow, ...]
    loaded: tuple[AnnexRow, ...]
    files: tuple[str, ...]

    @property
    def book(self) -> AnnexBook:
        return AnnexBook.of(self.bundled, self.loaded)


def annex_data(ws: Workspace | None) -> AnnexData:
    """The bundled rows plus the workspace's (None, or a workspace before 0011: bundled)."""
    bundled = load_annex_rows()
    if ws is None:
        return AnnexData(bundled, (), ())
    with ws.read() as repos:
        stored = repos.annex.rows()
    files = tuple(dict.fromkeys(f for _, f in stored))
    return AnnexData(bundled, tuple(r for r, _ in stored), files)


def annex_book(ws: Workspace | None) -> AnnexBook:
    """Every Annex I / II row the workspace sees (bundled + loaded)."""
    return annex_data(ws).book


def annex_book_of(repos: Repositories) -> AnnexBook:
    """As :func:`annex_book`, on a connection a use case already holds."""
    return AnnexBook.of(load_annex_rows(), (r for r, _ in repos.annex.rows()))
