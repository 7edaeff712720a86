"""The pages as a customs specialist reads them in Spanish (the review of issue 16): every
pedimento ``YY AD PPPP NNNNNNN`` (the API keeps the 15 digits), the F4 trace in the page's
language, tables instead of raw dictionaries, closed lots as discharged, words instead of
codes (imports, reference data, the kind of a material, the audit trail), IVA in both
languages, counts with their thousands and in the right number, unknown pages answered as
pages."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from immex.domain.accounts import Permission
from immex.services.accounts import access, users
from immex.services.discharge.runs import run_discharge
from immex.services.workspace.companies import open_workspace
from tests.support_demo import demo_run
from tests.support_pages import PASSWORD, csrf, login, site_client

RAW_PEDIMENTO = re.compile(r"(?<![\w-])\d{15}(?![\w-])")
SHOWN_PEDIMENTO = re.compile(r"(?<![\w-])\d{2} \d{2} \d{4} \d{7}(?![\w-])")
DAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    summary = demo_run()
    db = tmp_path_factory.mktemp("review-pages") / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    url = f"sqlite:///{db}"
    ws = open_workspace(url, actor="installer")
    rfc = summary.company_rfc
    users.add_user(ws, "admin@example.com", "admin", [], password=PASSWORD)
    users.add_user(ws, "viewer@example.com", "viewer", [rfc], password=PASSWORD)
    admin = users.find_user(ws, "admin@example.com")
    company_ws = access.company_workspace(ws, admin, rfc, Permission.OPERATE)
    run_discharge(company_ws.with_actor("specialist@example.com"))  # the demo's run: superseded
    ws.store.dispose()
    yield url, rfc, summary.period


def _get(url: str, path: str, who: str = "admin", **headers: str) -> str:
    with site_client(url, DAY) as client:
        login(client, f"{who}@example.com")
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.text[:300])
        return r.text


def test_every_pedimento_on_the_pages_reads_yy_ad_pppp_nnnnnnn(plant: Any) -> None:
    url, rfc, period = plant
    with site_client(url, DAY) as client:
        login(client, "admin@example.com")
        for path in ("/ledger", "/lots/1", "/expiry?within=3660", f"/63a?period={period}",
                     "/discharge/runs/1", f"/f4/lines/1?period={period}"):  # fmt: skip
            page = client.get(f"/c/{rfc}{path}").text
            assert RAW_PEDIMENTO.findall(page) == [], path
            assert SHOWN_PEDIMENTO.search(page), path
        lot = client.get(f"/c/{rfc}/lots/1").text
        assert re.search(r"<dd>\d{2} \d{2} \d{4} \d{7} \(IN\)</dd>", lot), lot[:2000]
        balance = client.get(f"/api/v1/companies/{rfc}/balance?as_of={DAY}").json()
        pedimentos = [row["pedimento"] for row in balance["lots"]]
        assert pedimentos and all(re.fullmatch(r"\d{15}", p) for p in pedimentos)  # the API's


def test_the_f4_line_trace_speaks_the_pages_language(plant: Any) -> None:
    url, rfc, period = plant
    es = _get(url, f"/c/{rfc}/f4/lines/1?period={period}&lang=es")
    assert "pesos enteros" in es and "fecha de entrada (LA 56)" in es
    assert "tipo de cambio" in es and "fecha del pedimento F4" in es
    for english in ("whole pesos", "rates and exchange rate", "change date", "entry_date"):
        assert english not in es, english
    whatif = _get(
        url, f"/c/{rfc}/whatif?product=UPS-1500&quantity=5&destinations=MEX&day=2026-02-20"
    )
    assert '<td class="n">fecha de entrada (LA 56)</td>' in whatif, whatif[-3000:]
    assert '<td class="n">entry_date</td>' not in whatif
    en = _get(url, f"/c/{rfc}/f4/lines/1?period={period}&lang=en")
    assert "whole pesos" in en and "entry date (LA 56)" in en and "pesos enteros" not in en
    _get(url, f"/c/{rfc}/?lang=es")


def test_savings_and_run_summary_are_tables_with_formatted_numbers(plant: Any) -> None:
    url, rfc, period = plant
    saving = _get(url, f"/c/{rfc}/savings?period={period}")
    months = re.search(r'<table id="savings-by-month".*?</table>', saving, re.S)
    assert months, saving[:3000]
    assert '<th scope="col" class="n">Ahorro (MXN)</th>' in months.group(0)
    assert re.search(r'<td class="n">\d{1,3}(,\d{3})*\.\d{2}</td>', months.group(0))
    assert "total_mfn" not in saving and "portions" not in saving
    assert 'id="savings-by-program"' in saving
    run = _get(url, f"/c/{rfc}/discharge/runs/1")
    summary = re.search(r'<table id="run-summary".*?</table>', run, re.S)
    assert summary and "Asignaciones (descargos)" in summary.group(0)
    assert re.search(r'<td class="n">\d{1,3},\d{3}</td>', summary.group(0)), summary.group(0)
    for raw in ("by_key", "unexploded_shipments", "expired_lots"):
        assert raw not in run, raw
    assert 'id="run-by-key"' in run
    total = re.search(r"Diario de descargos \(([\d,]+)\)", run)
    assert total and ("," in total.group(1) or len(total.group(1)) < 4)


def test_a_superseded_run_says_which_run_replaced_it(plant: Any) -> None:
    url, rfc, _ = plant
    history = _get(url, f"/c/{rfc}/discharge")
    statuses = re.findall(r'<td class="run-status">(.*?)</td>', history)
    assert statuses[0].count("Vigente") == 1
    assert all("Reemplazada por la corrida #" in s for s in statuses[1:]) and statuses[1:]
    assert '<th scope="col">Hasta (fecha de salida)</th>' in history
    run = _get(url, f"/c/{rfc}/discharge/runs/1")
    status = re.search(r'<span id="run-status">(.*?)</span></p>', run)
    assert status and "Reemplazada por la corrida #" in status.group(1)


def test_a_discharged_lot_shows_no_days_and_says_so(plant: Any) -> None:
    url, rfc, _ = plant
    page = _get(url, f"/c/{rfc}/lots/1")
    row = re.search(r"<tbody><tr><td>[\d-]+</td>(.*?)</tr>", page, re.S)
    assert row, page[:3000]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[2] == "0" and cells[6] == "—", cells  # balance 0: no days remaining
    assert "Descargado" in cells[7]
    ledger = _get(url, f"/c/{rfc}/ledger")
    assert not re.search(r'<td class="n">-\d+</td><td><span class="badge discharged">', ledger)
    expired = _get(url, f"/c/{rfc}/expiry?as_of=2026-12-02&within=30")
    assert '<span class="badge expired">Vencido</span>' in expired
    assert ">Vencidos</span>" not in expired


def test_the_ledger_lot_and_expiry_pages_show_the_unit_of_every_quantity(plant: Any) -> None:
    """Review A10: each lot's quantities with its UMC (the LIGIE abbreviation of the
    material's unit in the catalog), on the ledger, the lot's page and the expiry radar."""
    url, rfc, _ = plant
    for path in ("/ledger", "/lots/1", "/expiry?within=3660"):
        page = _get(url, f"/c/{rfc}{path}")
        head = re.search(r"<thead><tr>(.*?)</tr></thead>", page, re.S)
        assert head, path
        headers = re.findall(r"<th[^>]*>(.*?)</th>", head.group(1))
        assert headers[headers.index("Saldo") + 1] == "UMC", (path, headers)
        units = re.findall(r'<td class="umc">([^<]*)</td>', page)
        assert units and set(units) <= {"PZA", "KG", "M", "L"} and "PZA" in units, path
    assert "KG" in re.findall(r'<td class="umc">([^<]*)</td>', _get(url, f"/c/{rfc}/ledger?q=STL"))
    lot = _get(url, f"/c/{rfc}/lots/1")
    allocations = lot.split("<h2>", 1)[1]
    assert "<th scope=\"col\">UMC</th>" in allocations and "<td>PZA</td>" in allocations


def test_codes_are_shown_in_words(plant: Any) -> None:
    url, rfc, _ = plant
    lot = _get(url, f"/c/{rfc}/lots/1")
    assert " · insumo</dd>" in lot and "· input" not in lot
    imports = _get(url, f"/c/{rfc}/imports")
    assert re.search(r'<option value="materials"( selected)?>materiales</option>', imports)
    assert '<td title="shipments">embarques</td>' in imports
    refdata = _get(url, "/refdata")
    assert '<option value="fix">tipo de cambio FIX (Banxico)</option>' in refdata
    assert '<option value="immex-annex">Anexos I y II del Decreto IMMEX</option>' in refdata
    assert "<td>open</td>" not in refdata and "<td>sin fecha de término</td>" in refdata
    board = _get(url, f"/c/{rfc}/")
    assert ">chart<" not in board and '<span class="skip">Gráfica</span>' in board
    assert "LIGIE tariff" not in board and "Tarifa de la LIGIE" in board
    assert "por actualizar" in board and "desactualizado" not in board  # any source's gender


def test_the_audit_trail_reads_as_words_and_keeps_the_codes(plant: Any) -> None:
    url, rfc, _ = plant
    es = _get(url, f"/c/{rfc}/audit")
    assert "Alta de empresa" in es and "Corrida de descargo" in es
    assert "Importación de materiales" in es and "Carga de listas sectoriales PROSEC" in es
    assert '<code class="action-code">discharge.run</code>' in es  # the code stays
    assert "<td>correcto</td>" in es and "<td>ok</td>" not in es
    assert re.search(r">\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC</time>", es)
    assert '<dt title="rows">renglones</dt>' in es and "rows=" not in es
    assert re.search(r"<dd>\d{1},\d{3}</dd>", es)  # 3,108 allocations
    en = _get(url, f"/c/{rfc}/audit?lang=en")
    assert "Company added" in en and "Import of materials" in en and "<td>ok</td>" in en
    _get(url, f"/c/{rfc}/?lang=es")


def test_iva_stays_iva_and_counts_read_right(plant: Any) -> None:
    url, rfc, period = plant
    en = _get(url, f"/c/{rfc}/f4?period={period}&lang=en")
    assert '<th scope="col" class="n">IVA (MXN)</th>' in en and "VAT" not in en
    assert "Export or sell in Mexico?" in en
    es = _get(url, f"/c/{rfc}/f4?period={period}&lang=es")
    menu = re.search(r'href="/c/[^"]+/whatif"[^>]*>([^<]+)<', es)
    heading = re.search(r"<h1>([^<]+)</h1>", _get(url, f"/c/{rfc}/whatif"))
    assert menu and heading and menu.group(1) == heading.group(1)
    board = _get(url, f"/c/{rfc}/?as_of=2026-12-02")
    counts = re.search(r'<div id="soon-counts">([^<]*)</div>', board)
    assert counts and re.fullmatch(r"\d+ lotes? · \d+ vencidos?", counts.group(1)), counts
    assert counts.group(1).startswith("0 lotes") and counts.group(1).endswith("2 vencidos")


def test_a_finished_runs_job_page_groups_its_counts(plant: Any) -> None:
    url, rfc, _ = plant
    with site_client(url, DAY) as client:
        login(client, "admin@example.com")
        form = client.get(f"/c/{rfc}/discharge").text
        r = client.post(f"/c/{rfc}/discharge", data={"csrf_token": csrf(form), "through": ""})
        for _ in range(50):  # the job runs in the process; its page refreshes until done
            if 'id="job-result"' in r.text:
                break
            time.sleep(0.2)
            r = client.get(str(r.url))
        assert r.status_code == 200 and 'id="job-result"' in r.text, r.text[-800:]
        result = r.text.split('id="job-result"')[1].split("</dl>")[0]
        assert "<dt>Asignaciones (descargos)</dt><dd>3,108</dd>" in result.replace("\n", "")
        assert re.search(r"<dt>Consumos</dt><dd>\d{1,3}(,\d{3})+</dd>", result)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[str]:
    from immex.services.workspace.companies import add_company, create_workspace

    db = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(db, actor="installer", today=DAY)
    add_company(ws, "PLA010101AA7", "Planta de muestra")
    users.add_user(ws, "spec@example.com", "specialist", ["PLA010101AA7"], password=PASSWORD)
    ws.store.dispose()
    yield db


def _html_lang(page: str) -> str:
    found = re.search(r'<html lang="(\w+)"', page)
    assert found
    return found.group(1)


def test_with_no_choice_the_pages_follow_the_browsers_language(small: str) -> None:
    with site_client(small, DAY) as client:
        assert _html_lang(client.get("/login").text) == "es"  # nothing said: Spanish
        english = {"Accept-Language": "en-US,en;q=0.9"}
        assert _html_lang(client.get("/login", headers=english).text) == "en"
        weighed = {"Accept-Language": "fr-CA, en;q=0.4, es;q=0.8"}
        assert _html_lang(client.get("/login", headers=weighed).text) == "es"
        unknown = {"Accept-Language": "fr, de;q=0.5"}
        assert _html_lang(client.get("/login", headers=unknown).text) == "es"
        # an explicit choice wins: ?lang=, then the cookie it leaves
        assert _html_lang(client.get("/login?lang=es", headers=english).text) == "es"
        assert _html_lang(client.get("/login", headers=english).text) == "es"
    with site_client(small, DAY) as client:
        login(client, "spec@example.com")
        english = {"Accept-Language": "en"}
        board = client.get("/c/PLA010101AA7/", headers=english).text
        assert _html_lang(board) == "en"  # no choice saved yet: the browser's
        client.get("/c/PLA010101AA7/?lang=es")  # saved in the account
    with site_client(small, DAY) as client:
        login(client, "spec@example.com")
        board = client.get("/c/PLA010101AA7/", headers={"Accept-Language": "en"}).text
        assert _html_lang(board) == "es"  # the account's choice wins over the browser


def test_an_unknown_page_is_a_page_and_the_api_stays_json(small: str) -> None:
    page = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with site_client(small, DAY) as client:
        login(client, "spec@example.com")
        r = client.get("/c/PLA010101AA7/nope", headers=page)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "Página no encontrada." in r.text and _html_lang(r.text) == "es"
        assert "Not Found" not in r.text
        en = client.get("/c/PLA010101AA7/nope?lang=en", headers=page)
        assert en.status_code == 404 and "Page not found." in en.text
        client.get("/c/PLA010101AA7/?lang=es")
        plain = client.get("/c/PLA010101AA7/nope", headers={"Accept": "application/json"})
        assert plain.status_code == 404
        assert plain.json() == {"detail": "no encontrado", "code": "api.http.404"}
        api = client.get("/api/v1/nope", headers={**page, "Accept-Language": "en"})
        assert api.status_code == 404 and api.json()["detail"] == "not found"
        bad = client.get("/c/PLA010101AA7/lots/abc", headers=page)  # an address that does not read
        assert bad.status_code == 404 and "Página no encontrada." in bad.text
        assert "Input should be" not in bad.text
        assert client.get("/c/PLA010101AA7/lots/abc").status_code == 422  # not a page: as before
    with site_client(small, DAY) as client:  # not signed in: the page all the same
        r = client.get("/nope/either", headers=page)
        assert r.status_code == 404 and "Página no encontrada." in r.text


def test_an_open_lot_is_abierto_and_an_open_ended_source_sin_fecha() -> None:
    """The lot status 'open' and the reference data's open-ended 'last' are two words: one
    catalog text served both, and the report's lots read 'sin fecha de término'."""
    from immex.reports import i18n
    from immex.services.refdata.status import OPEN, OPEN_ENDED

    assert i18n.tr(OPEN(), "es") == "abierto"
    assert i18n.tr(OPEN_ENDED(), "es") == "sin fecha de término"
WHATIF_QUERY = "product=UPS-1500&quantity=5&destinations=MEX,USA&day=2026-02-20"


def _headers(page: str, table: str = "") -> list[str]:
    """The column headers of a page's table (``table``: its id; else the first)."""
    opening = f'<table id="{table}"' if table else "<table"
    found = re.search(re.escape(opening) + r"[^>]*>.*?</thead>", page, re.S)
    assert found, page[:2000]
    return re.findall(r'<th scope="col"[^>]*>(.*?)</th>', found.group(0))


def test_programs_are_named_not_coded_on_the_f4_tariff_and_whatif_pages(plant: Any) -> None:
    """MFN, REGLA8, FTA:… are the data's codes; a page names the program (review B2/B3)."""
    url, rfc, period = plant
    codes = re.compile(r">\s*(MFN|REGLA8|FTA:\w+)\b")
    f4 = _get(url, f"/c/{rfc}/f4?period={period}&lang=es")
    lines = re.search(r'<table id="f4-lines".*?</table>', f4, re.S)
    assert lines and "<td>tasa general (LIGIE)</td>" in lines.group(0)
    assert codes.findall(lines.group(0)) == []
    line = _get(url, f"/c/{rfc}/f4/lines/22?period={period}&lang=es")
    assert "<dd>tasa general (LIGIE)</dd>" in line and codes.findall(line) == []
    tariff = _get(url, f"/tariff/8544.42.99?origin=USA&rfc={rfc}&lang=es")
    assert 'id="chosen">Tasa a aplicar: tasa general (LIGIE) 5 %</p>' in tariff
    options = re.search(r'<table id="options".*?</table>', tariff, re.S)
    assert options and "<td>Regla 8ª</td>" in options.group(0)
    assert "<td>tasa general (LIGIE)</td>" in options.group(0)
    assert codes.findall(options.group(0)) == []
    whatif = _get(url, f"/c/{rfc}/whatif?{WHATIF_QUERY}&lang=es")
    row = re.search(r'<th scope="row">Programas</th>(.*?)</tr>', whatif, re.S)
    assert row and row.group(1).count("<td>tasa general (LIGIE)</td>") == 2, row
    assert "· tasa general (LIGIE) ·" in whatif and codes.findall(whatif) == []
    en = _get(url, f"/c/{rfc}/f4?period={period}&lang=en")
    assert "<td>MFN (general rate)</td>" in en and "<td>MFN</td>" not in en


def test_the_program_filters_name_every_kind_of_program() -> None:
    from immex.web.company_pages.page_render import TEMPLATES

    text = (
        "{{ 'FTA:TMEC'|program('CAN,MEX,USA') }} / {{ 'REGLA8'|program('9802.00.19') }} / "
        "{{ 'MFN'|program }} / {{ 'PROSEC sector II'|program_key }} / {{ 'MFN'|program_key }}"
    )
    shown = TEMPLATES.env.from_string(text)
    assert shown.render(lang="es") == (
        "T-MEC (CAN, MEX, USA) / Regla 8ª 9802.00.19 / tasa general (LIGIE) / "
        "PROSEC sector II / tasa general (LIGIE)"
    )
    assert shown.render(lang="en").startswith("USMCA (CAN, MEX, USA) / Regla 8ª 9802.00.19 / MFN")


def test_amounts_say_their_currency_in_the_report_words(plant: Any) -> None:
    """Every money column names MXN and uses the month report's words (review C17, C32); the
    F4 pedimento's line is a partida (C5)."""
    url, rfc, period = plant
    f4 = _get(url, f"/c/{rfc}/f4?period={period}&lang=es")
    assert _headers(f4, "f4-lines") == [
        "Partida", "Fracción", "Origen", "Programa", "Tasa", "Tasa general", "Valor USD",
        "Valor en aduana (MXN)", "IGI actualizado (MXN)", "DTA (MXN)", "IVA (MXN)",
        "Total (MXN)", "Total a tasa general (MXN)", "Ahorro (MXN)", "Traza",
    ]  # fmt: skip
    assert 'aria-label="Traza de la partida 22"' in f4
    line = _get(url, f"/c/{rfc}/f4/lines/22?period={period}&lang=es")
    assert "<h1>Traza de la partida 22 · " in line, line[:3000]
    assert "<dt>Total (MXN)</dt>" in line and "<dt>Total a tasa general (MXN)</dt>" in line
    assert "Traza de la línea" not in line
    assert "<h1>Trace of line 22 · " in _get(url, f"/c/{rfc}/f4/lines/22?period={period}&lang=en")
    usmca = _get(url, f"/c/{rfc}/63a?period={period}&lang=es")
    assert _headers(usmca) == [
        "Documento", "Fecha de exportación", "Destino", "Arancel MX (MXN)",
        "IGI de insumos originarios T-MEC (no se causa, MXN)", "Arancel EUA/CAN (MXN)",
        "Reducción (arancel pagado en EUA/CAN, MXN)", "A pagar (MXN)", "Vence",
    ]  # fmt: skip
    for old in ("Impuesto MX", "Exención", "Adeudo"):
        assert old not in usmca, old
    board = _get(url, f"/c/{rfc}/?lang=es")
    assert "<div>Vencen en 90 días (valor, MXN)</div>" in board
    assert "<div>63-A del mes (a pagar, MXN)</div>" in board
    assert '<th scope="col" class="n">Valor (MXN)</th>' in board
    saving = _get(url, f"/c/{rfc}/savings?period={period}&lang=es")
    cards = re.search(r'<div class="cards">.*?</div></div></div>', saving, re.S)
    assert cards, saving[:3000]
    labels = re.findall(r"<div class=\"card\"><div>(.*?)</div>", cards.group(0))
    assert labels == ["Ahorro (MXN)", "Total (MXN)", "Total a tasa general (MXN)"]
    whatif = _get(url, f"/c/{rfc}/whatif?{WHATIF_QUERY}&lang=es")
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td class="n"', whatif)
    assert rows and all(r.endswith("(MXN)") for r in rows), rows
    assert "· Total (MXN) " in whatif


def test_the_63a_page_splits_the_exemption_as_the_month_report_does(plant: Any) -> None:
    """The IGI of the T-MEC-originating inputs and the reduction by the US/CA duty: the two
    columns of the report's 63-A, the same amounts per document and in the totals."""
    from immex.services.duties.usmca import report_63a
    from immex.services.reports.duty_sections import usmca_section

    url, rfc, period = plant
    ws = open_workspace(url, actor="installer")
    try:
        admin = users.find_user(ws, "admin@example.com")
        report = report_63a(access.company_workspace(ws, admin, rfc, Permission.READ), period, None)
    finally:
        ws.store.dispose()
    table = usmca_section(report).tables[0]
    page = _get(url, f"/c/{rfc}/63a?period={period}&lang=es")
    body = re.search(r"<tbody>(.*?)</tbody><tfoot>(.*?)</tfoot>", page, re.S)
    assert body, page[-3000:]
    shown = [re.findall(r'<td class="n">([^<]*)</td>', tr) for tr in body.group(1).split("</tr>")]
    shown = [cells for cells in shown if cells]
    assert len(shown) == len(table.rows) > 0
    money = lambda v: f"{v:,.2f}"  # noqa: E731
    for cells, row in zip(shown, table.rows, strict=True):
        wanted = [money(row[k]) for k in ("mx_duty", "originating", "us_duty_mxn", "reduction",
                                          "owed")]  # fmt: skip
        assert cells == wanted, (row["document"], cells)
    assert any(row["originating"] for row in table.rows)  # the demo has originating inputs
    foot = re.findall(r'<td class="n"[^>]*>([^<]*)</td>', body.group(2))
    assert foot == [money(table.totals[k]) for k in ("mx_duty", "originating", "us_duty_mxn",
                                                      "reduction", "owed")]  # fmt: skip


def test_a_web_trace_value_reads_as_the_cli_and_workbook_show_it() -> None:
    """The F4 line and what-if pages read their steps back from JSON (values as text): each
    is shown by the domain's figure of its kind, not as the raw Decimal text."""
    from immex.web.company_pages.code_words import step_value

    assert step_value({"value": "1.006610817063339058501875285", "kind": "quotient"}) == (
        "1.0066108171"
    )
    assert step_value({"value": "2321.01264090", "kind": "money"}) == "2,321.01"
    assert step_value({"value": "2026-02-27", "kind": ""}) == "2026-02-27"
