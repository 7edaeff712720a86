"""Best-rate engine (pure domain): unit tests and hypothesis properties.

Rates and rows here are ILLUSTRATIVE test doubles.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immex.domain.errors import InvalidFormat
from immex.domain.rates import (
    MFN,
    PROSEC,
    AmendmentRow,
    FtaRow,
    ProsecRow,
    RateBook,
    RateQuery,
    Regla8Authorization,
    parse_rate_text,
)
from immex.domain.tariff import RateKind
from tests.support_rates import mfn_lookup

FR = "8501.10.01"
D0 = date(2025, 3, 10)


def prosec(sector: str, rate: str, start: date = date(2020, 1, 1), end: date | None = None,
           acot: str = "") -> ProsecRow:  # fmt: skip
    return ProsecRow(
        sector, f"sector {sector}", FR, parse_rate_text(rate), start, end, acot, "ILLUSTRATIVE"
    )


def test_parse_rate_text() -> None:
    assert parse_rate_text("Ex.").kind is RateKind.EXEMPT
    assert parse_rate_text("Ex.").percent == 0
    assert parse_rate_text("2.5%").percent == Decimal("2.5")
    assert parse_rate_text("Prohibida").kind is RateKind.PROHIBITED
    other = parse_rate_text("0.36 Dls. por Kg")
    assert other.kind is RateKind.OTHER and other.percent is None
    with pytest.raises(InvalidFormat):
        parse_rate_text("")
    with pytest.raises(InvalidFormat):
        parse_rate_text("-3")


def test_seed_example_prosec_zero_beats_mfn_fifteen() -> None:
    book = RateBook([prosec("XIX", "Ex.")])
    d = book.decide(RateQuery(FR, "CHN", D0, ("XIX",)), mfn_lookup({FR: "15"}))
    assert d.chosen is not None and d.chosen.program == PROSEC and d.chosen.rate == 0
    mfn = next(o for o in d.options if o.program == MFN)
    assert mfn.eligible and "higher than PROSEC" in mfn.reason


def test_latest_row_of_a_sector_wins_and_only_one_option_per_sector() -> None:
    rows = [prosec("XIX", "5", date(2020, 1, 1)), prosec("XIX", "Ex.", date(2025, 1, 1))]
    d = RateBook(rows).decide(RateQuery(FR, "CHN", D0, ("XIX",)), mfn_lookup({FR: "15"}))
    assert [o.detail for o in d.options if o.program == PROSEC] == ["sector XIX"]
    assert d.rate == 0


def test_acotacion_warning_only_when_the_row_is_used() -> None:
    rows = [prosec("XIX", "Ex.", acot="Únicamente: flejes")]
    lookup = mfn_lookup({FR: "15"})
    used = RateBook(rows).decide(RateQuery(FR, "CHN", D0, ("XIX",)), lookup)
    assert any("acotación" in w for w in used.warnings)
    unused = RateBook(rows).decide(RateQuery(FR, "CHN", D0, ()), lookup)
    assert not any("acotación" in w for w in unused.warnings)
    assert next(o for o in unused.options if o.program == PROSEC).needs_review


def test_regla8_not_in_force() -> None:
    auth = Regla8Authorization("9802.00.19", date(2026, 1, 1))
    d = RateBook().decide(
        RateQuery(FR, "CHN", D0, regla8=(auth,)), mfn_lookup({FR: "15", "9802.00.19": "5"})
    )
    r8 = next(o for o in d.options if o.program == "REGLA8")
    assert not r8.eligible and "not yet in force" in r8.reason
    assert d.chosen is not None and d.chosen.program == MFN


def test_amendment_latest_start_wins() -> None:
    amend = [
        AmendmentRow(FR, parse_rate_text("20"), date(2025, 1, 1), None, "A"),
        AmendmentRow(FR, parse_rate_text("30"), date(2025, 3, 1), None, "B"),
    ]
    d = RateBook(amendments=amend).decide(RateQuery(FR, "CHN", D0), mfn_lookup({FR: "15"}))
    assert d.rate == 30 and "B" in (d.chosen.source if d.chosen else "")


# --------------------------------------------------------------------------- properties

SECTORS = ["I", "II", "XIX"]
RATES = ["Ex.", "0", "2.5", "3", "5", "7", "10", "15", "20", "35", "Prohibida", "0.5 Dls. por Kg"]
AV_RATES = ["Ex.", "0", "2.5", "3", "5", "7", "10", "15"]
days = st.integers(min_value=0, max_value=2000).map(lambda n: date(2020, 1, 1) + timedelta(days=n))


@st.composite
def period(draw: st.DrawFn) -> tuple[date, date | None]:
    start = draw(days)
    end = draw(st.one_of(st.none(), st.integers(0, 900).map(lambda n: start + timedelta(days=n))))
    return start, end


@st.composite
def books(draw: st.DrawFn) -> RateBook:
    p = []
    for _ in range(draw(st.integers(0, 4))):
        start, end = draw(period())
        rate = parse_rate_text(draw(st.sampled_from(AV_RATES)))
        acot = draw(st.sampled_from(["", "Únicamente: x"]))
        p.append(ProsecRow(draw(st.sampled_from(SECTORS)), "s", FR, rate, start, end, acot, "ILL."))
    f = []
    for _ in range(draw(st.integers(0, 3))):
        start, end = draw(period())
        origins = tuple(sorted(draw(st.sets(st.sampled_from(["USA", "DEU", "CHN"]), min_size=1))))
        rate = parse_rate_text(draw(st.sampled_from(AV_RATES)))
        agreement = draw(st.sampled_from(["TMEC", "TLCUEM"]))
        f.append(FtaRow(agreement, origins, FR, rate, start, end, "ILLUSTRATIVE"))
    a = []
    for _ in range(draw(st.integers(0, 2))):
        start, end = draw(period())
        a.append(AmendmentRow(FR, parse_rate_text(draw(st.sampled_from(RATES))), start, end, "X"))
    return RateBook(p, f, a)


@settings(max_examples=200, deadline=None)
@given(
    book=books(),
    when=days,
    mfn=st.sampled_from(RATES),
    sectors=st.sets(st.sampled_from(SECTORS)),
    certified=st.sets(st.sampled_from(["TMEC", "TLCUEM"])),
    origin=st.sampled_from(["USA", "DEU", "CHN"]),
    regla8=st.booleans(),
)
def test_chosen_rate_is_never_higher_than_an_eligible_option(
    book: RateBook, when: date, mfn: str, sectors: set[str], certified: set[str], origin: str,
    regla8: bool,
) -> None:  # fmt: skip
    auths = (Regla8Authorization("9802.00.19"),) if regla8 else ()
    q = RateQuery(FR, origin, when, tuple(sorted(sectors)), auths, tuple(sorted(certified)))
    d = book.decide(q, mfn_lookup({FR: mfn, "9802.00.19": "5"}))
    eligible = [o.rate for o in d.options if o.eligible and o.rate is not None]
    if eligible:
        assert d.chosen is not None and d.chosen.rate is not None
        assert all(d.chosen.rate <= r for r in eligible)
        assert sum(o.chosen for o in d.options) == 1
    else:
        assert d.chosen is None
    for o in d.options:  # every option not chosen says why
        assert o.chosen or o.reason


@settings(max_examples=100, deadline=None)
@given(
    book=books(),
    dates=st.lists(days, min_size=1, max_size=25),
    sectors=st.sets(st.sampled_from(SECTORS)),
    certified=st.sets(st.sampled_from(["TMEC", "TLCUEM"])),
    origin=st.sampled_from(["USA", "DEU", "CHN"]),
    r8_start=st.one_of(st.none(), days),
)
def test_memo_by_date_interval_gives_the_reference_decision(
    book: RateBook, dates: list[date], sectors: set[str], certified: set[str], origin: str,
    r8_start: date | None,
) -> None:  # fmt: skip
    """The batch memo keys decisions by the interval between row boundaries: same answers."""
    from tests.support_rates import context

    auths = (Regla8Authorization("9802.00.19", r8_start, r8_start and r8_start + timedelta(30)),)
    ctx = context({FR: "15", "9802.00.19": "5"}, book).with_memo()
    for when in sorted(dates) + dates:
        q = RateQuery(FR, origin, when, tuple(sorted(sectors)), auths, tuple(sorted(certified)))
        assert ctx.decision(q) == book.decide(q, ctx.mfn)
