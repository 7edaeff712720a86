"""Money is Decimal, built through :func:`D`, which refuses floats.

Rounding happens only at the legal step that requires it, through the named
functions below, each citing the rule that asks for it.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from immex.domain.errors import InvalidInput
from immex.domain.messages import Template

NOT_A_NUMBER = Template(
    "money.not_a_number",
    "not a number: {value} (expected digits such as 1234.56)",
)
NOT_FINITE = Template("money.not_finite", "not a finite number: {value}")


ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def D(value: object) -> Decimal:  # noqa: N802 - beancount's name for the same helper
    """Build a Decimal from str, int or Decimal; refuse floats (binary fractions lie)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"refusing to build money from {type(value).__name__} {value!r}; use a str")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.startswith("."):
            text = "0" + text
        elif text.startswith("-."):
            text = "-0" + text[1:]
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise InvalidInput(NOT_A_NUMBER(value=repr(value))) from None
        if not result.is_finite():
            raise InvalidInput(NOT_FINITE(value=repr(value)))
        return result
    raise TypeError(f"cannot build a Decimal from {type(value).__name__}")


def percent(rate_pct: Decimal) -> Decimal:
    """A percentage (e.g. 16) as a fraction (0.16)."""
    return rate_pct / HUNDRED


def round_cents(amount: Decimal) -> Decimal:
    """Round to centavos, half up (intermediate amounts shown to the user)."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def round_pesos(amount: Decimal) -> Decimal:
    """Contributions are paid in whole pesos (CFF 20, 7th paragraph: amounts from
    1 to 50 centavos go down to the lower peso, from 51 to 99 up to the next)."""
    whole = amount.quantize(ONE, rounding=ROUND_DOWN)
    cents = amount - whole
    if cents > Decimal("0.50"):
        return whole + ONE
    return whole


def truncate(value: Decimal, places: int) -> Decimal:
    """Cut (not round) to ``places`` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
