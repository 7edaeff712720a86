"""A heading or a subheading of the Tarifa with what it holds: ``immex tariff show 8471``
lists the subheadings of heading 84.71 (each with its fracciones), ``immex tariff show
8471.80`` the fracciones of subheading 8471.80 — each with its import rate in force on the
date (a LIGIE amendment loaded into the workspace wins over the bundled text)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from immex.domain.errors import InvalidFormat, NotFound
from immex.domain.messages import Template
from immex.domain.rate_notes import AMENDED_SOURCE
from immex.domain.rates import AmendmentRow
from immex.refdata.tariff_data import TariffBook, load_tariff_book

BAD_CODE = Template(
    "tariff.bad_code",
    "not a tariff code: {code!r}; give a heading (4 digits: 8471), a subheading (6: 8471.80), "
    "a fracción (8: 8471.80.91) or a fracción with its NICO (10: 8471.80.91.00)",
)
NO_HEADING = Template(
    "tariff.no_heading",
    "heading {code} is not in the LIGIE Tarifa (bundled text); search by description with "
    "`immex tariff search`",
)
NO_SUBHEADING = Template(
    "tariff.no_subheading",
    "subheading {code} is not in the LIGIE Tarifa (bundled text); see the subheadings of its "
    "heading with `immex tariff show {heading}`",
)
AMENDED = AMENDED_SOURCE

_SEPARATORS = re.compile(r"[\s.\-]")

#: ``(fracción, date) → the loaded amendment in force`` (None: the bundled text alone)
Amendments = Callable[[str, date], AmendmentRow | None]


def code_level(code: str) -> str:
    """``heading``, ``subheading`` or ``fraction`` by the number of digits of ``code``."""
    digits = _SEPARATORS.sub("", str(code).strip())
    if digits.isdigit():
        level = {4: "heading", 6: "subheading", 8: "fraction", 10: "fraction"}.get(len(digits))
        if level:
            return level
    raise InvalidFormat(BAD_CODE(code=str(code).strip()), field="fraccion")


def _digits(code: str) -> str:
    return _SEPARATORS.sub("", str(code).strip())


def _fraction_rows(
    book: TariffBook, codes: list[str], as_of: date, amendments: Amendments | None
) -> list[dict[str, Any]]:
    rows = []
    for code in codes:
        frac = book.get(code)
        rate_at = book.import_rate_at(code, as_of)
        amendment = amendments(code, as_of) if amendments else None
        igi = amendment.rate if amendment is not None else rate_at.rate
        source = rate_at.period.source if rate_at.period else None
        rows.append(
            {
                "fraccion": frac.fraccion,
                "description": frac.description,
                "umt": frac.umt,
                "igi": igi.display,
                "igi_source": AMENDED(source=amendment.source) if amendment else source,
                "igi_published": frac.import_rate.display,
                "nicos": len(frac.nicos),
            }
        )
    return rows


def show_group(
    code: str,
    as_of: date,
    amendments: Amendments | None = None,
    book: TariffBook | None = None,
) -> dict[str, Any]:
    """A heading (``8471``: its subheadings, each with its fracciones) or a subheading
    (``8471.80``: its fracciones), with the rate of each fracción in force on ``as_of``."""
    tb = book if book is not None else load_tariff_book()
    digits = _digits(code)
    level = code_level(code)
    heading = f"{digits[:2]}.{digits[2:4]}"
    heading_description = tb.heading_description(heading)
    if not heading_description:
        raise NotFound(NO_HEADING(code=heading), field="fraccion")
    under = [c for c in tb.codes() if _digits(c).startswith(digits)]
    doc: dict[str, Any] = {
        "level": level,
        "code": heading if level == "heading" else f"{digits[:4]}.{digits[4:]}",
        "as_of": as_of.isoformat(),
        "chapter": digits[:2],
        "heading": heading,
        "heading_description": heading_description,
    }
    if level == "subheading":
        sub = doc["code"]
        if not under:
            raise NotFound(NO_SUBHEADING(code=sub, heading=digits[:4]), field="fraccion")
        doc["description"] = tb.heading_description(sub)
        doc["fractions"] = _fraction_rows(tb, under, as_of, amendments)
        return doc
    doc["description"] = heading_description
    subheadings: dict[str, list[str]] = {}
    for c in under:
        subheadings.setdefault(c[:7], []).append(c)
    doc["subheadings"] = [
        {
            "subheading": sub,
            "description": tb.heading_description(sub),
            "fractions": _fraction_rows(tb, codes, as_of, amendments),
        }
        for sub, codes in subheadings.items()
    ]
    return doc
