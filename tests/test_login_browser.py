"""The sign-in page and the API documentation in real Chromium (Debian's binary, driven by
Playwright; no browser is downloaded): sign in, the session cookie is HttpOnly and
SameSite, a wrong password is refused, /docs and /redoc render from local assets only.

Marked ``browser``: skipped without Chromium or Playwright, except under CI
(``IMMEX_REQUIRE_BROWSER=1``), where that is a failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from immex.services.accounts import users
from immex.services.workspace.companies import add_company, create_workspace
from tests.support_browser import free_port, launch_chromium

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from immex.web.site import create_site

    db = f"sqlite:///{Path(tmp_path_factory.mktemp('site')) / 'immex.db'}"
    ws = create_workspace(db, actor="installer")
    add_company(ws, "EKU9003173C9", "Planta A")
    users.add_user(ws, "ana@example.com", "specialist", ["EKU9003173C9"], password=PASSWORD)
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


def _page(browser: Any, base: str) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(locale="es-MX")  # a Spanish browser: the pages follow it
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if r.url.startswith(("http:", "https:")) and not r.url.startswith(base)
            else None
        ),
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, outside, errors


def test_sign_in_in_chromium(browser: Any, server: str) -> None:
    context, page, outside, _errors = _page(browser, server)
    page.goto(f"{server}/account")  # not signed in: sent to the sign-in page
    assert "/login" in page.url
    page.fill("input[name=email]", "ana@example.com")
    page.fill("input[name=password]", "a wrong password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("Correo o contraseña")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/account")
    assert page.locator("#who").inner_text() == "ana@example.com"
    cookies = {c["name"]: c for c in context.cookies()}
    session = cookies["immex_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert "immex_session" not in page.evaluate("document.cookie")  # HttpOnly: not readable
    me = page.evaluate("fetch('/api/v1/me').then(r => r.json())")
    assert me["email"] == "ana@example.com" and me["csrf_token"]
    page.click("text=Cerrar sesión")
    page.wait_for_url(f"{server}/login?lang=es")
    assert page.evaluate("fetch('/api/v1/me').then(r => r.status)") == 401
    assert outside == []
    context.close()


def test_api_docs_render_offline(browser: Any, server: str) -> None:
    context, page, outside, errors = _page(browser, server)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "immex" in page.locator(".swagger-ui .info .title").inner_text()
    page.goto(f"{server}/redoc")
    page.wait_for_selector(".redoc-wrap", timeout=15_000)
    page.wait_for_function("document.body.innerText.includes('discharge-runs')", timeout=15_000)
    assert outside == [] and errors == []
    context.close()
