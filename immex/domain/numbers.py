"""Numbers as files write them: a point before the decimals, commas only between thousands.

A comma that cannot be a thousands separator (``2,5``, ``1,50``) is a decimal comma — an
export from a spreadsheet set to another locale. Reading it as a thousands separator would
turn 2.5 into 25 without a word, so it is refused with the reason.
"""

from __future__ import annotations

import re

from immex.domain.errors import InvalidFormat
from immex.domain.messages import Template

DECIMAL_COMMA = Template(
    "number.decimal_comma",
    "the comma in {text} is not a thousands separator: write decimals with a point (2.5, not 2,5)",
)


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def ungrouped(text: str) -> str:
    """``"1,234.5"`` → ``"1234.5"``; text without commas as it is; a decimal comma refused."""
    s = text.strip()
    if "," not in s:
        return s
    if _GROUPED.fullmatch(s):
        return s.replace(",", "")
    raise InvalidFormat(DECIMAL_COMMA(text=repr(s)))
