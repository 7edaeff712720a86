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

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from immex.domain.dated import CONFIDENCE_LEVELS, DatedValue, Parameter
from immex.domain.duties import DUTY_PARAMETERS
from immex.domain.errors import BatchError, InvalidInput
from immex.domain.messages import Template
from immex.refdata.bundled import load_parameters
from immex.services.ledger.field_checks import NOT_A_NUMBER
from immex.services.rates.batches import (
    LoadResult,
    already_loaded,
    file_digest,
    loaded_message,
    record_batch,
    require_rates_tables,
)
from immex.services.rates.rowfile import MUST_BE_ONE_OF, RowChecker, read_table
from immex.services.rates.workspace_data import LoadedValues, merged
from immex.services.workspace.context import Workspace

OVERLAPS_BUNDLED = Template(
    "parameters.overlaps_bundled", "overlaps the bundled value {value} ({period}, {source})"
)
LOW_CONFIDENCE = Template(
    "parameters.low_confidence",
    "{file}:{line}: {name} {period} has confidence {confidence} (not read in the official "
    "text): a person should confirm it",
)
OVERLAPS_LOADED = Template(
    "parameters.overlaps_loaded", "overlaps the loaded value {value} ({period}, {source})"
)
OVERLAPS_LINE = Template("parameters.overlaps_line", "overlaps line {line}")
UNKNOWN_PARAMETER = Template(
    "parameters.unknown", "unknown parameter (see `immex refdata info --json`)"
)
NOT_LOADABLE = Template(
    "parameters.not_loadable",
    "not read by the duty computations, so it cannot be loaded; loadable: {loadable}",
)
OLD_WORKSPACE = Template(
    "parameters.old_workspace",
    "this workspace predates loaded parameters; run `immex init` (it upgrades the workspace) "
    "and try again",
)
MISSING_COLUMNS = Template(
    "parameters.missing_columns",
    "{name}: missing column {items} (expected {items2}[, note])",
    "{name}: missing columns {items} (expected {items2}[, note])",
)
NO_ROWS = Template("series.no_rows", "{name}: no data rows")


__all__ = ["COLUMNS", "load_parameters_file", "merged"]

COLUMNS = ("name", "valid_from", "valid_to", "value", "source", "confidence")

#: (line, parameter name, value) of a parameters file
ParsedValue = tuple[int, str, DatedValue[Decimal]]


def _overlaps(a: DatedValue[Any], b: DatedValue[Any]) -> bool:
    return a.valid_from <= (b.valid_to or date.max) and b.valid_from <= (a.valid_to or date.max)


def load_parameters_file(ws: Workspace, path: Path, *, dry_run: bool = False) -> LoadResult:
    """Load parameter values, all-or-nothing (errors as ``file:line: column: message``;
    ``dry_run``: check and count, write nothing)."""
    path = Path(path)
    digest = file_digest(path)
    with ws.read() as repos:
        require_rates_tables(ws, repos)
        if not repos.parameters.has_table():
            raise InvalidInput(OLD_WORKSPACE())
        prior = already_loaded(repos, "parameters", path, digest)
    if prior is not None:
        return prior
    parsed = parse_parameters_file(path, load_parameters())
    with ws.write(dry_run=dry_run) as uow:
        new, present = _new_values(path.name, parsed, uow.repos.parameters.values())
        batch_id = record_batch(uow, "parameters", path, digest, len(parsed), len(new))
        uow.repos.parameters.add_values(batch_id, new)
    message = loaded_message("values", path.name, len(new), present, dry_run)
    warnings = tuple(
        LOW_CONFIDENCE(
            file=path.name, line=line, name=name, period=dv.period, confidence=dv.confidence
        )
        for line, name, dv in new
        if dv.confidence != "H"
    )
    return LoadResult(
        "parameters", path.name, digest, None if dry_run else batch_id, len(parsed), len(new),
        present, False, message, warnings, dry_run,
    )  # fmt: skip


def parse_parameters_file(path: Path, bundled: dict[str, Parameter[Any]]) -> list[ParsedValue]:
    """Every value of the file, checked against the bundled records and each other — or
    BatchError with all problems."""
    header, rows = read_table(path, "parameters")
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            MISSING_COLUMNS(
                name=path.name, items=", ".join(missing), items2=", ".join(COLUMNS), n=len(missing)
            ),
            field="header",
        )
    if not rows:
        raise InvalidInput(NO_ROWS(name=path.name), field="file")
    c = RowChecker(path.name)
    parsed: list[ParsedValue] = []
    for line, row in rows:
        found = _parse_row(c, line, row, bundled)
        if found is None:
            continue
        name, dv = found
        for old in bundled[name].values:
            if _overlaps(dv, old):
                c.err(
                    line, "valid_from",
                    OVERLAPS_BUNDLED(value=old.value, period=old.period, source=old.source),
                    dv.valid_from.isoformat(),
                )  # fmt: skip
                break
        for other_line, other_name, other in parsed:
            if other_name == name and _overlaps(dv, other):
                c.err(line, "valid_from", OVERLAPS_LINE(line=other_line), dv.valid_from.isoformat())
                break
        parsed.append((line, name, dv))
    if c.errors:
        raise BatchError(c.errors)
    return parsed


def _parse_row(
    c: RowChecker, line: int, row: dict[str, str], bundled: dict[str, Parameter[Any]]
) -> tuple[str, DatedValue[Decimal]] | None:
    name = row["name"]
    p = bundled.get(name)
    if p is None:
        c.err(line, "name", UNKNOWN_PARAMETER(), name)
    elif name not in DUTY_PARAMETERS:
        c.err(
            line, "name",
            NOT_LOADABLE(loadable=", ".join(DUTY_PARAMETERS)),
            name,
        )  # fmt: skip
        p = None
    start = c.day(line, row, "valid_from", required=True)
    end = c.day(line, row, "valid_to", required=False)
    c.period(line, start, end, "valid_to")
    value: Decimal | None
    try:
        value = Decimal(row["value"])
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        c.err(line, "value", NOT_A_NUMBER(), row["value"])
        value = None
    source = c.text(line, row, "source")
    confidence = row["confidence"].upper()
    if confidence not in CONFIDENCE_LEVELS:
        c.err(line, "confidence", MUST_BE_ONE_OF(items=", ".join(CONFIDENCE_LEVELS)), confidence)
    if p is None or start is None or value is None or not source:
        return None
    if confidence not in CONFIDENCE_LEVELS or (end is not None and end < start):
        return None
    return name, DatedValue(start, end, value, source, confidence, row.get("note", ""))


def _new_values(
    name: str, parsed: list[ParsedValue], stored: LoadedValues
) -> tuple[list[ParsedValue], int]:
    """The values not yet loaded and how many are already present; BatchError on a value
    that overlaps an earlier load with other figures."""
    c = RowChecker(name)
    new: list[ParsedValue] = []
    present = 0
    for line, pname, dv in parsed:
        clash = next((o for o in stored.get(pname, []) if _overlaps(dv, o)), None)
        if clash is None:
            new.append((line, pname, dv))
        elif (clash.valid_from, clash.valid_to, clash.value) == (
            dv.valid_from, dv.valid_to, dv.value
        ):  # fmt: skip
            present += 1
        else:
            c.err(
                line, "valid_from",
                OVERLAPS_LOADED(value=clash.value, period=clash.period, source=clash.source),
                dv.valid_from.isoformat(),
            )  # fmt: skip
    if c.errors:
        raise BatchError(c.errors)
    return new, present
