"""Pedimento identity across SAT files: (year, aduana, patente, 7-digit number).

Data Stage and archivo M rows carry only patente + 7-digit pedimento + aduana; the year
comes from a date of the same row. The first digit of the 7-digit number is the last digit
of the validation year (RGCE Annex 22); around New Year and on consolidated pedimentos the
payment date may fall in the next (or previous) year, so the year chosen is the one within
±1 of the date's year that ends in that digit.
"""

from __future__ import annotations

from dataclasses import dataclass

from immex.domain.codes import format_pedimento


@dataclass(frozen=True, slots=True, order=True)
class SatKey:
    year: int
    aduana: str  # 3 digits
    patente: str  # 4 digits
    pedimento: str  # 7 digits

    @property
    def number(self) -> str:
        """The 15-digit pedimento number ``AA AD PPPP NNNNNNN`` without spaces."""
        return f"{self.year % 100:02d}{self.aduana[:2]}{self.patente}{self.pedimento}"

    def __str__(self) -> str:
        return format_pedimento(self.number)


def pedimento_year(pedimento: str, ref_year: int) -> tuple[int, bool]:
    """(year, consistent): the year within ±1 of ``ref_year`` whose last digit is the
    pedimento's first digit; ``(ref_year, False)`` when none is."""
    if not pedimento[:1].isdigit():
        return ref_year, False
    digit = int(pedimento[0])
    for year in (ref_year, ref_year - 1, ref_year + 1):
        if year % 10 == digit:
            return year, True
    return ref_year, False
