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
