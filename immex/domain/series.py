"""Dated series: Banxico FIX exchange rate and INEGI INPC, with their legal rules."""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from immex.domain.errors import DataCoverageError, InvalidFormat, InvalidInput
from immex.domain.messages import Template
from immex.domain.money import ONE, round_half_up, truncate

FIX_EMPTY = Template("series.fix_empty", "the FIX series is empty")
FIX_BAD = Template(
    "series.fix_bad",
    "FIX series: {n} bad point, on {day} (rates must be positive and dated on banking days)",
    "FIX series: {n} bad points, first on {day} (rates must be positive and dated on banking days)",
)
FIX_DIFFERS = Template("series.fix_differs", "FIX {day}: {rate} differs from {known} in {source}")
FIX_ENDS = Template(
    "series.fix_ends",
    "the FIX series ends on {last}; cannot tell the banking day before {day} — load a newer "
    "FIX series",
)
FIX_STARTS = Template("series.fix_starts", "the FIX series starts on {first}; no rate for {day}")
NOT_A_MONTH = Template("series.not_a_month", "not a month: {text} (expected YYYY-MM)")
BAD_MONTH = Template("series.bad_month", "not a month: {text} (expected YYYY-MM with MM 01…12)")
INPC_BOTH_LAST_PUBLISHED = Template(
    "series.inpc_both_last_published",
    "INPC {earliest} and {latest} not yet published in the data; both taken as the last "
    "published, {last}: factor 1 (CFF 17-A)",
)
INPC_EMPTY = Template("series.inpc_empty", "the INPC series is empty")
INPC_NOT_POSITIVE = Template(
    "series.inpc_not_positive",
    "INPC {month}: index must be positive, not {value}",
)
INPC_DIFFERS = Template(
    "series.inpc_differs",
    "INPC {month}: {value} differs from {known} in {source}",
)
BAD_ROUNDING = Template(
    "series.bad_rounding",
    "factor rounding must be one of {options}, not {value}",
)
PERIOD_BACKWARDS = Template(
    "series.period_backwards",
    "update period ends ({end}) before it starts ({start})",
)
INPC_NOT_IN_DATA = Template(
    "series.inpc_not_in_data",
    "INPC for {month} is not in the data ({first} … {last})",
)
INPC_NOT_PUBLISHED = Template(
    "refdata.source.inpc_not_published",
    "INPC {month} not yet published in the data; using the last published, {last} (CFF 17-A)",
)
INPC_SERIES_SHORT = Template(
    "refdata.source.inpc_series_short",
    "INPC {month} not yet published in the data; using the last published, {last} (CFF 17-A)"
    " — the series ends {gap} months earlier: if INEGI has published the missing months, load "
    "a newer INPC series; this factor may be understated",
)
INPC_MISSING = Template("series.inpc_missing", "INPC for {month} is missing from the data")


Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True, slots=True)
class FxQuote:
    """The FIX applicable to a pedimento dated ``for_date`` (CFF art. 20, 3rd paragraph).

    ``determined_on``: the banking day Banxico determined it; ``published_on``: the DOF
    publication (next banking day), which is the banking day before ``for_date``.
    """

    for_date: date
    rate: Decimal
    determined_on: date
    published_on: date
    source: str = "Banxico FIX (DOF), CFF art. 20"


class FxSeries:
    """FIX USD/MXN by determination date. The series' dates are the banking days."""

    def __init__(self, points: dict[date, Decimal], source: str = "Banxico FIX") -> None:
        if not points:
            raise DataCoverageError(FIX_EMPTY())
        bad = sorted(d for d, r in points.items() if not r > 0 or d.weekday() >= 5)
        if bad:
            raise InvalidInput(FIX_BAD(n=len(bad), day=bad[0].isoformat()))
        self._dates = sorted(points)
        self._rates = dict(points)
        self.source = source

    @property
    def first(self) -> date:
        return self._dates[0]

    @property
    def last(self) -> date:
        return self._dates[-1]

    def determined(self, day: date) -> Decimal | None:
        return self._rates.get(day)

    def points(self) -> dict[date, Decimal]:
        return dict(self._rates)

    def extended(self, points: dict[date, Decimal], source: str) -> FxSeries:
        """This series plus ``points`` (e.g. newer FIX loaded by the user); a day already in
        the series with another rate is an error, never silently replaced."""
        if not points:
            return self
        clash = sorted(d for d, r in points.items() if d in self._rates and self._rates[d] != r)
        if clash:
            d = clash[0]
            raise InvalidInput(
                FIX_DIFFERS(
                    day=d.isoformat(), rate=points[d], known=self._rates[d], source=self.source
                )
            )
        return FxSeries({**self._rates, **points}, f"{self.source} + {source}")

    def _banking_day_before(self, day: date) -> date:
        """Latest banking day strictly before ``day``.

        Beyond the series' end only weekends are known not to be banking days.
        """
        probe = day - timedelta(days=1)
        while probe > self.last:
            if probe.weekday() < 5:
                raise DataCoverageError(FIX_ENDS(last=self.last.isoformat(), day=day.isoformat()))
            probe -= timedelta(days=1)
        i = bisect.bisect_right(self._dates, probe) - 1
        if i < 0:
            raise DataCoverageError(FIX_STARTS(first=self.first.isoformat(), day=day.isoformat()))
        return self._dates[i]

    def for_pedimento(self, day: date) -> FxQuote:
        """The FIX published in the DOF on the banking day before ``day``.

        Monday 2025-03-10 → published Friday 2025-03-07 → determined Thursday 2025-03-06.
        """
        published = self._banking_day_before(day)
        determined = self._banking_day_before(published)
        return FxQuote(day, self._rates[determined], determined, published, self.source)


def previous_month(month: Month) -> Month:
    year, m = month
    return (year - 1, 12) if m == 1 else (year, m - 1)


def parse_month(text: str) -> Month:
    """``YYYY-MM`` as ``(year, month)``; InvalidFormat naming the expected form."""
    try:
        year_s, month_s = text.strip().split("-")
        year, month = int(year_s), int(month_s)
        if not 1 <= month <= 12 or len(year_s) != 4:
            raise ValueError
    except ValueError:
        raise InvalidFormat(NOT_A_MONTH(text=repr(text)), field="month") from None
    return year, month


def check_month(month: Month) -> Month:
    """``month`` if it is a real (year, month) pair, else InvalidInput."""
    year, m = month
    if not (1 <= m <= 12 and 1 <= year <= 9999):
        raise InvalidInput(BAD_MONTH(text=f"{year}-{m}"))
    return month


def month_of(day: date) -> Month:
    return (day.year, day.month)


def month_str(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


@dataclass(frozen=True, slots=True)
class InpcFactor:
    """CFF art. 17-A update factor with the two indices used."""

    factor: Decimal
    raw: Decimal  # before the floor at 1 and the 4-decimal step
    from_month: Month  # earliest month of the period
    to_month: Month  # latest month of the period
    numerator_month: Month  # INPC of the month before the latest (or last published)
    numerator: Decimal
    denominator_month: Month  # INPC of the month before the earliest
    denominator: Decimal
    rounding: str
    floored: bool
    notes: tuple[str, ...] = ()


class FactorRounding(enum.StrEnum):
    """How the CFF 17-A factor is brought to four decimals (its last paragraph)."""

    TRUNCATE = "truncate"  # the default
    ROUND = "round"


FACTOR_ROUNDINGS = tuple(r.value for r in FactorRounding)


class InpcSeries:
    """INEGI INPC general index by month."""

    def __init__(self, points: dict[Month, Decimal], source: str = "INEGI INPC") -> None:
        if not points:
            raise DataCoverageError(INPC_EMPTY())
        for month, value in points.items():
            check_month(month)
            if not value > 0:
                raise InvalidInput(INPC_NOT_POSITIVE(month=month_str(month), value=value))
        self._points = dict(points)
        self.last_month = max(points)
        self.first_month = min(points)
        self.source = source

    def index(self, month: Month) -> Decimal | None:
        return self._points.get(month)

    def points(self) -> dict[Month, Decimal]:
        return dict(self._points)

    def extended(self, points: dict[Month, Decimal], source: str) -> InpcSeries:
        """This series plus ``points`` (newer months loaded by the user); a month already in
        the series with another index is an error, never silently replaced."""
        if not points:
            return self
        clash = sorted(m for m, v in points.items() if m in self._points and self._points[m] != v)
        if clash:
            m = clash[0]
            raise InvalidInput(
                INPC_DIFFERS(
                    month=month_str(m), value=points[m], known=self._points[m], source=self.source
                )
            )
        return InpcSeries({**self._points, **points}, f"{self.source} + {source}")

    def factor(self, from_month: Month, to_month: Month, rounding: str = "truncate") -> InpcFactor:
        """Factor = INPC(month before the latest month) / INPC(month before the earliest).

        CFF 17-A: if the numerator's INPC is not yet published, the last published one is
        used; a factor below 1 is taken as 1; factors are computed to the ten-thousandth
        (CFF 17-A, last paragraph) — ``truncate`` (default) or ``round``.
        """
        check_month(from_month)
        check_month(to_month)
        if rounding not in FACTOR_ROUNDINGS:
            raise InvalidInput(BAD_ROUNDING(options=FACTOR_ROUNDINGS, value=repr(rounding)))
        if to_month < from_month:
            raise InvalidInput(
                PERIOD_BACKWARDS(end=month_str(to_month), start=month_str(from_month))
            )
        notes: list[str] = []
        den_month = previous_month(from_month)
        denominator = self._points.get(den_month)
        if denominator is None:
            raise DataCoverageError(
                INPC_NOT_IN_DATA(month=month_str(den_month), first=month_str(self.first_month),
                                 last=month_str(self.last_month))
            )  # fmt: skip
        num_month = previous_month(to_month)
        if num_month > self.last_month:
            months = {"month": month_str(num_month), "last": month_str(self.last_month)}
            gap = (num_month[0] - self.last_month[0]) * 12 + num_month[1] - self.last_month[1]
            if gap > 1:  # CFF 17-A covers an index not yet published, not a stale series
                notes.append(INPC_SERIES_SHORT(**months, gap=gap))
            else:
                notes.append(INPC_NOT_PUBLISHED(**months))
            num_month = self.last_month
        numerator = self._points.get(num_month)
        if numerator is None:
            raise DataCoverageError(INPC_MISSING(month=month_str(num_month)))
        raw = numerator / denominator
        stepped = truncate(raw, 4) if rounding == "truncate" else round_half_up(raw, 4)
        floored = stepped < ONE
        return InpcFactor(
            factor=ONE if floored else stepped,
            raw=raw,
            from_month=from_month,
            to_month=to_month,
            numerator_month=num_month,
            numerator=numerator,
            denominator_month=den_month,
            denominator=denominator,
            rounding=rounding,
            floored=floored,
            notes=tuple(notes),
        )
