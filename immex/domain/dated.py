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
from immex.domain.messages import Template

ENDS_BEFORE = Template("dated.ends_before", "dated value ends ({end}) before it starts ({start})")
BAD_CONFIDENCE = Template("dated.bad_confidence", "confidence must be one of {levels}, not {value}")
NOT_IN_FORCE = Template(
    "dated.not_in_force",
    "parameter {name} has no value in force on {day} (known periods: {known}); load or correct "
    "the parameter data",
)


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
                ENDS_BEFORE(end=self.valid_to.isoformat(), start=self.valid_from.isoformat())
            )
        if self.confidence not in CONFIDENCE_LEVELS:
            raise InvalidInput(
                BAD_CONFIDENCE(levels=", ".join(CONFIDENCE_LEVELS), value=repr(self.confidence))
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
                NOT_IN_FORCE(name=repr(self.name), day=when.isoformat(), known=known),
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
