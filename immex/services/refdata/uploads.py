"""Loading a newer reference file from the web (``/refdata``): the services ``immex rates
load KIND FILE [--dry-run]`` calls — FIX and INPC series, PROSEC lists, agreement
schedules, LIGIE amendments, the Annex I/II lists and an official tariff workbook —
all-or-nothing, a dry run writing nothing, every refused line in the BatchError."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services.rates.annex_load import KIND as ANNEX_KIND
from immex.services.rates.annex_load import load_annex_file
from immex.services.rates.batches import file_digest
from immex.services.rates.loading import load_rates
from immex.services.rates.series import SERIES, load_series
from immex.services.rates.tariff_load import load_tariff
from immex.services.workspace.context import Workspace

UNKNOWN_KIND = Template("refdata.upload.unknown_kind", "unknown kind {kind}; one of {kinds}")
TARIFF_NEEDS_DATE = Template(
    "refdata.upload.tariff_needs_date",
    "a tariff workbook needs the date its rates are in force (`--in-force-from`)",
)

#: what may be loaded, in the order the page offers them (``immex rates load KIND``)
KINDS = ("fix", "inpc", "prosec", "fta", "amendments", ANNEX_KIND, "tariff")


@dataclass(frozen=True, slots=True)
class ReferenceLoad:
    kind: str
    file: str
    sha256: str
    dry_run: bool
    message: str
    warnings: tuple[str, ...]


def load_reference(
    ws: Workspace, kind: str, path: Path, *, dry_run: bool,
    in_force_from: date | None = None, source: str = "",
) -> ReferenceLoad:  # fmt: skip
    """Load (or, ``dry_run``, only check) one reference file of ``kind``; a tariff workbook
    needs the date its rates are in force and what it is (``--in-force-from``,
    ``--source``)."""
    digest = file_digest(path)
    if kind not in KINDS:
        raise InvalidInput(UNKNOWN_KIND(kind=repr(kind), kinds=", ".join(KINDS)), field="kind")
    if kind == "tariff":
        if in_force_from is None:
            raise InvalidInput(TARIFF_NEEDS_DATE(), field="in_force_from")
        loaded = load_tariff(ws, path, in_force_from, source, dry_run=dry_run)
        warnings = loaded.result.warnings if loaded.result else ()
        return ReferenceLoad(kind, path.name, digest, dry_run, loaded.message, tuple(warnings))
    if kind in SERIES:
        result = load_series(ws, kind, path, dry_run=dry_run)
    elif kind == ANNEX_KIND:
        result = load_annex_file(ws, path, dry_run=dry_run)
    else:
        result = load_rates(ws, kind, path, dry_run=dry_run)
    return ReferenceLoad(kind, path.name, digest, dry_run, result.message, tuple(result.warnings))
