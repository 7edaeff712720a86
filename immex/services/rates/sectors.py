"""The PROSEC sector catalog (Decree art. 3), bundled with a citation per row
(``immex rates sectors``), and the sector codes a user may name."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from immex.domain.errors import InvalidFormat, InvalidInput
from immex.domain.messages import Template
from immex.domain.rates import Sector
from immex.store.unit import Repositories

NOT_A_SECTOR = Template(
    "prosec.not_a_sector",
    "not a PROSEC sector: {text}; expected a Roman numeral I … XXIII (Decree art. 3)",
)
UNKNOWN_SECTOR = Template(
    "prosec.unknown_sector",
    "unknown PROSEC sector {code}; the catalog has {items} (sources disagree on 23 vs 24 "
    "sectors; load a list naming the sector first)",
)


SECTORS_CSV = Path(__file__).resolve().parents[2] / "refdata" / "sources" / "prosec_sectors.csv"
ROMAN = re.compile(r"^[IVXL]+$")


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
    if not ROMAN.match(code):
        raise InvalidFormat(
            NOT_A_SECTOR(text=repr(text)),
            field="prosec",
        )
    allowed = set(sector_codes() if known is None else known)
    if code not in allowed:
        raise InvalidInput(
            UNKNOWN_SECTOR(code=repr(code), items=", ".join(sector_codes())),
            field="prosec",
        )
    return code


def sync_sector_catalog(repos: Repositories) -> set[str]:
    """Put the bundled sector catalog into the workspace (insert the missing codes); the
    codes the workspace then knows."""
    have = repos.rates.sector_codes()
    for s in sector_catalog():
        if s.code not in have:
            repos.rates.add_sector(s)
            have.add(s.code)
    return have
