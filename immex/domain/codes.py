"""Codes of Mexican foreign trade: fracción arancelaria, NICO, pedimento number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from immex.domain.errors import InvalidFormat
from immex.domain.messages import Template

NOT_FRACTION = Template(
    "code.not_fraction",
    "not a tariff fraction: {raw}; expected 8 digits (8542.31.03 or 85423103) or 10 with the "
    "NICO (8542.31.03.01)",
)
NOT_PEDIMENTO = Template(
    "code.not_pedimento",
    "not a pedimento number: {raw}; expected 15 digits 'AA AD PPPP NNNNNNN' (e.g. 25 47 3012 "
    "5001234)",
)
PEDIMENTO_YEAR = Template(
    "code.pedimento_year",
    "pedimento {raw}: the 7-digit number must start with the last digit of the year {year} "
    "({digit}), found {first}",
)


_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True, slots=True)
class TariffCode:
    """An 8-digit fracción with an optional 2-digit NICO."""

    fraccion: str  # 8 digits, no dots
    nico: str | None = None

    @property
    def dotted(self) -> str:
        return dotted_fraccion(self.fraccion)

    def __str__(self) -> str:
        return self.dotted + (f".{self.nico}" if self.nico else "")


def dotted_fraccion(digits: str) -> str:
    """``85423103`` → ``8542.31.03``."""
    return f"{digits[:4]}.{digits[4:6]}.{digits[6:8]}"


def parse_tariff_code(text: str) -> TariffCode:
    """Accept ``8542.31.03``, ``85423103``, ``8542.31.03.01`` or ``8542310301``."""
    raw = str(text).strip()
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or len(digits) not in (8, 10):
        raise InvalidFormat(NOT_FRACTION(raw=repr(raw)), field="fraccion")
    return TariffCode(digits[:8], digits[8:] or None)


def normalize_fraccion(text: str) -> str:
    """The dotted 8-digit fracción of any accepted spelling (the NICO is dropped)."""
    return parse_tariff_code(text).dotted


@dataclass(frozen=True, slots=True)
class PedimentoNumber:
    """``AA AD PPPP NNNNNNN`` (RGCE Annex 22): year, office, patent, 7-digit consecutive."""

    year: str  # 2 digits
    office: str  # 2 digits
    patent: str  # 4 digits
    number: str  # 7 digits: last digit of the year + 6-digit consecutive

    @property
    def compact(self) -> str:
        return f"{self.year}{self.office}{self.patent}{self.number}"

    def __str__(self) -> str:
        return format_pedimento(self.compact)


def format_pedimento(number: str) -> str:
    """How a person reads a pedimento number: ``262430126000276`` → ``26 24 3012 6000276``
    (``YY AD PPPP NNNNNNN``: year, customs office, patent, consecutive). Anything that is
    not 15 digits (an export invoice, a shipment document) is returned as it is; JSON and
    the store keep the 15 digits."""
    text = str(number)
    if len(text) == 15 and text.isdigit():
        return f"{text[:2]} {text[2:4]} {text[4:8]} {text[8:]}"
    return text


def parse_pedimento_number(text: str, *, check_year: bool = True) -> PedimentoNumber:
    """Validate a 15-digit pedimento number (spaces or dashes optional).

    The first digit of the 7-digit part is the last digit of the validation year;
    it may differ by one around New Year or on consolidated pedimentos.
    """
    raw = str(text).strip()
    digits = _SEPARATORS.sub("", raw)
    if not digits.isdigit() or len(digits) != 15:
        raise InvalidFormat(NOT_PEDIMENTO(raw=repr(raw)), field="pedimento")
    ped = PedimentoNumber(digits[:2], digits[2:4], digits[4:8], digits[8:])
    if check_year:
        year_digit = int(ped.year[1])
        first = int(ped.number[0])
        if first not in (year_digit, (year_digit + 1) % 10, (year_digit - 1) % 10):
            raise InvalidFormat(
                PEDIMENTO_YEAR(raw=repr(raw), year=f"20{ped.year}", digit=year_digit, first=first),
                field="pedimento",
            )
    return ped
