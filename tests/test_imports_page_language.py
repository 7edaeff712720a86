"""The imports page in the page's language (issue 12): Spanish by default, English with
``?lang=en`` — the summary, every error (file, line, column, value, message; the file
input described by the list), the result of a dry run and of an import, the note of a file
imported before — and nothing written when the file has an error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from immex.services.accounts import users
from immex.services.workspace.companies import add_company, create_workspace
from tests.support_pages import PASSWORD, csrf, login, site_client

PLANT = "PLA010101AA7"
PAGE = f"/c/{PLANT}/imports"
HEADER = b"part_number,description,kind,fraccion,umc\n"
#: line 2: an empty description; line 3: an empty fraccion
BAD = HEADER + b"Z1,,input,8533.21.01,PZA\nZ2,Resistor,input,,PZA\n"
GOOD = HEADER + b"Z9,Nuevo,input,8533.21.01,PZA\n"
ENGLISH = ("nothing was written", "errors found", "required value is empty", "rows —", "row —",
           "dry run", "already imported", "not a CSV")  # fmt: skip


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    db = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(db, actor="installer", today=date(2026, 3, 2))
    add_company(ws, PLANT, "Planta de muestra")
    users.add_user(ws, "spec@example.com", "specialist", [PLANT], password=PASSWORD)
    ws.store.dispose()
    yield db


def _post(
    client: TestClient, token: str, body: bytes, lang: str = "", name: str = "bad.csv", **form: str
) -> Response:
    query = f"?lang={lang}" if lang else ""
    return client.post(
        PAGE + query,
        data={"kind": "materials", "csrf_token": token, **form},
        files={"file": (name, body)},
    )


def _area(page: str, marker: str) -> str:
    """The block ``id=marker`` (up to the history of batches)."""
    assert f'id="{marker}"' in page, page[-2000:]
    return page.split(f'id="{marker}"', 1)[1].split("<h2>", 1)[0]


def _rows(area: str) -> list[list[str]]:
    body = area.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _history(page: str) -> str:
    return page.split('id="batches"', 1)[1]


def test_errors_in_spanish_by_default_each_with_its_file_line_and_column(url: str) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        token = csrf(client.get(PAGE).text)
        r = _post(client, token, BAD)
        assert r.status_code == 422
        area = _area(r.text, "import-errors")
        assert "se encontraron 2 errores; no se escribió nada" in area
        for english in ENGLISH:
            assert english not in area, english
        header = re.findall(r'<th scope="col">([^<]+)</th>', area)
        assert header == ["Archivo", "Línea", "Columna", "Valor", "Mensaje"]
        assert _rows(area) == [
            ["bad.csv", "2", "description", "", "falta un valor obligatorio"],
            ["bad.csv", "3", "fraccion", "", "falta un valor obligatorio"],
        ]
        file_input = re.search(r'<input id="file"[^>]*>', r.text)
        assert file_input and 'aria-describedby="import-errors"' in file_input.group(0)
        assert 'aria-invalid="true"' in file_input.group(0)
        assert "bad.csv" not in _history(r.text)  # nothing written
        assert "bad.csv" not in _history(client.get(PAGE).text)
        assert 'aria-describedby="import-errors"' not in client.get(PAGE).text


def test_errors_in_english_with_lang_en(url: str) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        token = csrf(client.get(PAGE).text)
        r = _post(client, token, BAD, lang="en")
        assert r.status_code == 422
        area = _area(r.text, "import-errors")
        assert "2 errors found; nothing was written" in area
        assert re.findall(r'<th scope="col">([^<]+)</th>', area)[:3] == ["File", "Line", "Column"]
        assert _rows(area)[0] == ["bad.csv", "2", "description", "", "required value is empty"]
        assert "no se escribió" not in area and "obligatorio" not in area
        one = _post(client, token, HEADER + b"Z1,,input,8533.21.01,PZA\n", lang="en")
        assert "1 error found; nothing was written" in _area(one.text, "import-errors")
        one = _post(client, token, HEADER + b"Z1,,input,8533.21.01,PZA\n", lang="es")
        assert "se encontró 1 error; no se escribió nada" in _area(one.text, "import-errors")


def test_dry_run_import_and_the_same_file_again_in_the_pages_language(url: str) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        token = csrf(client.get(PAGE).text)
        dry = _post(client, token, GOOD, name="good.csv", dry_run="1")
        assert dry.status_code == 200
        shown = _area(dry.text, "import-result")
        assert "simulación (no se escribió nada): good.csv: 1 fila — 1 nueva" in shown
        assert not any(english in shown for english in ENGLISH)
        assert "good.csv" not in _history(dry.text)  # a dry run keeps nothing
        dry_en = _post(client, token, GOOD, lang="en", name="good.csv", dry_run="1")
        assert "dry run (nothing written): good.csv: 1 row — 1 new" in dry_en.text
        done = _post(client, token, GOOD, lang="es", name="good.csv")
        assert done.status_code == 201 and "good.csv" in _history(done.text)
        assert "good.csv: 1 fila — 1 nueva, 0 actualizadas, 0 sin cambios" in done.text
        again = _post(client, token, GOOD, name="good.csv")
        assert "good.csv ya se importó (importación 1," in _area(again.text, "import-result")
        again_en = _post(client, token, GOOD, lang="en", name="good.csv")
        assert "good.csv was already imported (batch 1," in again_en.text


def test_a_file_that_is_not_a_table_is_refused_on_the_page(url: str) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        token = csrf(client.get(PAGE).text)
        r = _post(client, token, b"%PDF-1.4", lang="es", name="scan.pdf")
        assert r.status_code == 400
        area = _area(r.text, "import-errors")
        assert "scan.pdf: no es un archivo CSV ni XLSX" in area and "not a CSV" not in area
        r = _post(client, token, b"%PDF-1.4", lang="en", name="scan.pdf")
        assert "scan.pdf: not a CSV or XLSX file" in _area(r.text, "import-errors")
        assert "scan.pdf" not in _history(r.text)
