"""Tariff (LIGIE) domain types: fractions, published rates and their history.

The tariff *book* (all fractions) is built by ``immex.refdata`` and loaded at run time by
``immex.refdata.tariff_data``; this module only knows the shapes and the date rules.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from immex.domain.messages import Msg, Template, joined


class RateKind(enum.Enum):
    AD_VALOREM = "ad_valorem"  # a plain percentage, e.g. "35"
    EXEMPT = "exempt"  # "Ex." — exento, i.e. 0 %
    PROHIBITED = "prohibited"  # "Prohibida"
    OTHER = "other"  # specific or mixed duty, kept verbatim


@dataclass(frozen=True, slots=True)
class PublishedRate:
    """A rate as the LIGIE publishes it."""

    @staticmethod
    def parse(text: str) -> PublishedRate:
        """``"35"`` → ad valorem 35; ``"Ex."`` → exempt (0); ``"Prohibida"``; else verbatim."""
        raw = text.strip()
        if raw in ("Ex.", "Ex"):
            return PublishedRate("Ex.", RateKind.EXEMPT, Decimal(0))
        if raw == "Prohibida":
            return PublishedRate(raw, RateKind.PROHIBITED, None)
        if raw.replace(".", "", 1).isdigit():
            return PublishedRate(raw, RateKind.AD_VALOREM, Decimal(raw))
        return PublishedRate(raw, RateKind.OTHER, None)

    text: str  # verbatim: "35", "Ex.", "Prohibida", "0.36 Dls. por Kg"…
    kind: RateKind
    percent: Decimal | None  # ad-valorem percentage; 0 for Ex.; None otherwise

    @property
    def display(self) -> str:
        """What the CLI/JSON shows as ``igi``: "35", "0" for Ex., else the verbatim text."""
        if self.percent is not None:
            return format(self.percent.normalize(), "f")
        return self.text


#: what a period's ``certainty`` code says, in words (by code; the code itself stays in JSON)
CERTAINTY = {
    code: Template(f"tariff.certainty.{code}", text)
    for code, text in (
        ("exact", "exact"),
        ("from_unknown", "start unknown"),
        ("to_unknown", "end unknown"),
        ("both_unknown", "start and end unknown"),
        ("from_computed", "start computed"),
        ("to_computed", "end computed"),
    )
}


def certainty_text(code: str) -> Msg | str:
    """A period's certainty in words (each of its codes, ``,``-separated when several); a
    code the table does not know as it is."""
    parts = [c.strip() for c in code.split(",") if c.strip()]
    if not parts or any(c not in CERTAINTY for c in parts):
        return code
    return joined([CERTAINTY[c]() for c in parts], ", ")


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """A rate in force over a period, with the DOF source that set it.

    ``valid_from``/``valid_to`` are ``None`` when unknown/open; ``certainty`` says which
    ends were read from the text ("exact") and which could not be ("from_unknown",
    "to_unknown", "both_unknown"), never a guess.
    """

    valid_from: date | None
    valid_to: date | None
    rate: PublishedRate
    source: str
    certainty: str = "exact"
    note: str = ""

    def covers(self, when: date) -> bool:
        starts = self.valid_from is None or self.valid_from <= when
        ends = self.valid_to is None or when <= self.valid_to
        return starts and ends


@dataclass(frozen=True, slots=True)
class Nico:
    code: str  # 2 digits
    description: str
    umt_code: str  # Annex 22 / SAT unit code ("06" = PIEZA …)
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class Fraction:
    fraccion: str  # dotted, "8542.31.03"
    description: str
    heading: str  # "8542"
    heading_description: str
    subheading: str  # "8542.31"
    subheading_description: str
    umt: str  # LIGIE unit abbreviation: Kg, Pza, L, Par…
    import_rate: PublishedRate  # as published in the bundled text
    export_rate: PublishedRate
    igi_history: tuple[RatePeriod, ...] = ()
    nicos: tuple[Nico, ...] = field(default=())
    section: str = ""
    chapter: str = ""
    notes: str = ""  # the Tarifa's rate-history notes, verbatim


@dataclass(frozen=True, slots=True)
class RateAt:
    """The import rate in force on a date, and what the user must be told about it."""

    fraccion: str
    when: date
    rate: PublishedRate
    period: RatePeriod | None
    warnings: tuple[str, ...] = ()
