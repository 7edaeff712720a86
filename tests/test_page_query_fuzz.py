"""Every page's GET filters (issue 12), found from the routes themselves so that a new page is
covered too: a bad value sent to any query parameter of any page never answers 5xx; the
what-if page and the F4 line page answer a bad value with their own form, the error next to
its field in the page's language (400)."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from immex.services.accounts import users
from immex.services.workspace.companies import open_workspace
from immex.web import pages
from immex.web.company_pages import ROUTERS
from immex.web.company_pages.overview_pages import home
from tests.support_demo import demo_run
from tests.support_pages import PASSWORD, login, site_client

#: values a hand or a fuzzer types into a filter: bad months, dates, numbers, choices
BAD = ("2026-13", "abc", "nonsense", "-1", "1e400", "NaN", "99999999999999999999999", "%00'\"<")


def _query_params(dependant: Any) -> list[str]:
    names = [p.name for p in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_params(sub)
    return names


def _page_filters() -> list[tuple[str, str]]:
    """(page path, query parameter) of every GET page."""
    out = []
    for router in (*(m.router for m in ROUTERS), home, pages.router):
        for route in router.routes:
            if "GET" in getattr(route, "methods", ()):
                out += [(route.path, name) for name in _query_params(route.dependant)]
    return out


FILTERS = _page_filters()


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A copy of the demo workspace, an admin of its company, and an id for each path
    parameter (a lot, a discharge run, a F4 line) that exists there."""
    summary = demo_run()
    db = tmp_path_factory.mktemp("page_fuzz") / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    url = f"sqlite:///{db}"
    ws = open_workspace(url, actor="installer")
    users.add_user(ws, "admin@example.com", "admin", [summary.company_rfc], password=PASSWORD)
    ws.store.dispose()
    ids = {"rfc": summary.company_rfc, "number": "1", "job_id": "1", "code": "8542.31.03"}
    with site_client(url) as client:
        login(client, "admin@example.com")
        ledger = client.get(f"/c/{summary.company_rfc}/ledger").text
        lot = re.search(r'href="/c/[^/]+/lots/(\d+)"', ledger)
        runs = client.get(f"/c/{summary.company_rfc}/discharge").text
        run = re.search(r'href="/c/[^/]+/discharge/runs/(\d+)"', runs)
    ids["lot_id"] = lot.group(1) if lot else "1"
    ids["run_id"] = run.group(1) if run else "1"
    yield url, ids


def test_every_page_filter_is_found() -> None:
    found = set(FILTERS)
    assert {("/c/{rfc}/whatif", "quantity"), ("/c/{rfc}/f4/lines/{number}", "period"),
            ("/c/{rfc}/ledger", "status"), ("/tariff/{code}", "as_of")} <= found  # fmt: skip


@pytest.mark.parametrize(("path", "name"), FILTERS, ids=[f"{p}?{n}" for p, n in FILTERS])
def test_a_bad_filter_never_answers_5xx(plant: tuple[str, dict[str, str]], path: str,
                                        name: str) -> None:  # fmt: skip
    url, ids = plant
    page = re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)
    with site_client(url) as client:
        login(client, "admin@example.com")
        for value in BAD:
            r = client.get(page, params={name: value}, follow_redirects=False)
            assert r.status_code < 500, (page, name, value, r.text[:500])


def _field_error(page: str, field: str) -> str:
    control = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', page)
    assert control, page[:2000]
    assert 'aria-invalid="true"' in control.group(0)
    assert f'aria-describedby="filter-{field}-error"' in control.group(0)
    error = re.search(rf'id="filter-{field}-error"[^>]*>([^<]*)</span>', page)
    assert error, page[:2000]
    return html.unescape(error.group(1))


@pytest.mark.parametrize(
    ("query", "field", "spanish", "english"),
    [
        ("quantity=abc", "quantity", "un número, no 'abc'", "a number, not 'abc'"),
        ("quantity=0", "quantity", "mayor que 0", "above 0"),
        ("day=nonsense", "day", "no es una fecha", "not a date"),
        ("us_duty=-5", "us_duty", "0 o más", "0 or more"),
        ("destinations=XX", "destinations", "'XX': no es una clave de país", "'XX': not an ISO"),
    ],
)
def test_the_whatif_form_shows_a_bad_value_next_to_its_field(
    plant: tuple[str, dict[str, str]], query: str, field: str, spanish: str, english: str
) -> None:
    url, ids = plant
    base = f"/c/{ids['rfc']}/whatif?product=UPS-1500&{query}"
    with site_client(url) as client:
        login(client, "admin@example.com")
        es = client.get(base)
        assert es.status_code == 400 and 'id="whatif-form"' in es.text
        assert spanish in _field_error(es.text, field)
        assert 'id="whatif-result"' not in es.text  # no figures for a value it could not read
        typed = query.split("=", 1)[1]
        assert re.search(rf'name="{field}" value="{re.escape(typed)}"', es.text)
        en = client.get(base + "&lang=en")
        assert en.status_code == 400 and english in _field_error(en.text, field)
        client.get(f"/c/{ids['rfc']}/?lang=es")


def test_the_f4_line_page_shows_a_bad_period_next_to_its_field(
    plant: tuple[str, dict[str, str]],
) -> None:
    url, ids = plant
    with site_client(url) as client:
        login(client, "admin@example.com")
        bad = client.get(f"/c/{ids['rfc']}/f4/lines/1?period=2026-13")
        assert bad.status_code == 400 and 'id="filter-form"' in bad.text
        assert "no es un mes" in _field_error(bad.text, "period")
        assert 'value="2026-13"' in bad.text and 'id="line-total"' not in bad.text
        en = client.get(f"/c/{ids['rfc']}/f4/lines/1?period=2026-13&lang=en")
        assert en.status_code == 400 and "not a month" in _field_error(en.text, "period")
        client.get(f"/c/{ids['rfc']}/?lang=es")


@pytest.mark.parametrize("page", ["/ledger?after=abc", "/audit?after=-1",
                                  "/discharge/runs/{run_id}?offset=1e3"])  # fmt: skip
def test_a_bad_list_position_is_a_page_in_the_readers_language(
    plant: tuple[str, dict[str, str]], page: str
) -> None:
    url, ids = plant
    path = f"/c/{ids['rfc']}" + page.format(**ids)
    with site_client(url) as client:
        login(client, "admin@example.com")
        es = client.get(path)
        assert es.status_code == 400 and es.headers["content-type"].startswith("text/html")
        assert "debe ser un número entero de 0 a" in html.unescape(es.text)
        en = client.get(path + "&lang=en" if "?" in path else path)
        assert "must be a whole number from 0 to" in html.unescape(en.text)
        client.get(f"/c/{ids['rfc']}/?lang=es")
        good = client.get(path.split("?")[0] + "?" + path.split("?")[1].split("=")[0] + "=0")
        assert good.status_code == 200
