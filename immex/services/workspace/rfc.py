"""The RFC of an IMMEX holder: a legal person's (persona moral) 12 characters.

Three letters of the name, the date of incorporation (YYMMDD, a real date) and the
homoclave (two characters and the check digit, computed by python-stdnum as SAT does).
A natural person's 13-character RFC (the generic ``XAXX010101000`` included) is refused:
IMMEX programmes are granted to legal persons. SAT has issued some RFCs whose last digit
does not follow the algorithm; ``accept_sat_issued`` (``--accept-sat-issued-rfc``) takes such
a number as SAT wrote it, and the caller records that it did.
"""

from __future__ import annotations

import re
from datetime import datetime

from stdnum.mx import rfc as stdnum_rfc

from immex.domain.errors import InvalidFormat
from immex.domain.messages import Template

#: what a legal person's RFC looks like (letters may include Ñ and &)
_SHAPE = re.compile(r"^[A-ZÑ&]{3}[0-9]{6}[A-Z0-9]{2}[0-9A]$")
_EXAMPLE = "EKU9003173C9"

RFC_EMPTY = Template(
    "rfc.empty", "the RFC is empty; a company's RFC has 12 characters, e.g. {example}"
)
RFC_PERSON = Template(
    "rfc.natural_person",
    "invalid RFC {rfc}: 13 characters is a natural person's RFC; an IMMEX holder is a legal "
    "person, whose RFC has 12 characters (3 letters, YYMMDD, 3-character homoclave), e.g. "
    "{example}",
)
RFC_LENGTH = Template(
    "rfc.length",
    "invalid RFC {rfc}: {length} characters; a company's RFC has 12 (3 letters, YYMMDD, "
    "3-character homoclave), e.g. {example}",
)
RFC_SHAPE = Template(
    "rfc.shape",
    "invalid RFC {rfc}: expected 3 letters, 6 digits of the date (YYMMDD) and a 3-character "
    "homoclave whose last character is a digit or A, e.g. {example}",
)
RFC_DATE = Template(
    "rfc.date",
    "invalid RFC {rfc}: {digits} is not a date (YYMMDD: the company's date of incorporation)",
)
RFC_CHECK_DIGIT = Template(
    "rfc.check_digit",
    "invalid RFC {rfc}: the check digit is {given}, the SAT algorithm gives {expected} (a typing "
    "mistake?); if SAT itself issued this RFC with this digit (see the Constancia de Situación "
    "Fiscal), add it with --accept-sat-issued-rfc",
)


def check_digit_differs(rfc: str) -> bool:
    """Whether a well-shaped RFC's last digit is not the one the algorithm gives."""
    return stdnum_rfc.calc_check_digit(rfc[:-1]) != rfc[-1]


def validate_rfc(value: str, *, accept_sat_issued: bool = False) -> str:
    """The RFC in capitals, or :class:`InvalidFormat` saying why it is not a company's RFC."""
    text = re.sub(r"[\s-]", "", value or "").upper()
    if not text:
        raise InvalidFormat(RFC_EMPTY(example=_EXAMPLE), field="rfc")
    if len(text) == 13:
        raise InvalidFormat(RFC_PERSON(rfc=text, example=_EXAMPLE), field="rfc")
    if len(text) != 12:
        raise InvalidFormat(RFC_LENGTH(rfc=text, length=len(text), example=_EXAMPLE), field="rfc")
    if not _SHAPE.match(text):
        raise InvalidFormat(RFC_SHAPE(rfc=text, example=_EXAMPLE), field="rfc")
    try:
        datetime.strptime(text[3:9], "%y%m%d")
    except ValueError:
        raise InvalidFormat(RFC_DATE(rfc=text, digits=text[3:9]), field="rfc") from None
    expected = stdnum_rfc.calc_check_digit(text[:-1])
    if expected != text[-1] and not accept_sat_issued:
        raise InvalidFormat(
            RFC_CHECK_DIGIT(rfc=text, given=text[-1], expected=expected), field="rfc"
        )
    return text
