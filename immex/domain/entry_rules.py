"""What a pedimento and a date must meet to open an Annex 24 lot or record an exit.

Pure rules (RGCE Annex 22, the layout of the pedimento number; ``docs`` FORMATS): the
7-digit part of a pedimento number starts with the last digit of its year; the year agrees
with the date of the entry (a pedimento validated in late December whose goods enter in
January is accepted, with a note); nothing is dated after today; an origin is a declared
country. Each function answers with the message a person reads, or ``None``.
"""

from __future__ import annotations

from datetime import date

from immex.domain.messages import Template

CONSECUTIVE = Template(
    "entry.consecutive",
    "the 7-digit part {part} must start with {digit}, the last digit of the year 20{year} "
    "(RGCE Annex 22); check the number",
)
LATE_DECEMBER = Template(
    "entry.late_december",
    "pedimento {number} of {year} enters on {day}: taken as validated in late December {year} "
    "and entered in January",
)
YEAR_DIFFERS = Template(
    "entry.year_differs",
    "pedimento {number} is of {year} but dated {day}: the year of a pedimento and the date of "
    "its entry agree (only a late-December pedimento may enter in January)",
)
FUTURE = Template(
    "entry.future",
    "dated after today ({today}): {what} is recorded once it has happened; check the date",
)
UNDECLARED = Template(
    "entry.undeclared_origin",
    "ZZZ (países no declarados) is not an origin for an Annex 24 lot: name the country of "
    "origin of the goods (ISO 3166 alpha-3, as on the pedimento)",
)
AFTER_FX = Template(
    "entry.after_fx",
    "{count} {what} dated after {fx_last}, the last exchange rate (FIX) of the workspace "
    "(latest {latest}): their pesos cannot be computed until newer FIX points are loaded with "
    "`immex rates load fix FILE`",
)
#: what ``future_problem`` and ``after_fx_note`` speak of
AN_ENTRY = Template("entry.what.an_entry", "an entry")()
A_SHIPMENT = Template("entry.what.a_shipment", "a shipment")()
PEDIMENTO_LINES = Template("entry.what.pedimento_lines", "pedimento line(s)")()
SHIPMENT_LINES = Template("entry.what.shipment_lines", "shipment line(s)")()

#: SAT's "países no declarados": valid in SAT's catalog, never the origin of a lot
UNDECLARED_ORIGIN = "ZZZ"


def consecutive_problem(number: str) -> str | None:
    """A 15-digit pedimento number whose 7-digit part does not start with the last digit of
    its year (``25 47 3012 6000001``)."""
    year, first = number[:2], number[8]
    if first != year[1]:
        return CONSECUTIVE(part=number[8:], digit=year[1], year=year)
    return None


def year_problem(number: str, day: date) -> tuple[str | None, str | None]:
    """``(error, note)`` on a pedimento's year and the date of its entry: the same year; or
    a pedimento of year Y entering in January of Y+1 (validated in late December), which
    is accepted with a note."""
    year = 2000 + int(number[:2])
    if day.year == year:
        return None, None
    if day.year == year + 1 and day.month == 1:
        return None, LATE_DECEMBER(number=number, year=year, day=day.isoformat())
    return YEAR_DIFFERS(number=number, year=year, day=day.isoformat()), None


def future_problem(day: date, today: date, what: str) -> str | None:
    """A ``what`` (``"an entry"``, ``"a shipment"``) dated after ``today``."""
    if day > today:
        return FUTURE(today=today.isoformat(), what=what)
    return None


def origin_problem(iso3: str) -> str | None:
    if iso3 == UNDECLARED_ORIGIN:
        return UNDECLARED()
    return None


def after_fx_note(latest: date, fx_last: date, count: int, what: str) -> str | None:
    """The warning for ``count`` rows dated after the last FIX the workspace has."""
    if latest <= fx_last:
        return None
    return AFTER_FX(count=count, what=what, fx_last=fx_last.isoformat(), latest=latest.isoformat())
