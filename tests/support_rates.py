"""Test doubles and real series for the rates/duties tests (issue 3).

The FIX and INPC series are the real public data under ``../shared/data`` (read directly,
so the pure-domain tests do not depend on the compiled reference tables). The tariff rates
and parameters below are TEST DOUBLES: illustrative values labelled as such, except where a
citation says where the figure was read.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from immex.domain.dated import DatedValue, Parameter
from immex.domain.duties import DutyContext, DutyParameters
from immex.domain.errors import NotFound
from immex.domain.rates import RateBook, parse_rate_text
from immex.domain.series import FxSeries, InpcSeries
from immex.domain.tariff import RateAt, RatePeriod

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@cache
def fx_series() -> FxSeries:
    points: dict[date, Decimal] = {}
    with (SHARED_DATA / "banxico" / "fix_usd_mxn_1991_2026.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            points[date.fromisoformat(row["fecha"])] = Decimal(row["tipo_cambio"])
    return FxSeries(points, "Banxico FIX (test: ../shared/data/banxico)")


@cache
def inpc_series() -> InpcSeries:
    points: dict[tuple[int, int], Decimal] = {}
    with (SHARED_DATA / "inegi" / "inpc_general_2000_2026.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            points[(int(row["year"]), int(row["month"]))] = Decimal(row["valor"])
    return InpcSeries(points, "INEGI INPC (test: ../shared/data/inegi)")


def _p(name: str, unit: str, *values: tuple[str, str | None, str, str]) -> Parameter[Decimal]:
    return Parameter.of(
        name,
        name,
        unit,
        [
            DatedValue(date.fromisoformat(a), date.fromisoformat(b) if b else None, Decimal(v), s)
            for a, b, v, s in values
        ],
    )


def parameters_double(with_fee: bool = True) -> DutyParameters:
    """Figures read in the laws under ../shared/data/laws (test doubles of refdata's)."""
    fee = _p(
        "dta_fixed_fee",
        "MXN",
        ("2025-01-01", "2025-12-31", "425.44", "LFD 49-III, text DOF 19-12-2024 (TEST DOUBLE)"),
    )
    return DutyParameters(
        iva_rate=_p("iva_rate", "%", ("2010-01-01", None, "16", "LIVA art. 1 (16 %)")),
        dta_rate=_p("dta_rate", "‰", ("2005-01-01", None, "8", "LFD 49-I (8 al millar)")),
        surcharge_rate=_p(
            "surcharge_rate", "%/month", ("2026-01-01", "2026-12-31", "1.38", "LIF 2026 art. 11-I")
        ),
        surcharge_increase=_p(
            "surcharge_increase", "%", ("2025-11-14", None, "50", "CFF art. 21 (50 %)")
        ),
        surcharge_max_years=_p(
            "surcharge_max_years", "years", ("2025-11-14", None, "5", "CFF art. 21 (5 years)")
        ),
        usmca_days=_p("usmca_days", "days", ("2020-07-01", None, "60", "USMCA 2.5 (RULES U-2)")),
        dta_fixed_fee=fee if with_fee else None,
    )


def mfn_lookup(rates: Mapping[str, str]):  # type: ignore[no-untyped-def]
    """ILLUSTRATIVE LIGIE rates: fracción → rate text, valid over all dates."""

    def lookup(fraccion: str, when: date) -> RateAt:
        if fraccion not in rates:
            raise NotFound(f"unknown fracción {fraccion} (test tariff)", field="fraccion")
        rate = parse_rate_text(rates[fraccion])
        period = RatePeriod(None, None, rate, "LIGIE test double (ILLUSTRATIVE)", "both_unknown")
        return RateAt(fraccion, when, rate, period, ())

    return lookup


def context(
    rates: Mapping[str, str], book: RateBook | None = None, with_fee: bool = True
) -> DutyContext:
    return DutyContext(
        fx_series(),
        inpc_series(),
        parameters_double(with_fee),
        book or RateBook(),
        mfn_lookup(rates),
    )
