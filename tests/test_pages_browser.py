"""The month-end in real Chromium (Debian's binary, driven by Playwright; no browser is
downloaded): sign in, upload a bad file and read its errors, upload the demo plant's files,
run the discharge and watch it finish, open the F4 plan and a line's trace, download the
XLSX, switch to English, sign out. Screenshots of the main pages go to
$IMMEX_ARTEFACTS/pages (default tests/artefacts/pages, git-ignored).

Marked ``browser``: skipped without Chromium or Playwright, except under CI
(``IMMEX_REQUIRE_BROWSER=1``), where that is a failure.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from immex.samples import demo as sample
from immex.services.accounts import users
from immex.services.rates import loading as rates_loading
from immex.services.workspace.companies import add_company, create_workspace
from tests.support_browser import free_port, launch_chromium
from tests.support_demo import demo_run

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
FILES = ("materials", "products", "bom", "pedimentos", "shipments")
BAD = "part_number,description,kind,fraccion,umc\nZ1,Sin tipo,nonsense,8533.21.01,PZA\n"


#: where the screenshots go: $IMMEX_ARTEFACTS/pages, else tests/artefacts/pages (git-ignored)
ARTEFACTS = Path(__file__).parent / "artefacts"


def _screens() -> Path:
    root = Path(os.environ.get("IMMEX_ARTEFACTS") or ARTEFACTS)
    folder = root / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from immex.web.site import create_site

    db = f"sqlite:///{Path(tmp_path_factory.mktemp('site')) / 'immex.db'}"
    ws = create_workspace(db, actor="installer")
    add_company(ws, sample.COMPANY_RFC, sample.COMPANY_NAME, sample.IMMEX_PROGRAM,
                sample.PROSEC_SECTORS)  # fmt: skip
    rates_loading.load_rates(ws, "prosec", Path(sample.__file__).parent
                             / "prosec_dof_2026-04-23_excerpt.csv")  # fmt: skip
    users.add_user(ws, "ana@example.com", "specialist", [sample.COMPANY_RFC], password=PASSWORD)
    users.add_user(ws, "admin@example.com", "admin", [], password=PASSWORD)
    ws.store.dispose()
    port = free_port()
    config = uvicorn.Config(create_site(db), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


def _shot(page: Any, name: str) -> None:
    path = _screens() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000, name  # a page was drawn


def test_the_month_end_in_chromium(browser: Any, server: str, tmp_path: Path) -> None:
    summary = demo_run()
    data = Path(summary.folder) / "data"
    rfc = sample.COMPANY_RFC
    # a browser in Mexican Spanish (the pages follow Accept-Language until a choice is made)
    context = browser.new_context(
        accept_downloads=True, viewport={"width": 1366, "height": 900}, locale="es-MX"
    )
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if r.url.startswith("http") and not r.url.startswith(server) else None)  # fmt: skip

    page.goto(f"{server}/")
    assert "/login" in page.url
    page.fill("input[name=email]", "ana@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/c/{rfc}/")
    assert page.locator("h1").inner_text() == "Tablero"

    page.click("nav.company >> text=Importaciones")
    bad = tmp_path / "materiales-malos.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.select_option("#kind", "materials")
    page.set_input_files("#file", str(bad))
    page.click("#upload")
    errors = page.locator("#import-errors")
    assert "nonsense" in errors.inner_text() and "no se guardó nada" in errors.inner_text()
    _shot(page, "imports-errors")
    for kind in FILES:
        page.select_option("#kind", kind)
        page.set_input_files("#file", str(data / f"{kind}.csv"))
        page.click("#upload")
        assert "Importado" in page.locator("#import-result").inner_text(), kind
    _shot(page, "imports-history")

    page.click("nav.company >> text=Descargo")
    page.click("#start-run")
    page.wait_for_function(
        "document.querySelector('#job-status') &&"
        " document.querySelector('#job-status').innerText.includes('Terminado')",
        timeout=60_000,
    )
    _shot(page, "discharge-job-done")
    page.click("#open-run")
    assert page.locator("h1").inner_text().startswith("Corrida #")
    assert page.locator("#journal tbody tr").count() == 100  # the journal's first page
    _shot(page, "discharge-run")
    page.click("#journal-next")
    assert page.locator("#journal-range").inner_text().startswith("Renglones 101–")

    page.goto(f"{server}/c/{rfc}/")
    _shot(page, "dashboard")
    page.goto(f"{server}/c/{rfc}/ledger")
    assert page.locator("#lots tbody tr").count() == 50
    _shot(page, "ledger")
    page.locator("#lots tbody a").first.click()
    _shot(page, "lot")
    page.goto(f"{server}/c/{rfc}/expiry")
    _shot(page, "expiry")
    for name in ("63a", "savings", "reports"):
        page.goto(f"{server}/c/{rfc}/{name}?period={summary.period}")
        _shot(page, name)
    page.goto(f"{server}/refdata")
    assert page.locator("#sources tbody tr").count() >= 3
    _shot(page, "refdata")

    page.goto(f"{server}/c/{rfc}/f4?period={summary.period}")
    total = page.locator("#f4-plan-total").inner_text()
    assert total == f"{summary.f4_total:,.2f}"
    _shot(page, "f4-plan")
    page.locator("#f4-lines a").first.click()
    assert page.locator("h1").inner_text().startswith("Traza de la partida 1")
    assert page.locator("#trace-1").inner_text().strip()
    _shot(page, "f4-line-trace")
    page.click("text=Volver al plan")
    with page.expect_download() as download:
        page.click("#download-xlsx")
    saved = tmp_path / "f4.xlsx"
    download.value.save_as(str(saved))
    assert saved.read_bytes()[:2] == b"PK"

    page.click("#lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("F4 plan")
    page.goto(f"{server}/c/{rfc}/ledger")  # the choice is remembered
    assert page.locator("h1").inner_text() == "Inventory (Annex 24)"
    _shot(page, "ledger-en")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/c/{rfc}/")
    _shot(page, "dashboard-phone")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#sign-out")
    page.wait_for_url(f"{server}/login?lang=en")
    page.goto(f"{server}/c/{rfc}/ledger")
    assert "/login" in page.url
    # another browser, in Spanish: the account remembers English; switching back is remembered
    other = browser.new_context(viewport={"width": 1366, "height": 900}, locale="es-MX").new_page()
    other.goto(f"{server}/")
    other.fill("input[name=email]", "ana@example.com")
    other.fill("input[name=password]", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_url(f"{server}/c/{rfc}/")
    assert other.locator("html").get_attribute("lang") == "en"
    assert other.locator("h1").inner_text() == "Dashboard"
    other.click("#lang-switch")
    assert other.locator("h1").inner_text() == "Tablero"
    other.click("#sign-out")
    other.wait_for_url(f"{server}/login?lang=es")
    other.context.close()
    # the administrator's pages: users (a form error next to its field) and the audit trail
    admin = browser.new_context(viewport={"width": 1366, "height": 900}, locale="es-MX").new_page()
    admin.goto(f"{server}/admin/users")
    admin.fill("input[name=email]", "admin@example.com")
    admin.fill("input[name=password]", PASSWORD)
    admin.click("button[type=submit]")
    admin.wait_for_url(f"{server}/admin/users")
    admin.fill("#add-email", "auditora@example.com")
    admin.select_option("#add-role", "auditor")
    admin.select_option("#add-company", rfc)
    admin.click("#add-submit")
    assert "vigencia limitada" in admin.locator("#add-expires-error").inner_text()
    assert admin.locator("#add-expires").get_attribute("aria-describedby") == "add-expires-error"
    _shot(admin, "admin-users-error")
    admin.fill("#add-expires", "2099-12-31")
    admin.click("#add-submit")
    assert "auditora@example.com" in admin.locator("#users-notice").inner_text()
    _shot(admin, "admin-users")
    admin.goto(f"{server}/c/{rfc}/audit")
    _shot(admin, "audit")
    admin.context.close()
    assert outside == []
    context.close()
