"""Compare a published tariff (an official workbook) with the rates in force on a date.

Pure: the caller gives, per fraction, the rate and unit the workbook publishes and the rate
and unit in force (bundled LIGIE plus amendments already loaded). The result says what
changed — up, down, changed in kind (e.g. ad valorem → specific), new fractions, fractions
in force that the workbook lacks, unit changes — and which amendments would record it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from immex.domain.rates import AmendmentRow
from immex.domain.tariff import PublishedRate


class ChangeKind(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    KIND = "kind"  # not comparable as percentages: exempt ↔ specific, prohibited …


@dataclass(frozen=True, slots=True)
class Published:
    fraccion: str
    rate: PublishedRate
    unit: str  # canonical unit code ("" when the workbook has none)


@dataclass(frozen=True, slots=True)
class InForce:
    rate: PublishedRate
    unit: str


@dataclass(frozen=True, slots=True)
class RateChange:
    fraccion: str
    kind: ChangeKind
    before: PublishedRate
    after: PublishedRate


@dataclass(frozen=True, slots=True)
class UnitChange:
    fraccion: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class TariffDiff:
    changes: tuple[RateChange, ...]
    new: tuple[Published, ...]  # in the workbook, not in the tariff in force
    missing: tuple[str, ...]  # in force, not in the workbook
    unit_changes: tuple[UnitChange, ...]
    unchanged: int

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.kind is kind)

    def amendments(self, valid_from: date, source: str) -> list[AmendmentRow]:
        """One dated amendment per rate change (new fractions are not amendments: the tariff
        in force has no row to amend; the caller reports them)."""
        return [AmendmentRow(c.fraccion, c.after, valid_from, None, source) for c in self.changes]


def _kind(before: PublishedRate, after: PublishedRate) -> ChangeKind | None:
    if before.percent is not None and after.percent is not None:
        if after.percent > before.percent:
            return ChangeKind.UP
        if after.percent < before.percent:
            return ChangeKind.DOWN
        return None
    if before.kind == after.kind and before.text.strip() == after.text.strip():
        return None
    return ChangeKind.KIND


def compare_tariff(published: Sequence[Published], in_force: Mapping[str, InForce]) -> TariffDiff:
    changes: list[RateChange] = []
    units: list[UnitChange] = []
    new: list[Published] = []
    unchanged = 0
    seen: set[str] = set()
    for row in sorted(published, key=lambda r: r.fraccion):
        seen.add(row.fraccion)
        current = in_force.get(row.fraccion)
        if current is None:
            new.append(row)
            continue
        kind = _kind(current.rate, row.rate)
        if kind is None:
            unchanged += 1
        else:
            changes.append(RateChange(row.fraccion, kind, current.rate, row.rate))
        if row.unit and current.unit and row.unit != current.unit:
            units.append(UnitChange(row.fraccion, current.unit, row.unit))
    missing = tuple(sorted(code for code in in_force if code not in seen))
    return TariffDiff(tuple(changes), tuple(new), missing, tuple(units), unchanged)
