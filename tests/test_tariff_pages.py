"""The tariff pages (issue 12's ``/tariff``; issue 16's ``None``/``False``/``True`` cells):
search with the heading context, a fracción's history and NICO, the best rate for an
origin on a date with the PROSEC sectors of the user's company, a heading and a subheading
with what they hold — in Spanish first, English by ``?lang=en``; no cell of any page reads
None, True or False."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from immex.api.app import create_app
from immex.api.i18n import cell
from immex.api.v1.auth import JobRunners, ServerSettings
from immex.services.accounts import users
from immex.services.workspace.companies import add_company, open_workspace
from immex.web.site import create_site
from tests.support_demo import demo_run

PASSWORD = "correct horse battery"
OTHER = "AAA010101AA1"
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
RAW = re.compile(r"\b(None|True|False)\b")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    summary = demo_run()
    db = tmp_path_factory.mktemp("tariff-pages") / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    url = f"sqlite:///{db}"
    ws = open_workspace(url, actor="installer")
    add_company(ws, OTHER, "Otra planta")
    users.add_user(ws, "spec@example.com", "specialist", [summary.company_rfc], password=PASSWORD)
    users.add_user(ws, "admin@example.com", "admin", [], password=PASSWORD)
    ws.store.dispose()
    yield url, summary.company_rfc


def _client(url: str, who: str = "spec") -> TestClient:
    clock = lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    client = TestClient(create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE)))
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    r = client.post(
        "/login",
        data={"email": f"{who}@example.com", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return client


def cells(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", " ", c)).strip() for c in CELL.findall(page)]


def no_raw_values(page: str) -> None:
    bad = [c for c in cells(page) if RAW.search(c)]
    assert not bad, bad[:5]


def test_cell_words() -> None:
    assert [cell(v, "es") for v in (None, "", True, False, "35")] == ["—", "—", "Sí", "No", "35"]
    assert [cell(v, "en") for v in (True, False)] == ["Yes", "No"]


def test_search_shows_each_hit_with_its_heading_and_subheading(site: Any) -> None:
    url, _rfc = site
    with _client(url) as client:
        page = client.get("/tariff", params={"q": "los demás relojes"}).text
    assert 'href="/tariff/9105.19.99?lang=es"' in page
    assert "Partida" in page and "Los demás relojes." in page and "9105.19" in page
    no_raw_values(page)


def test_fraction_page_best_rate_with_the_company_sectors_in_words(site: Any) -> None:
    url, _rfc = site
    with _client(url) as client:
        page = client.get(
            "/tariff/8708.29.99", params={"as_of": "2026-02-01", "origin": "CHN"}
        ).text
        en = client.get(
            "/tariff/8708.29.99", params={"as_of": "2026-02-01", "origin": "CHN", "lang": "en"}
        ).text
        client.get("/tariff", params={"lang": "es"})  # the account remembers: back to Spanish
    assert "Historial del arancel de importación" in page and 'id="history"' in page
    assert 'name="prosec" value="II"' in page  # the demo company's sector, filled in
    options = cells(page.split('id="options"')[1].split("</table>")[0])
    assert "tasa general (LIGIE)" in options and "Sí" in options and "No" in options
    assert "Regla 8ª" in options and "MFN" not in options and "REGLA8" not in options
    assert "Tasa a aplicar: tasa general (LIGIE) 35 %" in page
    no_raw_values(page)
    en_options = cells(en.split('id="options"')[1].split("</table>")[0])
    assert "Yes" in en_options and "No" in en_options and "Sí" not in en_options
    assert "MFN (general rate)" in en_options and "Rate to use: MFN (general rate) 35 %" in en
    assert "Import-rate history" in en
    no_raw_values(en)


def test_the_sectors_typed_win_and_another_company_is_404(site: Any) -> None:
    url, rfc = site
    with _client(url) as client:
        typed = client.get("/tariff/8708.29.99", params={"origin": "CHN", "prosec": "XIX"})
        assert 'name="prosec" value="XIX"' in typed.text
        mine = client.get("/tariff/8708.29.99", params={"rfc": rfc.lower()})
        assert mine.status_code == 200
        assert client.get("/tariff/8708.29.99", params={"rfc": OTHER}).status_code == 404
    with _client(url, "admin") as client:  # an admin sees every company: none chosen
        page = client.get("/tariff/8708.29.99").text
        assert 'name="prosec" value=""' in page
        picked = client.get("/tariff/8708.29.99", params={"rfc": OTHER}).text
        assert f'value="{OTHER}" selected' in picked


def test_a_subheading_and_a_heading_list_what_they_hold(site: Any) -> None:
    url, _rfc = site
    with _client(url) as client:
        sub = client.get("/tariff/8471.80", params={"as_of": "2026-02-01"}).text
        head = client.get("/tariff/8471").text
        bad = client.get("/tariff/84")
    assert "Subpartida 8471.80" in sub and 'href="/tariff/8471.80.91' in sub
    assert "Máquinas automáticas para tratamiento" in sub  # its heading
    assert "Partida 84.71" in head
    for code in ("8471.30", "8471.41", "8471.90"):
        assert f'href="/tariff/{code}?lang=es"' in head
    no_raw_values(sub)
    no_raw_values(head)
    assert bad.status_code == 400


def test_the_reference_fraction_page_prints_words_not_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("IMMEX_DB", raising=False)
    client = TestClient(create_app(None))
    page = client.get("/fraccion/8708.29.99", params={"as_of": "2024-06-01", "origin": "CHN"})
    assert page.status_code == 200
    no_raw_values(page.text)
    assert "Sí" in cells(page.text) and "No" in cells(page.text)
    en = client.get(
        "/fraccion/8708.29.99", params={"as_of": "2024-06-01", "origin": "CHN", "lang": "en"}
    )
    assert "Yes" in cells(en.text)
    sub = client.get("/fraccion/8471.80", params={"as_of": "2026-02-01"})
    assert "8471.80.91" in sub.text
    assert "Los demás relojes." in client.get("/", params={"q": "los demás relojes"}).text


PAGES = ["/", "/ledger", "/lots/1", "/expiry", "/f4", "/f4/lines/1", "/63a", "/savings",
         "/reports", "/imports", "/discharge", "/discharge/runs/1", "/audit"]  # fmt: skip


def test_no_page_prints_none_true_or_false_in_a_cell(site: Any) -> None:
    url, rfc = site
    with _client(url, "admin") as client:
        for lang in ("es", "en"):
            for path in [f"/c/{rfc}{p}" for p in PAGES] + ["/refdata", "/admin/users"]:
                r = client.get(path, params={"lang": lang})
                assert r.status_code == 200, (path, r.text[:300])
                bad = [c for c in cells(r.text) if RAW.search(c)]
                assert not bad, (path, lang, bad[:5])

