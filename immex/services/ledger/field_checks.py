"""Checks of one field of a ledger file: numbers, dates, pedimento numbers and keys,
countries, units and fracciones (the last four against the bundled reference data).

Each takes the cell's text and returns the stored value or raises :class:`InvalidInput`
(or another :class:`ImmexError`) whose message says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from immex.domain.codes import parse_pedimento_number, parse_tariff_code
from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.messages import Template
from immex.domain.numbers import ungrouped
from immex.refdata.bundled import load_catalogs
from immex.refdata.tariff_data import load_tariff_book

UNKNOWN_COUNTRY = Template(
    "check.unknown_country",
    "unknown country; expected an ISO 3166 alpha-3 code such as USA, CHN",
)
NOT_AN_ADUANA = Template(
    "check.not_an_aduana",
    "aduana {code} (digits 3-4 of the number) is not a customs office of SAT's catalog (RGCE "
    "Annex 22, appendix 1); check the number",
)
NOT_IN_TARIFF = Template("check.not_in_tariff", "fracción not in the bundled LIGIE tariff")
NOT_A_NUMBER = Template("check.not_a_number", "not a number")
TOO_MANY_DECIMALS = Template("check.too_many_decimals", "more than {places} decimals")
NOT_POSITIVE = Template("check.not_positive", "must be greater than zero")
NEGATIVE = Template("check.negative", "must not be negative")
NOT_A_DATE = Template("check.not_a_date", "not a date (expected YYYY-MM-DD)")


#: decimals kept: quantities in micro-units, USD values in ten-thousandths, FX rates
QUANTITY_PLACES = 6
VALUE_PLACES = 4
FX_PLACES = 6


def require_reference_data(columns: list[str]) -> None:
    """Load the catalogs (and the tariff, when a column holds fracciones) that the checks of
    these columns read, once per process: a missing reference table is one clear error
    before any row is read."""
    load_catalogs()
    if "fraccion" in columns:
        load_tariff_book()


def check_unit(text: str) -> str:
    """The canonical unit (SAT UMT code) of a LIGIE abbreviation or Annex 22 code."""
    return str(load_catalogs().normalize_unit(text))


def check_country(iso3: str) -> str:
    code = iso3.strip().upper()
    if not load_catalogs().is_country(code):
        raise InvalidInput(UNKNOWN_COUNTRY())
    return code


def check_customs_office(code: str) -> str:
    """The 2-digit customs office (aduana) of a pedimento number, in SAT's catalog."""
    try:
        load_catalogs().customs_office(code)
    except ImmexError:
        raise InvalidInput(NOT_AN_ADUANA(code=code)) from None
    return code


def check_pedimento_key(code: str) -> str:
    key = code.strip().upper()
    load_catalogs().pedimento_key(key)
    return key


def check_fraccion(text: str) -> str:
    """The dotted fracción, checked against the bundled tariff."""
    code = parse_tariff_code(text).dotted
    if code not in load_tariff_book():
        raise InvalidInput(NOT_IN_TARIFF())
    return code


def fixed(text: str, places: int) -> int:
    """A decimal text as an integer scaled by 10**places; refuses more decimals."""
    s = text.strip()
    head, dot, tail = s.partition(".")
    if head.isdigit() and (not dot or tail.isdigit()) and len(tail) <= places:
        return int(head) * int(10**places) + (int(tail.ljust(places, "0")) if tail else 0)
    try:
        value = Decimal(ungrouped(s)) if s else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(NOT_A_NUMBER())
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise InvalidInput(TOO_MANY_DECIMALS(places=places))
    return int(scaled)


def positive(places: int) -> Callable[[str], int]:
    """A check of a number greater than zero, scaled by 10**places."""

    def check(text: str) -> int:
        n = fixed(text, places)
        if n <= 0:
            raise InvalidInput(NOT_POSITIVE())
        return n

    return check


def non_negative(places: int) -> Callable[[str], int]:
    """A check of a number of zero or more, scaled by 10**places."""

    def check(text: str) -> int:
        n = fixed(text, places)
        if n < 0:
            raise InvalidInput(NEGATIVE())
        return n

    return check


def check_fx(text: str) -> str:
    """An exchange rate greater than zero, kept as written."""
    if fixed(text, FX_PLACES) <= 0:
        raise InvalidInput(NOT_POSITIVE())
    return text


#: parsed texts (a big file repeats its dates and pedimento numbers on many rows)
_DATES: dict[str, date] = {}
_DATES_MAX = 100_000
_PEDIMENTOS: dict[str, str] = {}
_PEDIMENTOS_MAX = 200_000


def parse_day(text: str) -> date:
    found = _DATES.get(text)
    if found is None:
        try:
            found = date.fromisoformat(text.strip()[:10])
        except ValueError:
            raise InvalidInput(NOT_A_DATE()) from None
        if len(_DATES) < _DATES_MAX:
            _DATES[text] = found
    return found


def parse_pedimento(text: str) -> str:
    """The compact 15-digit pedimento number of its written form."""
    found = _PEDIMENTOS.get(text)
    if found is None:
        found = parse_pedimento_number(text).compact
        if len(_PEDIMENTOS) < _PEDIMENTOS_MAX:
            _PEDIMENTOS[text] = found
    return found
