"""F4 planning on generated plants (hypothesis): the plan is the sum of its per-lot duties.

Plants come from the ledger's seeded generator (ILLUSTRATIVE data); the discharge is the
ledger's fast engine; the duties are the rates engineer's engine with the bundled FX, INPC,
parameters and LIGIE. Some PROSEC rows below are TEST DOUBLES (illustrative rates on the
generator's fractions, valid from 2020) so that programs actually win sometimes; they are
never shipped or shown to a user.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immex.domain.discharge.kernel import discharge_domain
from immex.domain.duties import DutyContext, compute_f4
from immex.domain.f4_plan import AMOUNTS, amounts_of, plan_portions, requests_for
from immex.domain.lot_portions import LotPortion, merge_by_lot, portions_from_allocations
from immex.domain.rates import ProsecRow, RateBook, parse_rate_text
from immex.samples.plant_generator import PlantSpec, generate
from immex.samples.plant_records import records_from_rows
from immex.services.duties.single import duty_context
from immex.services.rates import loading as rates_service

EXCERPT = (
    Path(__file__).resolve().parents[1] / "immex" / "samples" / "prosec_dof_2026-04-23_excerpt.csv"
)
SECTORS = ("II",)


def _double(sector: str, fraccion: str, rate: str) -> ProsecRow:
    return ProsecRow(
        sector,
        f"sector {sector} (TEST DOUBLE)",
        fraccion,
        parse_rate_text(rate),
        date(2020, 1, 1),
        None,
        "",
        "TEST DOUBLE — illustrative PROSEC row, not law",
    )


@cache
def context() -> DutyContext:
    parsed, _ = rates_service.parse_file("prosec", EXCERPT)
    rows = [r for _, r in parsed]
    rows += [
        _double("II", "8544.42.99", "Ex."),  # MFN 5 %
        _double("II", "8504.40.99", "3"),  # MFN 10 %
        _double("XIX", "7318.15.99", "5"),  # MFN 35 % (temporary); company not registered
    ]
    book = RateBook(rows, sector_order=rates_service.sector_codes())
    data = rates_service.WorkspaceData(book, None, rates_service.sector_codes())
    return duty_context(data=data)


def _plant(seed: int, shipments: int):
    spec = PlantSpec(
        seed=seed,
        materials=40,
        products=6,
        components=5,
        shipments=shipments,
        lots=300,
        days=700,
        start=date(2024, 1, 1),
    )
    lots, ships, bom = records_from_rows(generate(spec))
    result = discharge_domain(lots, ships, bom)
    portions = portions_from_allocations(
        result.allocations, {x.lot_id: x for x in lots}, {s.shipment_id: s for s in ships}
    )
    return [p for p in portions if p.value_usd > 0]


def _busiest_month(portions):
    months = Counter((p.shipment_date.year, p.shipment_date.month) for p in portions)
    return months.most_common(1)[0][0]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=1, max_value=10_000), shipments=st.integers(60, 200))
def test_plan_totals_are_sums_of_single_duty_results(seed: int, shipments: int) -> None:
    portions = _plant(seed, shipments)
    if not portions:
        return
    month = _busiest_month(portions)
    selected = [p for p in portions if (p.shipment_date.year, p.shipment_date.month) == month]
    plan = plan_portions(
        selected,
        context(),
        company_rfc="EKU9003173C9",
        company_name="test",
        period=month,
        prosec_sectors=SECTORS,
    )
    # the reference: one plain compute_f4 per portion, no batch, no memo
    fresh = DutyContext(
        context().fx,
        context().inpc,
        context().params,
        context().book,
        context().mfn,
        context().notes,
    )
    lots = merge_by_lot(selected)
    assert len({p.lot_id for p in selected}) == len(lots) == plan.portions
    assert sum(p.allocations for p in lots) == len(selected) == plan.allocations
    assert sum((p.value_usd for p in lots), Decimal(0)) == sum(
        (p.value_usd for p in selected), Decimal(0)
    )
    best = [compute_f4(r, fresh) for r in requests_for(lots, plan.change_date, SECTORS)]
    mfn = [
        compute_f4(r, fresh) for r in requests_for(lots, plan.change_date, SECTORS, programs=False)
    ]
    for key in AMOUNTS:
        assert plan.totals[key] == sum((amounts_of(r)[key] for r in best), Decimal(0)), key
        assert plan.totals_mfn[key] == sum((amounts_of(r)[key] for r in mfn), Decimal(0)), key
    # MFN only never costs less; savings are exactly the difference, split by program
    assert plan.totals_mfn["total"] >= plan.totals["total"]
    assert plan.savings == plan.totals_mfn["total"] - plan.totals["total"]
    assert sum(plan.savings_by_program.values(), Decimal(0)) == plan.savings
    for line in plan.lines:
        assert line.total_mfn >= line.total
        assert line.savings == line.total_mfn - line.total
        for pp in line.portions:  # every portion keeps its trace; the last step is its total
            assert pp.best.trace[-1].value == pp.best.total
    assert sum(len(ln.portions) for ln in plan.lines) == plan.portions
    assert sum((ln.total for ln in plan.lines), Decimal(0)) == plan.totals["total"]


def test_a_program_saves_money_on_some_plant() -> None:
    """The property test is not vacuous: with the test-double rows, PROSEC II wins."""
    portions = _plant(11, 300)
    month = _busiest_month(portions)
    selected = [p for p in portions if (p.shipment_date.year, p.shipment_date.month) == month]
    plan = plan_portions(
        selected,
        context(),
        company_rfc="EKU9003173C9",
        company_name="test",
        period=month,
        prosec_sectors=SECTORS,
    )
    programs = {ln.program for ln in plan.lines}
    assert {"MFN", "PROSEC"} <= programs
    assert plan.savings > 0
    assert set(plan.savings_by_program) == {"PROSEC sector II"}


def test_lines_group_by_fraction_origin_program_rate() -> None:
    portions = _plant(5, 200)
    month = _busiest_month(portions)
    selected = [p for p in portions if (p.shipment_date.year, p.shipment_date.month) == month]
    plan = plan_portions(
        selected,
        context(),
        company_rfc="EKU9003173C9",
        company_name="test",
        period=month,
        prosec_sectors=SECTORS,
    )
    keys = [(ln.fraccion, ln.origin, ln.program, ln.program_detail, ln.rate) for ln in plan.lines]
    assert len(keys) == len(set(keys))
    for ln in plan.lines:
        for pp in ln.portions:
            assert (pp.best.fraccion, pp.best.origin, pp.best.program, pp.best.rate) == (
                ln.fraccion,
                ln.origin,
                ln.program,
                ln.rate,
            )


@pytest.mark.parametrize("period", ["2026-13", "abc", "2026"])
def test_bad_period_is_a_clear_error(period: str) -> None:
    from immex.domain.errors import InvalidInput
    from immex.services.duties.f4_plan import parse_period

    with pytest.raises(InvalidInput, match="YYYY-MM"):
        parse_period(period)


@pytest.mark.parametrize(
    ("month", "start"),
    [
        ((2025, 12), date(2025, 1, 1)),
        ((2026, 2), date(2025, 3, 1)),
        ((2026, 11), date(2025, 12, 1)),
    ],
)
def test_savings_window_is_the_twelve_months_ending_with_the_period(
    month: tuple[int, int], start: date
) -> None:
    from immex.domain.savings import savings_start

    assert savings_start(month) == start


def _small_portion(n: int) -> LotPortion:
    return LotPortion(
        n, n, f"FAC-{n}", date(2024, 6, 10), "MEX", "PROD", "F4", n, f"24 47 3999 40{n:05d}",
        "CABLE", "8544.42.99", "CHN", date(2024, 3, 1), None, Decimal("10"), Decimal("100"),
    )  # fmt: skip


def test_the_pedimento_pays_the_lfd49_fee_when_8_per_thousand_is_below_it() -> None:
    """Ten small lots: 8 per thousand of the whole pedimento (~137 MXN; the portions carry
    140 in whole pesos) is below the 2024 fixed fee of LFD 49-III (425.44): the pedimento
    pays the fee, 425 in whole pesos (LFD 49, penultimate paragraph; RULES C-10) — 285 more
    DTA, and 16 % IVA on it: 285 × 0.16 = 45.60 → 46 (CFF 20)."""
    plan = plan_portions(
        [_small_portion(n) for n in range(1, 11)],
        duty_context(),
        company_rfc="EKU9003173C9",
        company_name="Test",
        period=(2024, 6),
        prosec_sectors=(),
        change_date=date(2024, 6, 28),
    )
    assert plan.dta is not None and plan.dta.basis.value == "minimum_fee"
    assert plan.dta.lines_payable == Decimal("140") and plan.dta.fee == Decimal("425.44")
    assert (plan.dta.extra_dta, plan.dta.extra_iva) == (Decimal("285"), Decimal("46"))
    assert plan.totals["dta"] == Decimal("425")
    assert sum(ln.dta for ln in plan.lines) == Decimal("425")
    assert plan.totals["total"] == sum(ln.total for ln in plan.lines)
    assert any("below the LFD 49-III fee" in n and "425.44" in n for n in plan.notes)
    assert plan.savings == 0  # MFN only pays the same minimum
    doc = plan.to_dict(traces=False)["dta_pedimento"]
    assert doc["basis"] == "minimum_fee" and "spread over the lines" in doc["steps"][1]


def test_the_policies_are_the_duty_engines() -> None:
    from immex.domain.duties import POLICIES
    from immex.domain.f4_plan import F4Policy

    assert tuple(F4Policy) == POLICIES

