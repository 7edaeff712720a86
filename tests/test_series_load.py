"""FIX and INPC points loaded into the workspace extend the bundled series for every
computation of that workspace (SQLite and PostgreSQL). The loaded values here are
ILLUSTRATIVE (invented points after the bundled series' end), except where a test copies a
bundled point to show that an identical one is accepted."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from immex.domain.errors import BatchError, DataCoverageError, InvalidInput
from immex.refdata.bundled import load_fx, load_inpc
from immex.services.duties import single as duties
from immex.services.rates import series
from immex.services.rates.workspace_data import series_of, workspace_data
from immex.services.workspace import companies as workspace
from immex.store.tables import rates as t


def _next_weekdays(after: date, n: int) -> list[date]:
    out, day = [], after
    while len(out) < n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            out.append(day)
    return out


LAST_FX = load_fx().last
NEW_DAYS = _next_weekdays(LAST_FX, 6)
LAST_INPC = load_inpc().last_month


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _fix_file(tmp: Path) -> Path:
    same = load_fx().determined(LAST_FX)
    rows = [f"{LAST_FX.isoformat()},{same}"]  # identical to the bundled point: accepted
    rows += [
        f"{d.isoformat()},{Decimal('17.1') + Decimal(i) / 100}" for i, d in enumerate(NEW_DAYS)
    ]
    return _write(tmp, "fix_banxico.csv", "fecha,tipo_cambio\n" + "\n".join(rows) + "\n")


def _points(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.series_points)).scalar_one())


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    w = workspace.create_workspace(workspace_url)
    yield w
    w.store.dispose()


def test_loaded_fix_extends_the_series_every_computation_reads(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    day = NEW_DAYS[-1]  # a pedimento on the last new day uses the FIX of two banking days before
    with pytest.raises(DataCoverageError, match="FIX series ends"):
        duties.duty_context(data=workspace_data(ws)).fx.for_pedimento(day)

    result = series.load_series(ws, "fix", _fix_file(tmp_path))
    assert (result.rows_inserted, result.rows_already_present) == (6, 1)
    assert "now reaches " + NEW_DAYS[-1].isoformat() in result.message
    ctx = duties.duty_context(data=workspace_data(ws))
    quote = ctx.fx.for_pedimento(day)
    assert quote.determined_on == NEW_DAYS[-3] and quote.rate == Decimal("17.13")
    assert "fix_banxico.csv" in quote.source
    assert any("extended by points loaded" in n for n in ctx.notes)
    # the F4 duty on that day computes, and no longer warns that the FIX series ends
    request = duties.f4_request(
        "8517.11.01", Decimal("1000"), day, day, origin="CHN", known_sectors=()
    )
    r = duties.f4(request, ctx)
    assert r.fx.rate == Decimal("17.13")
    assert not [w for w in r.warnings if "FIX series ends" in w]

    again = series.load_series(ws, "fix", _fix_file(tmp_path))
    assert again.already_loaded and again.rows_inserted == 0 and _points(ws) == 6


def test_contradictions_and_bad_rows_write_nothing(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundled = load_fx().determined(LAST_FX)
    clash = _write(tmp_path, "clash.csv", f"determined_on,rate\n{LAST_FX},{bundled + 1}\n")
    with pytest.raises(BatchError) as info:
        series.load_series(ws, "fix", clash)
    assert "differs from" in str(info.value.errors[0]) and "bundled series" in str(
        info.value.errors[0]
    )
    series.load_series(ws, "fix", _fix_file(tmp_path))
    other = _write(tmp_path, "other.csv", f"determined_on,rate\n{NEW_DAYS[0]},18.5\n")
    with pytest.raises(BatchError, match="1 error"):
        series.load_series(ws, "fix", other)
    saturday = next(
        d for d in (LAST_FX + timedelta(days=i) for i in range(1, 8)) if d.weekday() == 5
    )
    w1, w2, w3 = _next_weekdays(NEW_DAYS[-1], 3)
    bad = _write(
        tmp_path,
        "bad.csv",
        f"fecha,tipo_cambio\n{saturday},17.2\n{w1},abc\n{w2},-1\n{w3},17\n{w3},17\n",
    )
    with pytest.raises(BatchError) as info:
        series.load_series(ws, "fix", bad)
    found = [(e.line, e.field) for e in info.value.errors]
    assert found[:3] == [(2, "fecha"), (3, "tipo_cambio"), (4, "tipo_cambio")]
    assert found[3][0] == 6 and "repeats the point of line 5" in info.value.errors[3].message
    assert any("weekends" in e.message for e in info.value.errors)
    with pytest.raises(InvalidInput, match="header"):
        series.load_series(ws, "fix", _write(tmp_path, "h.csv", "day,value\n2026-03-05,17\n"))
    assert _points(ws) == 6  # only the first good file


def test_inpc_layouts_and_the_update_factor(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    y, m = LAST_INPC
    nxt = (y + 1, 1) if m == 12 else (y, m + 1)
    inegi = _write(
        tmp_path, "inpc_inegi.csv", f"year,month,date,valor\n{nxt[0]},{nxt[1]},x,150.25\n"
    )
    result = series.load_series(ws, "inpc", inegi)
    assert result.rows_inserted == 1
    _, inpc = series_of(ws)
    assert inpc.last_month == nxt and inpc.index(nxt) == Decimal("150.25")
    # the factor for a change two months after the bundled end now uses the loaded index
    to = (nxt[0] + 1, 1) if nxt[1] == 12 else (nxt[0], nxt[1] + 1)
    f = inpc.factor(LAST_INPC, to)
    assert f.numerator_month == nxt and not f.notes
    mine = _write(tmp_path, "inpc_mine.csv", f"month,index\n{y:04d}-{m:02d},1\n")
    with pytest.raises(BatchError) as info:
        series.load_series(ws, "inpc", mine)
    assert "differs from" in info.value.errors[0].message


def test_cli_fx_reads_the_workspace(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from immex.cli.main import app

    url = ws.store.engine.url.render_as_string(hide_password=False)
    day = NEW_DAYS[-1].isoformat()
    runner = CliRunner()
    res = runner.invoke(app, ["fx", day, "--db", url])
    assert res.exit_code == 2 and "newer FIX" in res.output
    res = runner.invoke(app, ["rates", "load", "fix", str(_fix_file(tmp_path)), "--db", url])
    assert res.exit_code == 0 and "6 points loaded" in res.output, res.output
    res = runner.invoke(app, ["fx", day, "--db", url, "--json"])
    assert res.exit_code == 0, res.output
    assert '"rate": "17.13"' in res.output
