"""Effective-dated values with citations (OpenFisca-style parameters).

Every rate, fee, limit and percentage is data: a value keyed by the date it takes
effect, with an optional end, its legal source and a confidence flag. A lookup before
the first date (or in a gap) raises :class:`ParameterNotInForce` naming the parameter
and the date — never a silent fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from immex.domain.errors import InvalidInput, ParameterNotInForce

T = TypeVar("T")

#: H = read in the official consolidated text; M = secondary sources; L = single weak source
CONFIDENCE_LEVELS = ("H", "M", "L")


@dataclass(frozen=True, slots=True)
class DatedValue(Generic[T]):
    """A value in force from ``valid_from`` to ``valid_to`` (inclusive; None = open)."""

    valid_from: date
    valid_to: date | None
    value: T
    source: str
    confidence: str = "H"
    note: str = ""

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InvalidInput(
                f"dated value ends ({self.valid_to.isoformat()}) before it starts "
                f"({self.valid_from.isoformat()})"
            )
        if self.confidence not in CONFIDENCE_LEVELS:
            raise InvalidInput(
                f"confidence must be one of {', '.join(CONFIDENCE_LEVELS)}, not {self.confidence!r}"
            )

    @property
    def period(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "open"
        return f"{self.valid_from.isoformat()} … {end}"

    def covers(self, when: date) -> bool:
        return self.valid_from <= when and (self.valid_to is None or when <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Parameter(Generic[T]):
    """A named, effective-dated parameter."""

    name: str
    description: str
    unit: str
    values: tuple[DatedValue[T], ...]

    @classmethod
    def of(
        cls, name: str, description: str, unit: str, values: Iterable[DatedValue[T]]
    ) -> Parameter[T]:
        ordered = tuple(sorted(values, key=lambda v: v.valid_from))
        return cls(name, description, unit, ordered)

    def at(self, when: date) -> DatedValue[T]:
        """The value in force on ``when``; the latest-starting one wins on overlap."""
        found = [v for v in self.values if v.covers(when)]
        if not found:
            known = "; ".join(v.period for v in self.values) or "no values"
            raise ParameterNotInForce(
                f"parameter {self.name!r} has no value in force on {when.isoformat()} "
                f"(known periods: {known}); load or correct the parameter data",
                field=self.name,
            )
        return found[-1]


def value_at(values: Sequence[DatedValue[T]], when: date) -> DatedValue[T] | None:
    """The record in force on ``when`` (latest start wins), or None."""
    best: DatedValue[T] | None = None
    for v in values:
        if v.covers(when) and (best is None or v.valid_from >= best.valid_from):
            best = v
    return best
