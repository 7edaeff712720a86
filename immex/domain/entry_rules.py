"""What a pedimento and a date must meet to open an Annex 24 lot or record an exit.

Pure rules (RGCE Annex 22, the layout of the pedimento number; ``docs`` FORMATS): the
7-digit part of a pedimento number starts with the last digit of its year; the year agrees
with the date of the entry (a pedimento validated in late December whose goods enter in
January is accepted, with a note); nothing is dated after today; an origin is a declared
country. Each function answers with the message a person reads, or ``None``.
"""

from __future__ import annotations

from datetime import date

from immex.domain.messages import Msg, Template

#: SAT's "países no declarados": valid in SAT's catalog, never the origin of a lot
UNDECLARED_ORIGIN = "ZZZ"

CONSECUTIVE = Template(
    "import.consecutive_year",
    "the 7-digit part {part} must start with {digit}, the last digit of the year {year} "
    "(RGCE Annex 22); check the number",
)
LATE_DECEMBER = Template(
    "import.late_december",
    "pedimento {number} of {year} enters on {day}: taken as validated in late December {year} "
    "and entered in January",
)
OTHER_YEAR = Template(
    "import.pedimento_other_year",
    "pedimento {number} is of {year} but dated {day}: the year of a pedimento and the date of "
    "its entry agree (only a late-December pedimento may enter in January)",
)
#: a lot or a shipment dated after today
FUTURE_ENTRY = Template(
    "import.future_entry",
    "dated after today ({today}): an entry is recorded once it has happened; check the date",
)
FUTURE_SHIPMENT = Template(
    "import.future_shipment",
    "dated after today ({today}): a shipment is recorded once it has happened; check the date",
)
NOT_AN_ORIGIN = Template(
    "import.undeclared_origin",
    "ZZZ (países no declarados) is not an origin for an Annex 24 lot: name the country of "
    "origin of the goods (ISO 3166 alpha-3, as on the pedimento)",
)
_AFTER_FX = (
    "dated after {fx_last}, the last exchange rate (FIX) of the workspace (latest {latest}): "
    "{their} pesos cannot be computed until newer FIX points are loaded with `immex rates "
    "load fix FILE`"
)
#: rows dated after the last FIX: pedimento lines, shipment lines
LOTS_AFTER_FX = Template(
    "import.after_fx_lots",
    "{count} pedimento line " + _AFTER_FX.replace("{their}", "its"),
    "{count} pedimento lines " + _AFTER_FX.replace("{their}", "their"),
    count="count",
)
SHIPMENTS_AFTER_FX = Template(
    "import.after_fx_shipments",
    "{count} shipment line " + _AFTER_FX.replace("{their}", "its"),
    "{count} shipment lines " + _AFTER_FX.replace("{their}", "their"),
    count="count",
)


def consecutive_problem(number: str) -> Msg | None:
    """A 15-digit pedimento number whose 7-digit part does not start with the last digit of
    its year (``25 47 3012 6000001``)."""
    year, first = number[:2], number[8]
    if first != year[1]:
        return CONSECUTIVE(part=number[8:], digit=year[1], year=f"20{year}")
    return None


def year_problem(number: str, day: date) -> tuple[Msg | None, Msg | None]:
    """``(error, note)`` on a pedimento's year and the date of its entry: the same year; or
    a pedimento of year Y entering in January of Y+1 (validated in late December), which
    is accepted with a note."""
    year = 2000 + int(number[:2])
    if day.year == year:
        return None, None
    if day.year == year + 1 and day.month == 1:
        return None, LATE_DECEMBER(number=number, year=year, day=day.isoformat())
    return OTHER_YEAR(number=number, year=year, day=day.isoformat()), None


def future_problem(day: date, today: date, message: Template) -> Msg | None:
    """A lot or a shipment (``message``: :data:`FUTURE_ENTRY`, :data:`FUTURE_SHIPMENT`)
    dated after ``today``."""
    if day > today:
        return message(today=today.isoformat())
    return None


def origin_problem(iso3: str) -> Msg | None:
    if iso3 == UNDECLARED_ORIGIN:
        return NOT_AN_ORIGIN()
    return None


def after_fx_note(latest: date, fx_last: date, count: int, message: Template) -> Msg | None:
    """The warning for ``count`` rows (``message``: :data:`LOTS_AFTER_FX`,
    :data:`SHIPMENTS_AFTER_FX`) dated after the last FIX the workspace has."""
    if latest <= fx_last:
        return None
    return message(count=count, fx_last=fx_last.isoformat(), latest=latest.isoformat())
