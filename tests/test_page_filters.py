"""A company page's bad GET filter (issue 12): the page answers with its own filter form,
400, the error next to its field (``aria-invalid``, ``aria-describedby`` naming the error),
the value typed kept, in the page's language — never a problem page nor the framework's
JSON; a good filter still shows the page's figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from immex.services.accounts import users
from immex.services.workspace.companies import add_company, create_workspace
from tests.support_pages import PASSWORD, login, site_client

PLANT = "PLA010101AA7"
BASE = f"/c/{PLANT}"
#: (page and its bad query, the field, the value typed, Spanish words, English words)
CASES = [
    ("/f4?period=2025-13", "period", "2025-13", "no es un mes", "not a month"),
    ("/63a?period=2025-13", "period", "2025-13", "no es un mes", "not a month"),
    ("/savings?period=13-2025", "period", "13-2025", "no es un mes", "not a month"),
    ("/reports?period=2025", "period", "2025", "no es un mes", "not a month"),
    ("/reports/download?period=2025&format=xlsx", "period", "2025", "no es un mes", "not a month"),
    ("/expiry?as_of=notadate", "as_of", "notadate", "no es una fecha", "not a date"),
    ("/expiry?within=-1", "within", "-1", "número entero de días", "whole number of days"),
    ("/ledger?within=-1", "within", "-1", "número entero de días", "whole number of days"),
    ("/ledger?as_of=2026-02-30", "as_of", "2026-02-30", "no es una fecha", "not a date"),
    ("/ledger?status=bogus", "status", "", "debe ser uno de", "one of all, open"),
    ("/?as_of=ayer", "as_of", "ayer", "no es una fecha", "not a date"),
]
#: the page each good query shows (its data: a table or the cards)
GOOD = {
    "/f4?period=2026-01": 'id="f4-lines"',
    "/63a?period=2026-01": 'id="usmca-total"',
    "/savings?period=2026-01": 'id="savings-total"',
    "/expiry?within=30": 'id="expiry"',
    "/ledger?within=5&status=open": 'id="lots"',
    "/?as_of=2026-03-01": 'id="f4-total"',
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = f"sqlite:///{tmp_path_factory.mktemp('filters') / 'immex.db'}"
    ws = create_workspace(db, actor="installer", today=date(2026, 3, 2))
    add_company(ws, PLANT, "Planta de muestra")
    users.add_user(ws, "spec@example.com", "specialist", [PLANT], password=PASSWORD)
    ws.store.dispose()
    yield db


def _label_of(page: str, field: str) -> str:
    """The ``<label>`` of the filter form holding the control named ``field``."""
    form = page.split('id="filter-form"', 1)[1].split("</form>", 1)[0]
    found = [part for part in form.split("<label") if f'name="{field}"' in part]
    assert len(found) == 1, form
    return found[0]


def _error_next_to_field(page: str, field: str) -> str:
    label = _label_of(page, field)
    control = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', label)
    assert control, label
    assert 'aria-invalid="true"' in control.group(0)
    assert f'aria-describedby="filter-{field}-error"' in control.group(0)
    error = re.search(rf'<span class="field-error" id="filter-{field}-error"[^>]*>([^<]*)</span>',
                      label)  # fmt: skip
    assert error, label
    return error.group(1)


@pytest.mark.parametrize(("query", "field", "typed", "spanish", "english"), CASES)
def test_a_bad_filter_is_shown_next_to_its_field(
    url: str, query: str, field: str, typed: str, spanish: str, english: str
) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        es = client.get(BASE + query)
        assert es.status_code == 400, es.text[:300]
        assert es.headers["content-type"].startswith("text/html")
        message = _error_next_to_field(es.text, field)
        assert spanish in message and english not in message, message
        assert "Error 400" not in es.text  # the page itself, not the problem page
        if typed:
            assert f'value="{typed}"' in _label_of(es.text, field)
        en = client.get(BASE + query + "&lang=en")
        assert en.status_code == 400
        message = _error_next_to_field(en.text, field)
        assert english in message and spanish not in message, message
        client.get(BASE + "/?lang=es")


def test_every_bad_filter_of_a_page_at_once_and_good_ones_show_the_page(url: str) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        both = client.get(BASE + "/expiry?as_of=nope&within=99999")
        assert both.status_code == 400
        assert "no es una fecha" in _error_next_to_field(both.text, "as_of")
        assert "de 0 a 3660" in _error_next_to_field(both.text, "within")
        assert 'id="expiry"' not in both.text  # no figures for a filter it could not read
        for query, marker in GOOD.items():
            r = client.get(BASE + query)
            assert r.status_code == 200 and marker in r.text, query
            assert 'aria-invalid="true"' not in r.text and "field-error" not in r.text, query
