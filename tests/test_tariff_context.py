"""Search with context (issue 16.5): a hit such as "Los demás." shows its heading and
subheading; ``immex tariff show 8471.80`` (a subheading) lists its fracciones and ``8471``
(a heading) its subheadings — in the CLI (piped, as a log reads it), the JSON and the API."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from immex.api.app import create_app
from immex.cli.main import app
from immex.domain.errors import InvalidFormat, NotFound
from immex.services.tariff import lookup
from immex.services.tariff.groups import code_level, show_group

runner = CliRunner()
DAY = date(2026, 2, 1)


def cli(*args: str, code: int = 0, lang: str = "es") -> str:
    result = runner.invoke(app, ["--lang", lang, *args])
    assert result.exit_code == code, result.output
    return result.stdout if code == 0 else result.stderr


def test_a_los_demas_hit_carries_its_heading_and_subheading() -> None:
    hits = lookup.search("los demás relojes", 5)
    hit = next(h for h in hits if h["fraccion"] == "9105.19.99")
    assert hit["description"] == "Los demás."
    assert (hit["heading"], hit["heading_description"]) == ("91.05", "Los demás relojes.")
    assert (hit["subheading"], hit["subheading_description"]) == ("9105.19", "Los demás.")


def test_cli_search_shows_the_context_in_spanish_and_json_keeps_it() -> None:
    out = cli("tariff", "search", "los demás relojes", "--limit", "3")
    assert "partida 91.05: Los demás relojes." in out
    assert "subpartida 9105.19: Los demás." in out
    body = json.loads(cli("tariff", "search", "los demás relojes", "--limit", "3", "--json"))
    assert {"heading", "heading_description", "subheading", "subheading_description"} <= set(
        body[0]
    )


def test_a_subheading_lists_its_fracciones_with_the_rate_of_the_day() -> None:
    doc = show_group("8471.80", DAY)
    assert doc["level"] == "subheading" and doc["code"] == "8471.80"
    assert doc["description"].startswith("Las demás unidades de máquinas automáticas")
    assert doc["heading"] == "84.71" and doc["heading_description"].startswith("Máquinas")
    assert [f["fraccion"] for f in doc["fractions"]] == ["8471.80.91"]
    assert doc["fractions"][0]["umt"] == "Pza" and doc["fractions"][0]["igi"] == "0"
    out = cli("tariff", "show", "8471.80", "--as-of", "2026-02-01")
    assert "subpartida 8471.80: Las demás unidades" in out
    assert "partida 84.71: Máquinas automáticas" in out
    assert "8471.80.91" in out and "IGI vigente al 2026-02-01" in out


def test_a_heading_lists_its_subheadings_each_with_its_fracciones() -> None:
    doc = show_group("8471", DAY)
    subs = [s["subheading"] for s in doc["subheadings"]]
    assert subs == ["8471.30", "8471.41", "8471.49", "8471.50", "8471.60", "8471.70",
                    "8471.80", "8471.90"]  # fmt: skip
    assert doc["subheadings"][-1]["description"] == "Los demás."
    assert [f["fraccion"] for f in doc["subheadings"][-1]["fractions"]] == ["8471.90.99"]
    out = cli("tariff", "show", "84.71", "--as-of", "2026-02-01")
    assert "partida 84.71:" in out and "  8471.41  Que incluyan" in out
    body = json.loads(cli("tariff", "show", "8471", "--as-of", "2026-02-01", "--json"))
    assert body["level"] == "heading" and len(body["subheadings"]) == 8


def test_a_fraction_still_shows_itself_and_says_its_level() -> None:
    body = json.loads(cli("tariff", "show", "8471.80.91", "--as-of", "2026-02-01", "--json"))
    assert body["level"] == "fraction" and body["fraccion"] == "8471.80.91"


@pytest.mark.parametrize("code", ["84", "8471.8", "84718091x"])
def test_a_code_of_no_level_is_refused_with_what_to_type(code: str) -> None:
    with pytest.raises(InvalidFormat, match="heading .4 digits"):
        code_level(code)
    assert "a heading (4 digits: 8471)" in cli("tariff", "show", code, code=2, lang="en")


def test_an_unknown_heading_or_subheading_is_not_found() -> None:
    with pytest.raises(NotFound, match="heading 99.77"):
        show_group("9977", DAY)
    with pytest.raises(NotFound, match="subheading 8471.99"):
        show_group("8471.99", DAY)


def test_api_answers_a_subheading_with_its_fracciones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMMEX_DB", raising=False)
    client = TestClient(create_app(None))
    r = client.get("/api/tariff/8471.80", params={"as_of": "2026-02-01"})
    assert r.status_code == 200, r.text
    assert r.json()["level"] == "subheading"
    assert r.json()["fractions"][0]["fraccion"] == "8471.80.91"
    hits = client.get("/api/tariff/search", params={"q": "los demás relojes"}).json()
    assert hits[0]["heading_description"] == "Los demás relojes."
    assert client.get("/api/tariff/9977", params={"as_of": "2026-02-01"}).status_code == 404
