"""The IMMEX time limits of temporary imports and the status of a lot against its limit.

A good imported temporarily may stay for the months its kind allows (LA 108; RULES.md I-2):
inputs, consumables and packaging 18 months, containers and fixed assets while the program
is in force — the values are effective-dated parameters with their legal source, passed in
by the caller (:class:`LimitParameters`), never read here. A company that recorded an
IVA/IEPS certification gets the longer limit of certified companies for inputs whose clock
starts within it (RULES I-6, confidence L; :class:`LimitPolicy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from immex.domain.company import Authorization
from immex.domain.dated import DatedValue, Parameter
from immex.domain.discharge.rules import add_months
from immex.domain.errors import DataCoverageError, NotFound, ParameterNotInForce
from immex.domain.messages import Template
from immex.domain.rule_cite import confidence_msg

NO_LIMIT = Template("limits.no_limit", "no IMMEX time limit known for goods of kind {kind}")
CERTIFIED_MISSING = Template(
    "limits.certified_missing",
    "certified limit ({name}) not in the data for clocks starting {start}: the general limit "
    "of {months} months applied",
)
CERTIFIED_LIMIT_USED = Template(
    "limits.certified_used",
    "IVA/IEPS certification ({reference}, from {valid_from}): inputs get {months} months "
    "({source}; confidence {confidence} — a person must confirm)",
)
UNKNOWN_PARAMETER = Template("limits.unknown_parameter", "unknown parameter {name}; known: {items}")


class GoodsKind(StrEnum):
    """The kind of good a material is; each kind has its own time limit (RULES.md I-2)."""

    INPUT = "input"
    CONSUMABLE = "consumable"
    PACKAGING = "packaging"
    CONTAINER = "container"
    FIXED_ASSET = "fixed_asset"

    @classmethod
    def of(cls, kind: str) -> GoodsKind:
        """The kind named ``kind``; an error naming it when no time limit is known for it."""
        try:
            return cls(kind)
        except ValueError:
            raise DataCoverageError(NO_LIMIT(kind=repr(kind))) from None


INPUTS_LIMIT = "immex.limit.inputs"
CERTIFIED_LIMIT = "immex.limit.inputs_certified"
#: kind of good → name of its IMMEX time-limit parameter (RULES.md I-2; LA 108)
LIMIT_PARAMETERS: Mapping[GoodsKind, str] = {
    GoodsKind.INPUT: INPUTS_LIMIT,
    GoodsKind.CONSUMABLE: INPUTS_LIMIT,
    GoodsKind.PACKAGING: INPUTS_LIMIT,
    GoodsKind.CONTAINER: "immex.limit.containers",
    GoodsKind.FIXED_ASSET: "immex.limit.fixed_assets",
}
#: every parameter the limits read (the general ones and the certified companies' one)
PARAMETER_NAMES = (*sorted(set(LIMIT_PARAMETERS.values())), CERTIFIED_LIMIT)


@dataclass(frozen=True, slots=True)
class LimitParameters:
    """The effective-dated values of the time-limit parameters, by name."""

    parameters: Mapping[str, Parameter[Any]]

    def at(self, name: str, start: date) -> DatedValue[Any]:
        """The value of ``name`` in force on ``start`` (``ParameterNotInForce`` outside)."""
        parameter = self.parameters.get(name)
        if parameter is None:
            raise NotFound(
                UNKNOWN_PARAMETER(name=repr(name), items=", ".join(sorted(self.parameters))),
                field="parameter",
            )
        return parameter.at(start)

    def sources(self) -> dict[str, str]:
        """The legal source of the latest value of each general limit (run parameters)."""
        return {
            name: self.parameters[name].values[-1].source
            for name in sorted(set(LIMIT_PARAMETERS.values()))
            if name in self.parameters
        }


def limit_months(kind: GoodsKind | str, start: date, parameters: LimitParameters) -> int | None:
    """IMMEX time limit in months for a kind of good whose clock starts on ``start``
    (None: while the program is in force)."""
    value = parameters.at(LIMIT_PARAMETERS[GoodsKind.of(kind)], start).value
    if isinstance(value, str):
        return None
    return int(value)


@dataclass
class LimitPolicy:
    """The company's IMMEX time limits: the parameters by kind of good (LA 108), and — only
    when the company recorded an IVA/IEPS certification (``immex company certify``) — the
    longer limit of certified companies for inputs whose clock starts within it (RULES I-6,
    confidence L). ``notes`` says what was applied or could not be."""

    parameters: LimitParameters
    certifications: tuple[Authorization, ...] = ()
    notes: list[str] = field(default_factory=list)

    def months(self, kind: GoodsKind | str, start: date) -> int | None:
        base = limit_months(kind, start, self.parameters)
        if LIMIT_PARAMETERS[GoodsKind.of(kind)] != INPUTS_LIMIT:
            return base
        cert = next((c for c in self.certifications if c.covers(start)), None)
        if cert is None:
            return base
        try:
            p = self.parameters.at(CERTIFIED_LIMIT, start)
        except ParameterNotInForce:
            self._note(CERTIFIED_MISSING(name=CERTIFIED_LIMIT, start=start, months=base))
            return base
        self._note(
            CERTIFIED_LIMIT_USED(
                reference=cert.reference,
                valid_from=cert.valid_from,
                months=p.value,
                source=p.source,
                confidence=confidence_msg(p.confidence),
            )
        )
        return int(p.value)

    def limit_date(self, kind: GoodsKind | str, start: date) -> date | None:
        """The last day a lot of ``kind`` whose clock starts on ``start`` may be discharged."""
        months = self.months(kind, start)
        return None if months is None else add_months(start, months)

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def describe(self) -> list[dict[str, str]]:
        return [
            {"from": str(c.valid_from), "to": str(c.valid_to or ""), "reference": c.reference}
            for c in self.certifications
        ]


class LotStatus(StrEnum):
    """Where a lot with an open balance stands against its limit on a date."""

    OPEN = "open"
    #: within the warning window (``immex expiry --within``) of its limit
    NEAR = "near"
    #: past its limit: regularise with pedimento A3 (LA 108; RULES.md I-4)
    EXPIRED = "expired"


def lot_status(days_left: int | None, within: int | None) -> LotStatus:
    """``days_left`` until the limit (None: no limit); ``within`` the warning window."""
    if days_left is None:
        return LotStatus.OPEN
    if days_left < 0:
        return LotStatus.EXPIRED
    if within is not None and days_left <= within:
        return LotStatus.NEAR
    return LotStatus.OPEN
