"""``immex rate`` / ``GET /api/rate``: every lawful rate option for a fracción, origin and
date, and the lowest one that may be used (RGCE 1.6.11).

:func:`rate_decision` is the one way in for every entry point: it checks the input (a date
in the future is refused: the rates in force then are not known to the data), reads what
the workspace adds to the bundled data and asks the domain's :class:`RateBook`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from immex.domain.codes import normalize_fraccion
from immex.domain.errors import DataCoverageError, ImmexError, InvalidInput
from immex.domain.messages import Template
from immex.domain.rates import (
    MfnLookup,
    RateBook,
    RateDecision,
    RateOption,
    RateQuery,
    Regla8Authorization,
    normalize_iso3,
)
from immex.domain.tariff import RateAt
from immex.refdata.bundled import coverage_warnings, is_country
from immex.refdata.tariff_data import REFORM_WARNINGS, TARIFF_COVERAGE_IDS
from immex.services.rates.sectors import normalize_sector
from immex.services.rates.workspace_data import WorkspaceData, workspace_data
from immex.services.tariff.lookup import check_nico, mfn_lookup
from immex.services.workspace.context import Workspace

STATED_BY_USER = Template("rates.regla8_stated", "stated by the user (--regla8)")()
AS_OF_FUTURE = Template(
    "rate.as_of_future",
    "--as-of {as_of} is in the future (today is {today}): the rates in force then are not "
    "known to the data; use a date up to today",
)
BAD_REGLA8 = Template(
    "rate.bad_regla8",
    "--regla8 {v}: a Regla 8ª authorisation is given by the LIGIE Chapter 98 fracción it "
    "covers (9802.00.xx)",
)
UNKNOWN_COUNTRY = Template("rate.unknown_country", "unknown country {origin} (ISO-3, SAT catalog)")


def refuse_future(as_of: date, today: date, field: str = "as_of") -> None:
    """The rates in force after today are not known to the data: a date up to today."""
    if as_of > today:
        raise InvalidInput(
            AS_OF_FUTURE(as_of=as_of, today=today),
            field=field,
        )


def parse_regla8(values: Iterable[str]) -> tuple[Regla8Authorization, ...]:
    out = []
    for v in values:
        fr = normalize_fraccion(v)
        if not fr.startswith("98"):
            raise InvalidInput(
                BAD_REGLA8(v=repr(v)),
                field="regla8",
            )
        out.append(Regla8Authorization(fr, reference=STATED_BY_USER))
    return tuple(out)


def build_query(
    fraccion: str,
    origin: str | None,
    when: date,
    prosec: Iterable[str] = (),
    regla8: Iterable[str] = (),
    certified: Iterable[str] = (),
    known_sectors: Iterable[str] | None = None,
) -> RateQuery:
    check_nico(fraccion)
    return RateQuery(
        normalize_fraccion(fraccion),
        normalize_iso3(origin) if origin else "",
        when,
        tuple(sorted({normalize_sector(s, known_sectors) for s in prosec})),
        parse_regla8(regla8),
        tuple(sorted({c.strip().upper() for c in certified if c.strip()})),
    )


def check_origin(origin: str) -> list[str]:
    if origin and not known_country(origin):
        raise InvalidInput(UNKNOWN_COUNTRY(origin=repr(origin)), field="origin")
    return []


def known_country(iso3: str) -> bool:
    """In the SAT/ISO-3 country catalog (True when the catalog is not built: only the
    shape was checked)."""
    try:
        return is_country(iso3)
    except DataCoverageError:
        return True  # catalog not built: only the shape was checked


def coverage_notes(
    when: date, *, rates_only: bool = False, fx: Any = None, inpc: Any = None
) -> list[str]:
    """Data-coverage warnings for a result that looked the tariff up on ``when`` (the
    tariff's own warnings already cover the LIGIE reform and the 2026 decree); with
    ``rates_only``, without the DTA and series gaps that do not bear on a rate."""
    skip = TARIFF_COVERAGE_IDS + (("dta_fixed_amounts",) if rates_only else ())
    try:
        return list(coverage_warnings(when, skip=skip, series=not rates_only, fx=fx, inpc=inpc))
    except ImmexError as exc:
        return [exc.message]


def amended_lookup(book: RateBook, base: MfnLookup) -> MfnLookup:
    """The bundled rate look-up without the warnings a loaded amendment makes moot: a
    fraction whose rate comes from an amendment in force since the DOF 29-12-2025 reform (an
    official workbook loaded with ``immex rates load tariff``) is no longer "not covered"."""

    def look(fraccion: str, when: date) -> RateAt:
        found = base(fraccion, when)
        amendment = book.amendment_at(fraccion, when)
        if amendment is None:
            return found
        moot = {w for w, start in REFORM_WARNINGS if amendment.valid_from >= start}
        return replace(found, warnings=tuple(w for w in found.warnings if w not in moot))

    return look


def best_rate(
    fraccion: str,
    origin: str | None,
    as_of: date,
    prosec: Iterable[str] = (),
    regla8: Iterable[str] = (),
    certified: Iterable[str] = (),
    *,
    data: WorkspaceData,
    mfn: MfnLookup | None = None,
) -> RateDecision:
    """Every option for the fracción, origin and date in ``data``, and the one chosen."""
    query = build_query(fraccion, origin, as_of, prosec, regla8, certified, data.sectors)
    check_origin(query.origin)
    decision = data.book.decide(query, amended_lookup(data.book, mfn or mfn_lookup()))
    extra = [w for w in coverage_notes(as_of, rates_only=True) if w not in decision.warnings]
    if extra:
        decision = RateDecision(
            decision.fraccion, decision.as_of, decision.origin, decision.options,
            decision.chosen, decision.warnings + tuple(extra),
        )  # fmt: skip
    return decision


def rate_decision(
    ws: Workspace | None,
    fraccion: str,
    origin: str | None,
    as_of: date,
    prosec: Iterable[str] = (),
    regla8: Iterable[str] = (),
    certified: Iterable[str] = (),
    *,
    today: date,
) -> RateDecision:
    """``immex rate`` for every entry point: the input checked (``as_of`` up to ``today``),
    then the best rate on the workspace's data (None: bundled data only)."""
    refuse_future(as_of, today)
    return best_rate(fraccion, origin, as_of, prosec, regla8, certified, data=workspace_data(ws))


def option_dict(o: RateOption) -> dict[str, Any]:
    return {
        "program": o.program,
        "detail": o.detail,
        "rate": o.rate,
        "rate_text": o.rate_text,
        "eligible": o.eligible,
        "chosen": o.chosen,
        "reason": o.reason or None,
        "source": o.source,
        "valid_from": o.valid_from,
        "valid_to": o.valid_to,
        "needs_review": o.needs_review or None,
    }


def decision_dict(d: RateDecision) -> dict[str, Any]:
    chosen = None
    if d.chosen is not None:
        chosen = {
            "program": d.chosen.program,
            "detail": d.chosen.detail,
            "rate": d.chosen.rate,
            "source": d.chosen.source,
        }
    return {
        "fraccion": d.fraccion,
        "as_of": d.as_of,
        "origin": d.origin or None,
        "options": [option_dict(o) for o in d.options],
        "chosen": chosen,
        "warnings": list(d.warnings),
    }
