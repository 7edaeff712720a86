"""FIX for a pedimento (CFF 20) and the INPC update factor (CFF 17-A)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immex.domain.errors import BatchError, DataCoverageError, InvalidInput
from immex.domain.series import FxSeries, InpcSeries, previous_month
from immex.refdata.bundled import load_fx, load_inpc
from immex.refdata.series_build import read_fx, read_inpc

# --- FX: real series ------------------------------------------------------------------------


def test_monday_uses_fix_published_friday_determined_thursday() -> None:
    q = load_fx().for_pedimento(date(2025, 3, 10))
    assert q.published_on == date(2025, 3, 7)
    assert q.determined_on == date(2025, 3, 6)
    assert q.rate == Decimal("20.2777")


@pytest.mark.parametrize("day", [date(2025, 3, 8), date(2025, 3, 9)])
def test_weekend_uses_last_publication_before(day: date) -> None:
    q = load_fx().for_pedimento(day)
    assert (q.published_on, q.determined_on) == (date(2025, 3, 7), date(2025, 3, 6))


def test_tuesday_mid_week() -> None:
    q = load_fx().for_pedimento(date(2025, 3, 6))
    assert (q.published_on, q.determined_on, q.rate) == (
        date(2025, 3, 5),
        date(2025, 3, 4),
        load_fx().determined(date(2025, 3, 4)),
    )


def test_bank_holiday_benito_juarez_2025() -> None:
    """Monday 2025-03-17 is a bank holiday (absent from the series)."""
    fx = load_fx()
    assert fx.determined(date(2025, 3, 17)) is None
    tuesday = fx.for_pedimento(date(2025, 3, 18))
    assert (tuesday.published_on, tuesday.determined_on) == (date(2025, 3, 14), date(2025, 3, 13))
    wednesday = fx.for_pedimento(date(2025, 3, 19))
    assert wednesday.published_on == date(2025, 3, 18)
    assert wednesday.determined_on == date(2025, 3, 14)
    assert wednesday.rate == Decimal("19.8693")


def test_holy_week_2025() -> None:
    """Holy Thursday and Friday (2025-04-17/18) are bank holidays: no FIX those days."""
    fx = load_fx()
    monday = fx.for_pedimento(date(2025, 4, 21))
    assert (monday.published_on, monday.determined_on) == (date(2025, 4, 16), date(2025, 4, 15))
    assert monday.rate == Decimal("20.0213")
    tuesday = fx.for_pedimento(date(2025, 4, 22))
    assert (tuesday.published_on, tuesday.determined_on) == (date(2025, 4, 21), date(2025, 4, 16))


def test_christmas_and_new_year() -> None:
    fx = load_fx()
    assert fx.determined(date(2025, 12, 25)) is None and fx.determined(date(2026, 1, 1)) is None
    q = fx.for_pedimento(date(2025, 12, 26))
    assert (q.published_on, q.determined_on) == (date(2025, 12, 24), date(2025, 12, 23))
    q = fx.for_pedimento(date(2026, 1, 2))
    assert (q.published_on, q.determined_on) == (date(2025, 12, 31), date(2025, 12, 30))
    q = fx.for_pedimento(date(2026, 1, 5))
    assert (q.published_on, q.determined_on) == (date(2026, 1, 2), date(2025, 12, 31))


def test_day_after_series_end_is_answered() -> None:
    fx = load_fx()
    assert fx.last == date(2026, 3, 4)
    q = fx.for_pedimento(date(2026, 3, 5))
    assert (q.published_on, q.determined_on) == (date(2026, 3, 4), date(2026, 3, 3))


@pytest.mark.parametrize("day", [date(2026, 3, 6), date(2026, 3, 9), date(2027, 1, 1)])
def test_dates_beyond_the_series_raise_clearly(day: date) -> None:
    with pytest.raises(DataCoverageError, match="ends on 2026-03-04"):
        load_fx().for_pedimento(day)


def test_dates_before_the_series_raise() -> None:
    with pytest.raises(DataCoverageError, match="starts on 1991-11-12"):
        load_fx().for_pedimento(date(1991, 11, 13))


# --- FX: synthetic series and properties -----------------------------------------------------


def _weekdays(start: date, n: int, skip: frozenset[date] = frozenset()) -> dict[date, Decimal]:
    out: dict[date, Decimal] = {}
    day = start
    i = 0
    while len(out) < n:
        if day.weekday() < 5 and day not in skip:
            out[day] = Decimal(17) + Decimal(i) / 100
            i += 1
        day += timedelta(days=1)
    return out


def test_series_rejects_weekend_or_non_positive_points() -> None:
    with pytest.raises(InvalidInput):
        FxSeries({date(2025, 3, 8): Decimal("17")})
    with pytest.raises(InvalidInput):
        FxSeries({date(2025, 3, 7): Decimal("0")})
    with pytest.raises(DataCoverageError):
        FxSeries({})


def test_series_copies_its_points() -> None:
    points = {date(2025, 3, 7): Decimal("17")}
    fx = FxSeries(points)
    points[date(2025, 3, 6)] = Decimal("99")
    assert fx.determined(date(2025, 3, 6)) is None


HOLIDAYS = frozenset({date(2024, 2, 5), date(2024, 3, 18), date(2024, 5, 1), date(2024, 9, 16)})
SYNTH = FxSeries(_weekdays(date(2024, 1, 2), 250, HOLIDAYS))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2024, 1, 5), max_value=SYNTH.last))
def test_fx_rule_properties(day: date) -> None:
    q = SYNTH.for_pedimento(day)
    assert q.determined_on < q.published_on < day
    assert SYNTH.determined(q.published_on) is not None
    assert q.rate == SYNTH.determined(q.determined_on)
    # no banking day strictly between publication and the pedimento date,
    # nor between determination and publication
    for gap_start, gap_end in ((q.published_on, day), (q.determined_on, q.published_on)):
        probe = gap_start + timedelta(days=1)
        while probe < gap_end:
            assert SYNTH.determined(probe) is None
            probe += timedelta(days=1)


# --- INPC ------------------------------------------------------------------------------------


def test_factor_uses_month_before_each_end() -> None:
    f = load_inpc().factor((2024, 1), (2025, 6))
    assert f.numerator_month == (2025, 5) and f.denominator_month == (2023, 12)
    assert f.numerator == Decimal("140.012") and f.denominator == Decimal("132.373")
    assert f.factor == Decimal("1.0577")
    assert f.notes == () and not f.floored


def test_factor_below_one_is_one() -> None:
    """INPC fell from 2023-04 (128.363) to 2023-05 (128.084)."""
    f = load_inpc().factor((2023, 5), (2023, 6))
    assert f.raw < 1
    assert f.factor == Decimal(1) and f.floored


def test_unpublished_numerator_uses_last_published_with_note() -> None:
    inpc = load_inpc()
    assert inpc.last_month == (2026, 1)
    f = inpc.factor((2025, 1), (2026, 6))
    assert f.numerator_month == (2026, 1)
    assert f.numerator == Decimal("143.588")
    assert any("2026-05 not yet published" in n for n in f.notes)
    # four months past the series end: not just "not yet published" — the data is stale
    assert any("the series ends 4 months earlier" in n for n in f.notes)
    # one month past the end: the CFF 17-A case, no stale-data remark
    one = inpc.factor((2025, 1), (2026, 3))
    assert one.notes and not any("series ends" in n for n in one.notes)
    # exactly at the edge: the month before 2026-02 is 2026-01, published → no note
    assert inpc.factor((2025, 1), (2026, 2)).notes == ()


def test_truncate_vs_round() -> None:
    inpc = load_inpc()
    t = inpc.factor((2023, 1), (2023, 2), "truncate")
    r = inpc.factor((2023, 1), (2023, 2), "round")
    assert t.raw == r.raw and str(t.raw).startswith("1.00678")
    assert (t.factor, r.factor) == (Decimal("1.0067"), Decimal("1.0068"))
    assert (t.rounding, r.rounding) == ("truncate", "round")


def test_same_month_is_one() -> None:
    assert load_inpc().factor((2024, 7), (2024, 7)).factor == Decimal(1)


def test_factor_errors() -> None:
    inpc = load_inpc()
    with pytest.raises(InvalidInput, match="before it starts"):
        inpc.factor((2025, 6), (2025, 5))
    with pytest.raises(InvalidInput, match="rounding"):
        inpc.factor((2025, 1), (2025, 5), "ceil")
    with pytest.raises(InvalidInput, match="not a month"):
        inpc.factor((2025, 13), (2026, 1))
    with pytest.raises(DataCoverageError, match="2000-01"):
        inpc.factor((2000, 1), (2001, 1))  # needs 1999-12
    with pytest.raises(DataCoverageError):
        inpc.factor((2026, 5), (2026, 8))  # denominator 2026-04 not published


def test_gap_in_series_is_a_coverage_error() -> None:
    s = InpcSeries({(2024, 1): Decimal("100"), (2024, 3): Decimal("101")})
    with pytest.raises(DataCoverageError, match="2024-02"):
        s.factor((2024, 2), (2024, 3))


def test_series_rejects_bad_points() -> None:
    with pytest.raises(InvalidInput):
        InpcSeries({(2024, 13): Decimal("100")})
    with pytest.raises(InvalidInput):
        InpcSeries({(2024, 1): Decimal("-1")})


MONTHS = st.tuples(st.integers(2000, 2026), st.integers(1, 12)).filter(
    lambda m: (2000, 2) <= m <= (2026, 12)
)


@settings(max_examples=300, deadline=None)
@given(MONTHS, MONTHS)
def test_factor_properties(a: tuple[int, int], b: tuple[int, int]) -> None:
    start, end = min(a, b), max(a, b)
    inpc = load_inpc()
    if previous_month(start) > inpc.last_month:
        return
    t = inpc.factor(start, end, "truncate")
    r = inpc.factor(start, end, "round")
    for f in (t, r):
        assert f.factor >= 1
        assert f.factor == f.factor.quantize(Decimal("0.0001"))
        assert f.numerator_month <= inpc.last_month
        if f.floored:
            assert f.factor == 1 and f.raw < 1
    assert t.factor <= r.factor <= t.factor + Decimal("0.0001")
    if not t.floored:
        assert t.factor <= t.raw < t.factor + Decimal("0.0001")
        assert abs(r.factor - r.raw) <= Decimal("0.00005")


# --- compiling the raw series ----------------------------------------------------------------


def test_raw_fx_file_errors_are_all_reported(tmp_path: Path) -> None:
    raw = tmp_path / "fix.csv"
    raw.write_text(
        "fecha,tipo_cambio\n2025-03-07,20.28\n2025-03-08,20.1\n2025-03-07,20.2\n2025-03-10,x\n",
        encoding="utf-8",
    )
    with pytest.raises(BatchError) as info:
        read_fx(raw, "fix.csv")
    text = "\n".join(str(e) for e in info.value.errors)
    assert "fix.csv:3: fecha: FIX dated on a weekend" in text
    assert "fix.csv:4: fecha: out of order or duplicate" in text
    assert "fix.csv:5: tipo_cambio: not a positive rate" in text


def test_raw_inpc_gap_is_reported(tmp_path: Path) -> None:
    raw = tmp_path / "inpc.csv"
    raw.write_text(
        "year,month,date,valor\n2025,1,2025-01-01,138.343\n2025,3,2025-03-01,139.161\n",
        encoding="utf-8",
    )
    with pytest.raises(BatchError, match="1 error"):
        read_inpc(raw, "inpc.csv")
