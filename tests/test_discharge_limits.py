"""The IMMEX time limits and lot status as pure rules: the parameter values are passed in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from immex.domain.company import IVA_IEPS_CERTIFICATION, Authorization
from immex.domain.dated import DatedValue, Parameter
from immex.domain.discharge.limits import (
    CERTIFIED_LIMIT,
    GoodsKind,
    LimitParameters,
    LimitPolicy,
    LotStatus,
    limit_months,
    lot_status,
)
from immex.domain.discharge.rules import open_value_e4
from immex.domain.errors import DataCoverageError, NotFound


def _param(name: str, *values: tuple[date, object]) -> Parameter[object]:
    return Parameter.of(
        name,
        name,
        "months",
        [DatedValue(start, None, v, f"source of {name}") for start, v in values],
    )


PARAMS = LimitParameters(
    {
        "immex.limit.inputs": _param("immex.limit.inputs", (date(2000, 1, 1), Decimal(18))),
        "immex.limit.containers": _param("immex.limit.containers", (date(2000, 1, 1), "program")),
        "immex.limit.fixed_assets": _param(
            "immex.limit.fixed_assets", (date(2000, 1, 1), "program")
        ),
        CERTIFIED_LIMIT: _param(CERTIFIED_LIMIT, (date(2025, 7, 1), Decimal(36))),
    }
)


def test_limits_by_kind_of_good() -> None:
    start = date(2025, 1, 31)
    assert limit_months("input", start, PARAMS) == 18
    assert limit_months(GoodsKind.PACKAGING, start, PARAMS) == 18
    assert limit_months("fixed_asset", start, PARAMS) is None
    with pytest.raises(DataCoverageError, match="'machine'"):
        limit_months("machine", start, PARAMS)
    with pytest.raises(NotFound, match="immex.limit.inputs"):
        limit_months("input", start, LimitParameters({}))
    assert PARAMS.sources()["immex.limit.inputs"] == "source of immex.limit.inputs"


def test_the_certified_limit_applies_to_inputs_whose_clock_starts_within_it() -> None:
    cert = Authorization(IVA_IEPS_CERTIFICATION, date(2025, 1, 1), None, "RES 1")
    policy = LimitPolicy(PARAMS, (cert,))
    assert policy.limit_date("input", date(2025, 8, 1)) == date(2028, 8, 1)  # 36 months
    assert policy.limit_date("input", date(2025, 2, 1)) == date(2026, 8, 1)  # not in force yet
    assert policy.limit_date("container", date(2025, 8, 1)) is None
    assert policy.limit_date("input", date(2024, 8, 31)) == date(2026, 2, 28)  # not certified
    assert len(policy.notes) == 2 and any("confidence H" in n for n in policy.notes)
    assert policy.describe() == [{"from": "2025-01-01", "to": "", "reference": "RES 1"}]


def test_lot_status_and_open_value() -> None:
    assert lot_status(None, 30) is LotStatus.OPEN
    assert lot_status(-1, None) is LotStatus.EXPIRED
    assert lot_status(30, 30) is LotStatus.NEAR and lot_status(31, 30) is LotStatus.OPEN
    assert lot_status(5, None) is LotStatus.OPEN
    assert LotStatus.NEAR == "near" and f"status.{LotStatus.EXPIRED}" == "status.expired"
    # V − round4(V × used / Q): a third of 10 USD taken leaves 6.6667
    assert open_value_e4(10 * 10**4, 3 * 10**6, 10**6) == 66667
    assert open_value_e4(10 * 10**4, 3 * 10**6, 3 * 10**6) == 0
