"""The company a workspace keeps the books of, and the authorisations it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: the company's IVA/IEPS certification (RULES I-6: longer IMMEX limits, RGCE 7.3.3)
IVA_IEPS_CERTIFICATION = "iva_ieps_certification"


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    rfc: str
    name: str
    immex_program: str | None
    prosec_sectors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Authorization:
    kind: str
    valid_from: date
    valid_to: date | None
    reference: str

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: Authorization) -> bool:
        return self.valid_from <= (other.valid_to or date.max) and other.valid_from <= (
            self.valid_to or date.max
        )
