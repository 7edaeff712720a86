"""An unknown PROSEC sector is refused in the reader's language wherever it is named: the
rate look-up of the CLI, the public API (its ``code`` the catalog key) and the fraction page."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from immex.api.app import create_app
from immex.cli.main import app
from immex.reports.i18n import tr
from immex.services.rates.sectors import UNKNOWN_SECTOR, sector_codes

SPANISH_START = "sector PROSEC desconocido 'XXV'"


def _spanish() -> str:
    return str(tr(UNKNOWN_SECTOR(code="'XXV'", items=", ".join(sector_codes())), "es"))


def test_the_catalog_says_it_in_spanish() -> None:
    assert _spanish().startswith(SPANISH_START)


def test_the_cli_api_and_page_refuse_it_in_spanish() -> None:
    out = CliRunner().invoke(
        app, ["--lang", "es", "rate", "8542.31.03", "--origin", "CHN", "--as-of", "2025-03-01",
              "--prosec", "XXV"],
    )  # fmt: skip
    assert out.exit_code != 0 and SPANISH_START in out.output, out.output
    assert "unknown PROSEC sector" not in out.output
    client = TestClient(create_app(None))
    r = client.get(
        "/api/rate?fraccion=85423103&origin=CHN&as_of=2025-03-01&prosec=XXV",
        headers={"Accept-Language": "es"},
    )
    assert r.status_code == 400
    assert r.json()["error"] == _spanish() and r.json()["code"] == UNKNOWN_SECTOR.key
    page = client.get("/fraccion/85423103?origin=CHN&prosec=XXV&lang=es")
    assert _spanish() in html.unescape(page.text)
