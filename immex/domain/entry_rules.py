"""What a pedimento and a date must meet to open an Annex 24 lot or record an exit.

Pure rules (RGCE Annex 22, the layout of the pedimento number; ``docs`` FORMATS): the
7-digit part of a pedimento number starts with the last digit of its year; the year agrees
with the date of the entry (a pedimento validated in late December whose goods enter in
January is accepted, with a note); nothing is dated after today; an origin is a declared
country. Each function answers with the message a person reads, or ``None``.
"""

from __future__ import annotations

from datetime import date

#: SAT's "países no declarados": valid in SAT's catalog, never the origin of a lot
UNDECLARED_ORIGIN = "ZZZ"


def consecutive_problem(number: str) -> str | None:
    """A 15-digit pedimento number whose 7-digit part does not start with the last digit of
    its year (``25 47 3012 6000001``)."""
    year, first = number[:2], number[8]
    if first != year[1]:
        return (
            f"the 7-digit part {number[8:]} must start with {year[1]}, the last digit of the "
            f"year 20{year} (RGCE Annex 22); check the number"
        )
    return None


def year_problem(number: str, day: date) -> tuple[str | None, str | None]:
    """``(error, note)`` on a pedimento's year and the date of its entry: the same year; or
    a pedimento of year Y entering in January of Y+1 (validated in late December), which
    is accepted with a note."""
    year = 2000 + int(number[:2])
    if day.year == year:
        return None, None
    if day.year == year + 1 and day.month == 1:
        return None, (
            f"pedimento {number} of {year} enters on {day.isoformat()}: taken as validated in "
            f"late December {year} and entered in January"
        )
    return (
        f"pedimento {number} is of {year} but dated {day.isoformat()}: the year of a "
        "pedimento and the date of its entry agree (only a late-December pedimento may enter "
        "in January)",
        None,
    )


def future_problem(day: date, today: date, what: str) -> str | None:
    """A ``what`` (``"an entry"``, ``"a shipment"``) dated after ``today``."""
    if day > today:
        return (
            f"dated after today ({today.isoformat()}): {what} is recorded once it has "
            "happened; check the date"
        )
    return None


def origin_problem(iso3: str) -> str | None:
    if iso3 == UNDECLARED_ORIGIN:
        return (
            "ZZZ (países no declarados) is not an origin for an Annex 24 lot: name the "
            "country of origin of the goods (ISO 3166 alpha-3, as on the pedimento)"
        )
    return None


def after_fx_note(latest: date, fx_last: date, count: int, what: str) -> str | None:
    """The warning for ``count`` rows dated after the last FIX the workspace has."""
    if latest <= fx_last:
        return None
    return (
        f"{count} {what} dated after {fx_last.isoformat()}, the last exchange rate (FIX) of "
        f"the workspace (latest {latest.isoformat()}): their pesos cannot be computed until "
        "newer FIX points are loaded with `immex rates load fix FILE`"
    )
