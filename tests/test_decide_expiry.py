"""``immex expiry plan``: each way out of a lot at or past its limit, worked by hand on the
small plant (tests/support_decide.py). Real data: FIX determined 2023-05-11 17.6287 (L0's
entry, Mon 2023-05-15); INPC 2023-04 128.363, 2024-10 136.828; LIGIE 8501.52.04 15 %;
DTA 8 ‰ and the fr. III fee 425.44 in force in 2024 only; IVA 16 %."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.expiry_plan import WayOut
from immex.services.decide.expiry_plan import expiry_plan
from immex.services.discharge import runs
from tests.support_decide import L0, L1, small_plant


@pytest.fixture
def plant(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = small_plant(workspace_url, tmp_path)
    runs.run_discharge(ws)
    yield ws
    ws.store.dispose()


def _ways(lot):  # type: ignore[no-untyped-def]
    return {w.way: w for w in lot.ways}


def test_before_the_limit_every_way_out_is_costed_and_the_cheapest_marked(plant) -> None:  # type: ignore[no-untyped-def]
    p = expiry_plan(plant, 30, date(2024, 11, 1))
    # L0: 30 units open (USD 3,000), limit 2024-11-15 → 14 days left; L1 is 404 days away
    assert [(lp.pedimento, lp.days_left, lp.open_value_usd) for lp in p.lots] == [
        (L0, 14, Decimal(3000))
    ]
    ways = _ways(p.lots[0])
    assert set(ways) == {
        WayOut.RETURN,
        WayOut.CHANGE_OF_REGIME,
        WayOut.VIRTUAL_TRANSFER,
        WayOut.DESTRUCTION,
    }
    # return and transfer: the 2024 fee 425.44 per pedimento → 425 (CFF 20)
    assert ways[WayOut.RETURN].cost == 425 == ways[WayOut.VIRTUAL_TRANSFER].cost
    # F4 on 2024-11-01: VA = 3000 × 17.6287 = 52886.10 ; IGI 15 % = 7932.915 ; factor
    # 136.828 / 128.363 → 1.0659 ; 8455.69 → 8456 ; DTA 8 ‰ = 423.09 < 425.44 → 425 ;
    # IVA 16 % × (52886.10 + 7932.915 + 423.0888) = 9798.74 → 9799 (+ 16 % × 2.35 → 0) ;
    # total 8456 + 425 + 9799 = 18680
    f4 = ways[WayOut.CHANGE_OF_REGIME]
    assert (f4.detail["igi_updated"], f4.detail["dta"], f4.detail["iva"], f4.cost) == (
        8456,
        425,
        9799,
        18680,
    )
    assert all(w.deadline == date(2024, 11, 15) for w in ways.values())
    assert ways[WayOut.RETURN].cheapest and ways[WayOut.VIRTUAL_TRANSFER].cheapest
    assert not f4.cheapest and not ways[WayOut.DESTRUCTION].cheapest  # waste only
    assert p.totals["cheapest_total"] == 850 and p.simulation


def test_past_the_limit_only_the_regularization_and_its_fines_not_in_the_data(plant) -> None:  # type: ignore[no-untyped-def]
    p = expiry_plan(plant, 400, date(2025, 1, 15))
    by = {lp.pedimento: lp for lp in p.lots}
    past = _ways(by[L0])
    assert set(past) == {WayOut.REGULARIZATION} and by[L0].days_left == -61
    a3 = past[WayOut.REGULARIZATION]
    assert a3.cost is not None and any("182-II" in m for m in a3.missing)
    assert not a3.cheapest and any("RULES I-4" in w for w in p.warnings)
    # L1 in 2025: the fr. III fee of 2025 is not in the data → return and V1 not costed, no
    # cheapest marked (an unknown cost may be the cheapest)
    near = _ways(by[L1])
    assert near[WayOut.RETURN].cost is None and near[WayOut.RETURN].missing
    assert not any(w.cheapest for w in near.values())
    assert any("dta.immex_temporary_fee" in m for m in near[WayOut.RETURN].missing)


def test_cli_expiry_plan_and_the_listing_beside_it(plant) -> None:  # type: ignore[no-untyped-def]
    if "postgresql" in plant.store.display_url:
        pytest.skip("the CLI test runs on the SQLite file")
    db = str(plant.store.engine.url.database)
    cli = CliRunner()
    res = cli.invoke(
        app, ["expiry", "plan", "--within", "30", "--as-of", "2024-11-01", "--db", db, "--json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["lots"][0]["ways"][1]["cost"] == "18680"
    args = ["expiry", "plan", "--within", "400", "--as-of", "2025-01-15", "--db", db]
    text = cli.invoke(app, ["--lang", "en", *args])
    assert text.exit_code == 0 and "Not in the data" in text.output
    es = cli.invoke(app, ["--lang", "es", *args])
    assert es.exit_code == 0 and "Fuera de los datos" in es.output
    assert "Plan de acción de vencimientos" in es.output and "solo desperdicios" in es.output
    listing = cli.invoke(app, ["expiry", "--within", "30", "--as-of", "2024-11-01", "--db", db])
    assert listing.exit_code == 0 and "near" in listing.output
