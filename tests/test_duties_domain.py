"""F4 / 63-A computations (pure domain) with the real FIX and INPC series: properties.

LIGIE rates and PROSEC rows are ILLUSTRATIVE test doubles; the parameters are those read in
the laws (see support_rates.parameters_double).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immex.domain.duties import (
    F4Request,
    UsmcaRequest,
    add_months,
    cff21_monthly_rate,
    compute_63a,
    compute_f4,
    compute_f4_batch,
    months_or_fraction,
    result_figures,
)
from immex.domain.errors import BatchError
from immex.domain.rates import ProsecRow, RateBook, parse_rate_text
from tests.support_rates import context

FR = "8501.10.01"
TARIFF = {FR: "15", "8544.42.99": "Ex.", "9802.00.19": "5"}
BOOK = RateBook(
    [ProsecRow("XIX", "s", FR, parse_rate_text("3"), date(2015, 1, 1), None, "", "ILLUSTRATIVE")]
)
CTX = context(TARIFF, BOOK)


def test_months_or_fraction() -> None:
    assert months_or_fraction(date(2026, 1, 15), date(2026, 2, 15)) == 1
    assert months_or_fraction(date(2026, 1, 15), date(2026, 2, 16)) == 2
    assert months_or_fraction(date(2026, 1, 15), date(2026, 1, 16)) == 1
    assert months_or_fraction(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert months_or_fraction(date(2026, 1, 31), date(2026, 3, 1)) == 2
    assert months_or_fraction(date(2026, 1, 15), date(2026, 1, 15)) == 0
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_cff21_rate_rounding() -> None:
    assert cff21_monthly_rate(Decimal("1.38"), Decimal("50")) == Decimal("2.07")
    assert cff21_monthly_rate(Decimal("1.47"), Decimal("50")) == Decimal("2.21")  # 2.205 half up


def test_batch_errors_are_all_collected() -> None:
    bad = [
        F4Request(FR, Decimal("-1"), date(2025, 3, 10), date(2025, 9, 15), "CHN", reference="a"),
        F4Request(FR, Decimal("10"), date(2025, 3, 10), date(2025, 9, 15), "CHN"),
        F4Request("0000.00.00", Decimal("10"), date(2025, 3, 10), date(2025, 9, 15), "CHN"),
    ]
    with pytest.raises(BatchError) as info:
        compute_f4_batch(bad, CTX, source="plan")
    assert [e.line for e in info.value.errors] == [1, 3]
    assert str(info.value.errors[0]).startswith("plan a:1: value_usd:")


def test_63a_never_negative_and_due_in_60_days() -> None:
    r = compute_63a(
        UsmcaRequest(
            FR, Decimal("100"), date(2025, 3, 10), date(2025, 9, 15), "CHN", Decimal("1e6")
        ),
        CTX,
    )
    assert r.owed == 0 and r.exemption == r.mx_duty
    assert r.due_by == date(2025, 11, 14)


# --------------------------------------------------------------------------- properties

entry_days = st.integers(0, 365 * 15).map(lambda n: date(2010, 1, 4) + timedelta(days=n))
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2)


@st.composite
def f4_requests(draw: st.DrawFn) -> F4Request:
    entry = draw(entry_days)
    change = min(entry + timedelta(days=draw(st.integers(0, 900))), date(2026, 3, 4))
    paid = None
    if draw(st.booleans()) and change >= date(2026, 1, 1):
        paid = change + timedelta(days=draw(st.integers(0, 300)))
    return F4Request(
        fraccion=draw(st.sampled_from([FR, "8544.42.99"])),
        value_usd=draw(money),
        entry_date=entry,
        change_date=change,
        origin="CHN",
        prosec_sectors=draw(st.sampled_from([(), ("XIX",)])),
        policy=draw(st.sampled_from(["entry_date", "change_date"])),
        factor_rounding=draw(st.sampled_from(["truncate", "round"])),
        certified_iva=draw(st.booleans()),
        paid_on=min(paid, date(2026, 12, 31)) if paid else None,
        dta_minimum=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None)
@given(request=f4_requests())
def test_total_is_the_sum_of_its_parts_and_every_figure_is_in_the_trace(request: F4Request) -> None:
    r = compute_f4(request, CTX)
    parts = r.igi_updated + r.dta.payable + r.iva.payable
    if r.surcharges is not None:
        parts += r.surcharges.update + r.surcharges.recargos
        assert r.surcharges.total == r.surcharges.update + r.surcharges.recargos
    assert r.total == parts
    assert r.trace[-1].name == "total" and r.trace[-1].value == r.total
    values = {s.value for s in r.trace}
    texts = " ".join(f"{s.formula} {s.value}" for s in r.trace)
    for fig in result_figures(r):
        if isinstance(fig, Decimal):
            assert fig in values, fig
        else:
            assert fig.isoformat() in texts, fig
    for amount in (r.igi_updated, r.dta.payable, r.iva.payable, r.total):  # whole pesos (CFF 20)
        assert amount == amount.to_integral_value()
    assert r.inpc_factor.factor >= 1
    assert r.rate <= Decimal(TARIFF[r.fraccion] if TARIFF[r.fraccion] != "Ex." else "0")


@settings(max_examples=60, deadline=None)
@given(
    request=f4_requests(),
    us=st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
    origin=st.sampled_from(["CHN", "USA", "JPN"]),
)
def test_63a_every_figure_is_in_the_trace(request: F4Request, us: Decimal, origin: str) -> None:
    if request.change_date < date(2020, 7, 1):  # USMCA in force (parameter usmca_days)
        return
    r = compute_63a(
        UsmcaRequest(request.fraccion, request.value_usd, request.entry_date, request.change_date,
                     origin, us, request.prosec_sectors),
        CTX,
    )  # fmt: skip
    assert r.owed >= 0 and r.owed <= r.mx_duty + 1
    values = {s.value for s in r.trace}
    texts = " ".join(f"{s.formula} {s.value}" for s in r.trace)
    for fig in result_figures(r):
        assert fig in values if isinstance(fig, Decimal) else fig.isoformat() in texts, fig


@settings(max_examples=20, deadline=None)
@given(requests=st.lists(f4_requests(), min_size=1, max_size=30))
def test_batch_equals_the_reference_loop(requests: list[F4Request]) -> None:
    assert compute_f4_batch(requests, CTX) == [compute_f4(r, CTX) for r in requests]


def test_cff21_rate_matches_the_curated_late_payment_rate() -> None:
    """LIF 2026 plus the CFF 21 increase gives the curated recargos.late_payment_rate."""
    from immex.refdata.bundled import param

    day = date(2026, 6, 1)
    lif = param("recargos.lif_monthly_rate", day).value
    increase = param("recargos.cff21_increase", day).value
    assert cff21_monthly_rate(lif, increase) == param("recargos.late_payment_rate", day).value


def test_recargos_cap_comes_from_the_dated_parameter() -> None:
    """CFF 21's cap is data (recargos.max_years): a shorter cap in the data caps the months."""
    import dataclasses

    from immex.domain.duties import DutyContext
    from tests.support_rates import _p

    req = F4Request(FR, Decimal("1000"), date(2025, 3, 10), date(2026, 1, 15), "CHN",
                    paid_on=date(2026, 6, 20))  # fmt: skip
    normal = compute_f4(req, CTX)
    assert normal.surcharges is not None and normal.surcharges.months == 6
    quarter = _p("surcharge_max_years", "years", ("2025-11-14", None, "0.25", "TEST DOUBLE"))
    params = dataclasses.replace(CTX.params, surcharge_max_years=quarter)
    short = DutyContext(CTX.fx, CTX.inpc, params, CTX.book, CTX.mfn)
    capped = compute_f4(req, short)
    assert capped.surcharges is not None and capped.surcharges.months == 3
    assert any("recargos capped at 3 months (TEST DOUBLE)" in w for w in capped.warnings)
