"""The F4 pedimento's DTA and its LFD 49 minimum (RULES C-8, C-10), with hand-worked figures.

The LFD 49-III fee of 2025 is the test double of tests/support_rates (425.44, the amount of
the DOF 19-12-2024 text); 8 per thousand, IVA 16 %. Whole pesos per CFF 20 (51 centavos up).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from immex.domain.f4_dta import DtaBasis, DtaPortion, pedimento_dta, spread
from immex.domain.f4_plan import plan_portions
from immex.domain.lot_portions import LotPortion
from tests.support_rates import context

D = Decimal
FEE = (D("425.44"), "LFD 49-III (TEST DOUBLE)")
WHEN = date(2025, 6, 30)


def line(n: int, value: str, iva_credited: bool = False) -> DtaPortion:
    va = D(value)
    exact = va * 8 / 1000
    return DtaPortion(n, va, exact, exact.quantize(D(1)), D("16"), iva_credited)


def test_two_lines_below_the_fee_share_it_by_customs_value() -> None:
    # 10,000 and 30,000 MXN: 8‰ = 80 + 240 = 320 < 425.44 → the pedimento pays 425.
    # 425 − 320 = 105 by value: 26.25 / 78.75 → 26 / 78, one peso left to the larger
    # remainder (.75) → 26 / 79. IVA: 105 × 16 / 100 = 16.80 → 17: 4.25 / 12.75 → 4 / 13.
    result = pedimento_dta([line(1, "10000"), line(2, "30000")], FEE, WHEN)
    assert result.basis is DtaBasis.MINIMUM_FEE
    assert (result.per_thousand_exact, result.lines_payable) == (D("320"), D("320"))
    assert (result.extra_dta, result.extra_iva) == (D("105"), D("17"))
    assert result.shares == ((1, D("26"), D("4")), (2, D("79"), D("13")))
    assert "425.44" in result.steps[1] and "425 − 320 = 105" in result.steps[1]


def test_at_or_above_the_fee_8_per_thousand_applies() -> None:
    # 60,000 MXN: 8‰ = 480 ≥ 425.44 → nothing added
    result = pedimento_dta([line(1, "60000")], FEE, WHEN)
    assert result.basis is DtaBasis.PER_THOUSAND and result.extra_dta == 0
    assert result.shares == ((1, D("0"), D("0")),)


def test_certified_company_owes_no_iva_on_the_added_dta() -> None:
    result = pedimento_dta([line(1, "10000", iva_credited=True)], FEE, WHEN)
    # 425 − 80 = 345 more DTA; IVA credited in full (LIVA 28-A)
    assert (result.extra_dta, result.extra_iva) == (D("345"), D("0"))
    assert "credited in full" in result.steps[-1]


def test_fee_not_in_the_data_is_said() -> None:
    result = pedimento_dta([line(1, "10000")], None, WHEN)
    assert result.basis is DtaBasis.NOT_CHECKED and result.extra_dta == 0
    assert "not in the data" in result.steps[-1]


@given(
    st.integers(0, 5000),
    st.lists(st.integers(1, 10**7), min_size=1, max_size=12),
)
def test_spread_keeps_the_total_and_whole_pesos(total: int, weights: list[int]) -> None:
    shares = spread(D(total), [(i, D(w)) for i, w in enumerate(weights)])
    assert sum(s for _, s in shares) == total
    assert all(s == s.to_integral_value() and s >= 0 for _, s in shares)
    whole = sum(weights)
    for (_, s), w in zip(shares, weights, strict=True):  # each within one peso of its share
        assert abs(s - D(total) * w / whole) < 1


def _portion(n: int, fraccion: str, value_usd: str) -> LotPortion:
    return LotPortion(
        n, n, f"FAC-{n}", date(2025, 6, 10), "MEX", "PROD", "F4", n, f"25 47 3999 50{n:05d}",
        "PART", fraccion, "CHN", date(2025, 3, 3), None, D("10"), D(value_usd),
    )  # fmt: skip


def test_plan_applies_the_minimum_once_per_pedimento() -> None:
    ctx = context({"8544.42.99": "5", "8504.40.99": "10"})
    portions = [_portion(1, "8544.42.99", "100"), _portion(2, "8504.40.99", "300")]
    plan = plan_portions(
        portions, ctx, company_rfc="EKU9003173C9", company_name="Test", period=(2025, 6),
        prosec_sectors=(), change_date=date(2025, 6, 30),
    )  # fmt: skip
    assert plan.dta is not None and plan.dta.basis is DtaBasis.MINIMUM_FEE
    lines_dta = sum(ln.dta for ln in plan.lines)
    assert lines_dta == plan.totals["dta"] == D("425")
    assert plan.totals["total"] == sum(ln.total for ln in plan.lines)
    before = {ln.number: ln for ln in plan.lines}
    shares = {n: (d, i) for n, d, i in plan.dta.shares}
    # the larger customs value takes the larger share of the added DTA
    big = max(before.values(), key=lambda ln: ln.customs_value_mxn)
    small = min(before.values(), key=lambda ln: ln.customs_value_mxn)
    assert shares[big.number][0] > shares[small.number][0]
    assert plan.savings == plan.totals_mfn["total"] - plan.totals["total"]


def test_plan_without_the_fee_names_the_command() -> None:
    ctx = context({"8544.42.99": "5"}, with_fee=False)
    plan = plan_portions([_portion(1, "8544.42.99", "100")], ctx, company_rfc="EKU9003173C9",
                         company_name="Test", period=(2025, 6), prosec_sectors=(),
                         change_date=date(2025, 6, 30))  # fmt: skip
    assert plan.dta is not None and plan.dta.basis is DtaBasis.NOT_CHECKED
    assert any("could not be applied" in w and "immex rates load parameters" in w
               for w in plan.warnings)  # fmt: skip
