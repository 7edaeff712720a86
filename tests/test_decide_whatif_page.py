"""The page "¿Exportar o vender en México?" (``/c/{rfc}/whatif``) on the demo plant: a viewer
may use it (it writes nothing), its figures are the service's (``immex whatif sell``), the
page speaks Spanish and English, and another company's page is a 404."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.domain.f4_plan import period_bounds
from immex.services.accounts import users
from immex.services.decide.whatif import whatif_sell
from immex.services.duties.f4_plan import parse_period
from immex.services.workspace.companies import add_company, open_workspace
from immex.web.company_pages.page_render import _money
from immex.web.site import create_site
from tests.support_demo import demo_run

PASSWORD = "correct horse battery"
OTHER = "AAA010101AA1"


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, date]]:
    summary = demo_run()
    db = tmp_path_factory.mktemp("whatif_page") / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    url = f"sqlite:///{db}"
    ws = open_workspace(url, actor="installer")
    add_company(ws, OTHER, "Otra planta")
    users.add_user(ws, "viewer@example.com", "viewer", [summary.company_rfc], password=PASSWORD)
    ws.store.dispose()
    yield url, summary.company_rfc, period_bounds(parse_period(summary.period))[1]


def _client(url: str) -> TestClient:
    clock = lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    return TestClient(create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE)))


def _login(client: TestClient) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    r = client.post(
        "/login",
        data={"email": "viewer@example.com", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303


def _ledger_counts(url: str) -> tuple[int, ...]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("ledger_shipments", "ledger_lots", "ledger_discharge_runs", "audit_log")
        )


def _cell(page: str, destination: str, figure: str) -> str:
    found = re.search(rf'data-destination="{destination}" data-figure="{figure}">([^<]+)<', page)
    assert found, (destination, figure)
    return found.group(1)


def test_a_viewer_compares_the_destinations_and_nothing_is_written(plant: Any) -> None:
    url, rfc, day = plant
    query = f"product=UPS-1500&quantity=25&day={day}&destinations=MEX,USA,DEU"
    with _client(url) as client:
        _login(client)
        empty = client.get(f"/c/{rfc}/whatif")
        assert empty.status_code == 200 and 'id="whatif-form"' in empty.text
        assert '<option value="UPS-1500"' in empty.text and "whatif-result" not in empty.text
        before = _ledger_counts(url)  # after signing in (a sign-in is audited)
        r = client.get(f"/c/{rfc}/whatif?{query}")
        after = _ledger_counts(url)
        # (switching to English is remembered by the account: that, not the what-if, is
        # audited)
        en = client.get(f"/c/{rfc}/whatif?{query}&lang=en")
    assert r.status_code == 200, r.text[:800]
    assert after == before  # a simulation: no shipment, run or audit row
    ws = open_workspace(url, actor="tester", require_company=True, company=rfc)
    try:
        sale = whatif_sell(ws, "UPS-1500", Decimal(25), day, ["MEX", "USA", "DEU"])
    finally:
        ws.store.dispose()
    assert sale.lots, "the demo has open lots for the UPS"
    for o in sale.options:
        for figure in ("total", "cash_cost", "total_mfn", "igi"):
            assert _cell(r.text, o.destination, figure) == _money(getattr(o, figure))
    # the lots with their days left, and the trace of the domestic sale's IGI
    lots = r.text.split('id="whatif-lots"')[1].split("</table>")[0]
    assert lots.count("<tr>") == len(sale.lots) + 1
    first = sale.lots[0]
    assert f">{first.lot_id}</a>" in lots and first.part in lots
    assert 'id="trace-MEX"' in r.text and "LA 109" in r.text
    assert "★" in r.text and sale.cheapest is not None
    # Spanish by default, English on request; the core's notes translated too
    assert "¿Exportar o vender en México?" in r.text and "Export or sell in Mexico?" in en.text
    assert "Costo en efectivo" in r.text and "Cash cost" in en.text


def test_another_company_and_bad_input(plant: Any) -> None:
    url, rfc, day = plant
    with _client(url) as client:
        _login(client)
        assert client.get(f"/c/{OTHER}/whatif").status_code == 404
        assert client.get(f"/c/{OTHER}/whatif?product=UPS-1500&quantity=1").status_code == 404
        assert client.get("/c/XAXX010101000/whatif").status_code == 404
        bad = client.get(f"/c/{rfc}/whatif?product=UPS-1500&quantity=muchos&day={day}")
        assert bad.status_code == 400 and "muchos" in bad.text
        unknown = client.get(f"/c/{rfc}/whatif?product=NOPE&quantity=1&day={day}")
        assert unknown.status_code == 404
        dest = client.get(f"/c/{rfc}/whatif?product=UPS-1500&quantity=1&destinations=XX")
        assert dest.status_code == 400
    with _client(url) as anonymous:
        r = anonymous.get(f"/c/{rfc}/whatif", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
