"""Parameter values loaded into the workspace fill periods the bundled data lacks, never
overwrite it, and reach the duty computations (SQLite and PostgreSQL). Every loaded value
here is ILLUSTRATIVE (labelled so in its source), not a real legal figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from immex.domain.errors import BatchError, ParameterNotInForce
from immex.services.duties import single as duties
from immex.services.rates.parameters import load_parameters_file
from immex.services.rates.workspace_data import workspace_data
from immex.services.workspace import companies as workspace
from immex.store.tables import rates as t

HEADER = "name,valid_from,valid_to,value,source,confidence,note\n"
# what a user would load to compute surcharges on a 2025 payment (values ILLUSTRATIVE)
LATE_2025 = (
    HEADER
    + "recargos.lif_monthly_rate,2025-01-01,2025-12-31,1.47,ILLUSTRATIVE LIF 2025,L,test\n"
    + "recargos.cff21_increase,2025-01-01,2025-11-13,50,ILLUSTRATIVE CFF 21,L,test\n"
    + "recargos.max_years,2025-01-01,2025-11-13,5,ILLUSTRATIVE CFF 21,L,test\n"
)


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.parameter_values)).scalar_one())


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    w = workspace.create_workspace(workspace_url)
    yield w
    w.store.dispose()


def _late_f4(ws):  # type: ignore[no-untyped-def]
    ctx = duties.duty_context(data=workspace_data(ws))
    request = duties.f4_request(
        "8517.11.01", Decimal("1000"), date(2025, 3, 10), date(2025, 6, 16),
        origin="CHN", paid_on=date(2025, 8, 20), known_sectors=(),
    )  # fmt: skip
    return duties.f4(request, ctx), ctx


def test_loaded_values_reach_the_duty_engine(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParameterNotInForce, match="lif_monthly_rate"):
        _late_f4(ws)
    result = load_parameters_file(ws, _write(tmp_path, "p.csv", LATE_2025))
    assert result.rows_inserted == 3 and len(result.warnings) == 3  # all confidence L
    r, ctx = _late_f4(ws)
    assert r.surcharges is not None
    assert r.surcharges.monthly_rates == (Decimal("2.21"),) * 3  # 1.47 + 50 %, half up
    assert any("loaded into the workspace used" in n for n in ctx.notes)
    assert any("ILLUSTRATIVE LIF 2025 (loaded from p.csv)" in s.formula for s in r.trace)

    again = load_parameters_file(ws, _write(tmp_path, "p.csv", LATE_2025))
    assert again.already_loaded and _count(ws) == 3
    copy = load_parameters_file(ws, _write(tmp_path, "copy.csv", LATE_2025 + "\n"))
    assert copy.rows_inserted == 0 and copy.rows_already_present == 3


def test_overlaps_and_bad_rows_write_nothing(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load_parameters_file(ws, _write(tmp_path, "p.csv", LATE_2025))
    bad = _write(
        tmp_path,
        "bad.csv",
        HEADER
        + "dta.immex_temporary_fee,2024-06-01,2024-12-31,1,ILLUSTRATIVE,H,\n"  # bundled 2024
        + "recargos.lif_monthly_rate,2025-06-01,2025-06-30,1.5,ILLUSTRATIVE,H,\n"  # loaded
        + "nope,2025-01-01,,1,ILLUSTRATIVE,H,\n"
        + "immex.limit.fixed_assets,2025-01-01,,1,ILLUSTRATIVE,H,\n"
        + "iva.rate,2000-01-01,2000-12-31,abc,,Q,\n"
        + "dta.immex_temporary_fee,2026-01-01,2026-12-31,500,ILLUSTRATIVE,L,\n"
        + "dta.immex_temporary_fee,2026-06-01,,501,ILLUSTRATIVE,L,\n",
    )
    with pytest.raises(BatchError) as info:
        load_parameters_file(ws, bad)
    found = [(e.line, e.field) for e in info.value.errors]
    assert found == [
        (2, "valid_from"),
        (4, "name"),
        (5, "name"),
        (6, "value"),
        (6, "source"),
        (6, "confidence"),
        (8, "valid_from"),
    ]
    assert "overlaps the bundled value 425.44" in info.value.errors[0].message
    assert "not read by the duty computations" in info.value.errors[2].message
    assert "overlaps line 7" in info.value.errors[-1].message
    assert _count(ws) == 3
    # line 3 overlaps what is already loaded: found in the second pass, still nothing written
    clash = _write(
        tmp_path, "clash.csv",
        HEADER + "recargos.lif_monthly_rate,2025-06-01,2025-06-30,1.5,ILLUSTRATIVE,H,\n",
    )  # fmt: skip
    with pytest.raises(BatchError, match="1 error") as info:
        load_parameters_file(ws, clash)
    assert "overlaps the loaded value 1.47" in info.value.errors[0].message
    assert _count(ws) == 3
