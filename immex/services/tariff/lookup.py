"""Tariff use cases: show a fracción with the rate in force on a date, search descriptions.

The CLI, the API and the web pages call these functions; they return plain dicts ready for
JSON (Decimal/date values are converted by ``services.inputs.jsonable``). The rate services
ask it for the bundled LIGIE rate in force (:func:`mfn_lookup`) and whether a fracción or
a NICO exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from immex.domain.codes import parse_tariff_code
from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.ligie_notes import note_msg, source_msg
from immex.domain.messages import Template
from immex.domain.rate_notes import AMENDED_SOURCE
from immex.domain.rates import AmendmentRow, MfnLookup
from immex.domain.tariff import Fraction, Nico, RateAt, RatePeriod, certainty_text
from immex.refdata.tariff_data import REFORM_WARNINGS, TariffBook, load_tariff_book

AMENDMENT_GIVES_RATE = Template(
    "tariff.amendment_gives_rate",
    "bundled LIGIE note (the loaded amendment gives the rate): {note}",
)
SEARCH_EMPTY = Template(
    "tariff.search_empty",
    "search text is empty; give words such as 'circuitos integrados'",
)
BAD_LIMIT = Template("tariff.bad_limit", "--limit must be at least 1 (got {limit})")


def _book(book: TariffBook | None) -> TariffBook:
    return book if book is not None else load_tariff_book()


def period_dict(p: RatePeriod) -> dict[str, Any]:
    """One period of the rate history; its source and note as messages of the catalog (the
    stored English read back, :mod:`immex.domain.ligie_notes`), shown in the reader's
    language."""
    return {
        "valid_from": p.valid_from.isoformat() if p.valid_from else None,
        "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        "rate": p.rate.display,
        "rate_text": p.rate.text,
        "source": source_msg(p.source),
        "certainty": p.certainty,
        "certainty_text": certainty_text(p.certainty),
        "note": note_msg(p.note),
    }


def show(
    code: str,
    as_of: date,
    warnings: list[str] | None = None,
    book: TariffBook | None = None,
    amendment: AmendmentRow | None = None,
) -> dict[str, Any]:
    """Everything about one fracción, with the import rate in force on ``as_of``; a loaded
    LIGIE amendment covering that date (``amendment``) is the rate in force."""
    tb = _book(book)
    frac: Fraction = tb.get(code)
    rate_at = tb.import_rate_at(frac.fraccion, as_of)
    all_warnings = list(warnings or []) + _bundled_warnings(rate_at, amendment)
    igi, igi_source = rate_at.rate, rate_at.period.source if rate_at.period else None
    if amendment is not None:
        igi, igi_source = amendment.rate, AMENDED_SOURCE(source=amendment.source)
    nicos = [_nico_dict(frac, n) for n in frac.nicos]
    asked = parse_tariff_code(code).nico
    return {
        "level": "fraction",
        "fraccion": frac.fraccion,
        "description": frac.description,
        "section": frac.section,
        "chapter": frac.chapter,
        **context(frac),
        "umt": frac.umt,
        "as_of": as_of.isoformat(),
        "igi": igi.display,
        "igi_kind": igi.kind.value,
        "igi_source": igi_source,
        "igi_bundled": rate_at.rate.display,
        "igi_published": frac.import_rate.display,
        "export_rate": frac.export_rate.display,
        "igi_history": [period_dict(p) for p in frac.igi_history],
        "notes": frac.notes,
        # the NICO asked for with a 10-digit code (None for an 8-digit one)
        "nico": next((n for n in nicos if n["nico"] == asked), None) if asked else None,
        "nicos": nicos,
        "warnings": all_warnings,
        "data": {
            "source": tb.coverage.source,
            "last_reform": tb.coverage.last_reform,
            "fractions_modified_by": tb.coverage.fractions_modified_by,
            "not_included": list(tb.coverage.not_included),
        },
    }


def _bundled_warnings(rate_at: RateAt, amendment: AmendmentRow | None) -> list[str]:
    """The bundled text's warnings; those about a reform are moot when a loaded amendment
    in force since that reform gives the rate (an official workbook brought it up to date)."""
    if amendment is None:
        return list(rate_at.warnings)
    superseded = {w for w, start in REFORM_WARNINGS if amendment.valid_from >= start}
    kept = [w for w in rate_at.warnings if w not in superseded]
    return [AMENDMENT_GIVES_RATE(note=w) for w in kept]


def _nico_dict(frac: Fraction, n: Nico) -> dict[str, Any]:
    return {
        "nico": n.code,
        "code": frac.fraccion + "." + n.code,
        "description": n.description,
        "umt_code": n.umt_code,
        "valid_from": n.valid_from.isoformat() if n.valid_from else None,
        "valid_to": n.valid_to.isoformat() if n.valid_to else None,
    }


def search(text: str, limit: int = 10, book: TariffBook | None = None) -> list[dict[str, Any]]:
    """Best matching fracciones for a Spanish text, best first: ``[{fraccion, description,
    score, heading, heading_description, subheading, subheading_description, igi_published}]``."""
    if not text.strip():
        raise InvalidInput(SEARCH_EMPTY(), field="text")
    if limit < 1:
        raise InvalidInput(BAD_LIMIT(limit=limit), field="limit")
    return [
        {
            "fraccion": f.fraccion,
            "description": f.description,
            "score": score,
            **context(f),
            "igi_published": f.import_rate.display,
        }
        for f, score in _book(book).search(text, limit)
    ]


def context(f: Fraction) -> dict[str, str]:
    """Where a fracción sits in the Tarifa: its heading and subheading with their texts (a
    hit such as "Los demás." reads only with them)."""
    return {
        "heading": f.heading[:2] + "." + f.heading[2:],
        "heading_description": f.heading_description,
        "subheading": f.subheading,
        "subheading_description": f.subheading_description,
    }


def fraction_exists() -> Callable[[str], bool] | None:
    """A test "is this fracción in the bundled LIGIE?" (None when the tariff is not built)."""
    try:
        book = load_tariff_book()
    except ImmexError:
        return None

    def exists(fraccion: str) -> bool:
        try:
            book.get(fraccion)
        except ImmexError:
            return False
        return True

    return exists


def mfn_lookup() -> MfnLookup:
    """The bundled LIGIE rate in force: the tariff book's ``import_rate_at``."""
    book = load_tariff_book()

    def lookup(fraccion: str, when: date) -> RateAt:
        return book.import_rate_at(fraccion, when)

    return lookup


def check_nico(code: str) -> None:
    """A 10-digit code must name a NICO that exists under its fracción (SAT catalog).

    Rates are per 8-digit fracción, so the NICO does not change the answer; but a code whose
    NICO does not exist is a typo the user must hear about, as ``immex tariff show`` says.
    """
    if parse_tariff_code(code).nico is not None:
        load_tariff_book().get(code)
