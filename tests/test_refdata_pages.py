"""/refdata (issue 12): the as-of of every source for everyone signed in; specialists and
admins load a newer FIX/INPC/PROSEC/tariff file from the page — first a check that writes
nothing, then the same file (by its SHA-256) loaded, the services of ``immex rates load``;
every refused line listed with its line number, other errors next to their field; viewers
and auditors see no form and get 403."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from immex.refdata.bundled import load_fx
from immex.services.accounts import audit_trail, users
from immex.services.workspace.companies import add_company, create_workspace, open_workspace
from immex.store.tables import rates as rate_tables
from tests.support_pages import PASSWORD, csrf, login, parse, site_client, unlabelled

PLANT = "PLA010101AA7"
TODAY = date(2026, 4, 1)


def _weekdays_after(day: date, n: int) -> list[date]:
    out = []
    while len(out) < n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            out.append(day)
    return out


#: ILLUSTRATIVE FIX points after the bundled series' end (invented values)
NEW = _weekdays_after(load_fx().last, 3)
GOOD = "fecha,tipo_cambio\n" + "".join(
    f"{d.isoformat()},{Decimal('17.20') + Decimal(i) / 100}\n" for i, d in enumerate(NEW)
)
BAD = f"fecha,tipo_cambio\n{NEW[0].isoformat()},diecisiete\n31/02/2026,17.5\n"


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    db = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(db, actor="installer", today=TODAY)
    add_company(ws, PLANT, "Planta de muestra")
    users.add_user(ws, "spec@example.com", "specialist", [PLANT], password=PASSWORD)
    users.add_user(ws, "viewer@example.com", "viewer", [PLANT], password=PASSWORD)
    ws.store.dispose()
    yield db


def _points(url: str) -> int:
    ws = open_workspace(url, actor="t")
    try:
        with ws.store.engine.connect() as conn:
            table = rate_tables.series_points
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        ws.store.dispose()


def _send(client, page: str, name: str, text: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf(page), "kind": "fix", **fields}
    return client.post("/refdata", data=data, files={"file": (name, text.encode())})


def test_check_then_load_the_same_file(url: str) -> None:
    with site_client(url, TODAY) as client:
        login(client, "spec@example.com")
        page = client.get("/refdata").text
        assert 'id="refdata-form"' in page and unlabelled(page) == []
        bad = _send(client, page, "fix-malo.csv", BAD)
        assert bad.status_code == 422
        table = bad.text.split('id="refdata-errors"')[1].split("</table>")[0]
        lines = re.findall(r"<tr><td>(\d+)</td>", table)
        assert lines == ["2", "3"], table  # every refused line, by its line number
        assert "no se guardó nada" in bad.text and _points(url) == 0
        checked = _send(client, page, "fix.csv", GOOD)
        assert checked.status_code == 200 and 'id="refdata-result"' in checked.text
        assert "Revisado (no se guardó nada)" in checked.text and _points(url) == 0
        digest = re.search(r'name="checked" value="([0-9a-f]{64})"', checked.text)
        assert digest and 'name="step" value="load"' in checked.text
        other = _send(
            client,
            checked.text,
            "fix.csv",
            GOOD.replace("17.2", "17.3"),
            step="load",
            checked=digest.group(1),
        )
        assert other.status_code == 400 and _points(url) == 0  # not the file checked
        error = parse(other.text).controls
        assert [c.describedby for c in error if c.id == "refdata-file"] == ["refdata-file-error"]
        assert "Revise primero este archivo" in other.text
        loaded = _send(client, checked.text, "fix.csv", GOOD, step="load", checked=digest.group(1))
        assert loaded.status_code == 201 and "Cargado" in loaded.text
        assert _points(url) == len(NEW)
        tariff = _send(client, page, "tarifa.xlsx", "x", kind="tariff")
        assert tariff.status_code == 400
        assert 'id="refdata-in_force_from-error"' in tariff.text
    ws = open_workspace(url, actor="t")
    actors = [e["actor"] for e in audit_trail.installation_entries(ws)]
    ws.store.dispose()
    assert "spec@example.com" in actors


def test_viewers_see_no_form_and_every_post_needs_a_role_and_csrf(url: str) -> None:
    with site_client(url, TODAY) as client:
        login(client, "viewer@example.com")
        page = client.get("/refdata")
        assert page.status_code == 200 and 'id="sources"' in page.text
        assert 'id="refdata-form"' not in page.text
        assert _send(client, page.text, "fix.csv", GOOD).status_code == 403
    with site_client(url, TODAY) as client:
        login(client, "spec@example.com")
        for token in ("", "wrong"):
            r = client.post(
                "/refdata",
                data={"csrf_token": token, "kind": "fix"},
                files={"file": ("fix.csv", GOOD.encode())},
            )
            assert r.status_code == 403
    assert _points(url) == 0


def _cells(page: str) -> list[str]:
    table = page.split('id="sources"')[1].split("</table>")[0]
    cells = re.findall(r"<td>(.*?)</td>", table, flags=re.S)
    return [html.unescape(re.sub(r"<code>.*?</code>", "", c)) for c in cells]  # commands apart


def test_the_sources_and_their_legal_basis_read_in_the_pages_language(url: str) -> None:
    """Every cell of the table — the source's name, its detail with the bundled parameter's
    legal source, the official file — in Spanish by default, in English on ``?lang=en``."""
    from tests.test_catalog_messages import english_sentences

    with site_client(url, TODAY) as client:
        login(client, "viewer@example.com")
        page = client.get("/refdata?as_of=2026-02-27").text
        cells = _cells(page)
        assert any("LIVA art. 1, segundo párrafo" in c for c in cells), cells
        assert any(c.startswith("Tarifa de la LIGIE") for c in cells)
        assert english_sentences(cells) == []
        english = _cells(client.get("/refdata?as_of=2026-02-27&lang=en").text)
        assert any("LIVA art. 1, 2nd paragraph" in c for c in english)
        assert any(c.startswith("LIGIE tariff") for c in english)
