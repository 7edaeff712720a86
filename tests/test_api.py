"""HTTP API and web pages: same services as the CLI, errors as JSON naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from immex.api.app import create_app


@pytest.fixture
def client(tmp_path, monkeypatch: pytest.MonkeyPatch) -> TestClient:  # type: ignore[no-untyped-def]
    # no workspace anywhere (no $IMMEX_DB, empty working directory) → bundled data only
    monkeypatch.delenv("IMMEX_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    return TestClient(create_app(None))


def test_tariff_show_json(client: TestClient) -> None:
    r = client.get("/api/tariff/85423103", params={"as_of": "2025-06-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["fraccion"] == "8542.31.03"
    assert body["as_of"] == "2025-06-01"
    assert isinstance(body["igi_history"], list)


def test_tariff_show_requires_date_and_names_field(client: TestClient) -> None:
    r = client.get("/api/tariff/8542.31.03", params={"as_of": "mañana"})
    assert r.status_code == 400
    assert r.json()["field"] == "as_of"


def test_unknown_fraction_is_404(client: TestClient) -> None:
    r = client.get("/api/tariff/9999.99.99", params={"as_of": "2025-06-01"})
    assert r.status_code == 404
    assert "9999" in r.json()["error"]


def test_search_ranks_integrated_circuits(client: TestClient) -> None:
    r = client.get("/api/tariff/search", params={"q": "circuitos integrados", "limit": 5})
    assert r.status_code == 200
    assert r.json()[0]["fraccion"].startswith("8542")


def test_fx_rule_via_api(client: TestClient) -> None:
    r = client.get("/api/fx/2025-03-10")
    assert r.status_code == 200
    body = r.json()
    assert body["determined_on"] == "2025-03-06"
    assert body["published_on"] == "2025-03-07"


def test_f4_via_api_total_is_sum_and_negative_rejected(client: TestClient) -> None:
    payload = {
        "fraccion": "8542.31.03",
        "value_usd": "1000",
        "entry_date": "2024-05-15",
        "change_date": "2025-02-10",
        "origin": "CHN",
    }
    r = client.post("/api/duty/f4", json=payload)
    assert r.status_code == 200, r.text
    assert r.json()["policy"] == "entry_date"
    bad = client.post("/api/duty/f4", json={**payload, "value_usd": "-5"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "value_usd"


def test_web_pages_spanish_first_english_too(client: TestClient) -> None:
    es = client.get("/", params={"q": "telefonos inteligentes"})
    assert es.status_code == 200
    assert "Buscar fracción" in es.text and "8517.13.01" in es.text
    en = client.get("/", params={"q": "telefonos", "lang": "en"})
    assert "Search a tariff fraction" in en.text
    page = client.get("/fraccion/8708.29.99", params={"as_of": "2024-06-01", "origin": "CHN"})
    assert page.status_code == 200
    assert "8708.29.99" in page.text and "MFN" in page.text
    bad = client.get("/fraccion/12")
    assert "Error" in bad.text


def test_api_does_not_import_the_cli() -> None:
    """Entry points are siblings: the API shares parsing and JSON with the CLI through
    ``immex.services.inputs``, never by importing ``immex.cli``."""
    import subprocess
    import sys

    code = (
        "import sys, immex.api.app; "
        "print(sorted(m for m in sys.modules if m == 'immex.cli' or m.startswith('immex.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("value", ["-5", "0"])
def test_f4_value_checked_by_the_duty_core(client: TestClient, value: str) -> None:
    """The API does not re-implement the value check: the core's (positive) applies."""
    payload = {
        "fraccion": "8542.31.03",
        "value_usd": value,
        "entry_date": "2024-05-15",
        "change_date": "2025-02-10",
        "origin": "CHN",
    }
    r = client.post("/api/duty/f4", json=payload)
    assert r.status_code == 400
    assert r.json()["field"] == "value_usd"
    assert "must be positive" in r.json()["error"]


def test_inpc_factor_bad_month_names_the_api_field(client: TestClient) -> None:
    r = client.get("/api/inpc/factor", params={"from_month": "2025-13", "to_month": "2025-09"})
    assert r.status_code == 400
    assert r.json()["field"] == "from_month"
    assert r.json()["error"].startswith("from_month: not a month")


def test_a_future_as_of_is_refused_as_the_cli_refuses_it(client: TestClient) -> None:
    """One way in: the rule lives in the rate service, so the API and the CLI agree."""
    from typer.testing import CliRunner

    from immex.cli.main import app

    r = client.get(
        "/api/rate", params={"fraccion": "8501.10.01", "origin": "CHN", "as_of": "2099-01-01"}
    )
    assert r.status_code == 400
    assert r.json()["field"] == "as_of"
    assert "2099-01-01 is in the future" in r.json()["error"]
    cli = CliRunner().invoke(
        app, ["rate", "8501.10.01", "--origin", "CHN", "--as-of", "2099-01-01"]
    )
    assert cli.exit_code == 2
    assert r.json()["error"] in cli.stderr
