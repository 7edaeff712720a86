"""The pages' language (issue 12): Spanish by default, ``?lang=en`` on any page switches,
the user's account remembers it (``users.language``; ``PUT /api/v1/me/language``), and
every word a page shows comes from the one message catalog — a word a template asks for
that the catalog lacks, or one without a translation, fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from immex.api import i18n as ref_words
from immex.reports import i18n
from immex.services.accounts import audit_trail, users
from immex.services.workspace.companies import add_company, create_workspace, open_workspace
from immex.web import messages as account_words
from immex.web.company_pages import page_texts
from tests.support_pages import PASSWORD, csrf, login, parse, site_client, unlabelled

PLANT = "PLA010101AA7"
WEB = Path(__file__).parents[1] / "immex" / "web" / "templates"
API = Path(__file__).parents[1] / "immex" / "api" / "templates"
#: ``t.word`` and ``t['word']`` in a template (``t[key ~ ...]`` and ``t.get(…)`` are built
#: at run time)
USED = re.compile(r"\bt\.(\w+)\b(?!\s*\()|\bt\[['\"](\w+)['\"]\]")


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    db = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(db, actor="installer", today=date(2026, 3, 2))
    add_company(ws, PLANT, "Planta de muestra")
    users.add_user(ws, "spec@example.com", "specialist", [PLANT], password=PASSWORD)
    ws.store.dispose()
    yield db


def _used(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.html"):
        words = {a or b for a, b in USED.findall(path.read_text(encoding="utf-8"))}
        found[str(path.relative_to(folder))] = words
    return found


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_word_a_template_asks_for_is_in_the_catalog(lang: str) -> None:
    page, account, ref = (
        page_texts.page_texts(lang),
        account_words.messages(lang),
        ref_words.messages(lang),
    )
    for name, words in _used(WEB).items():
        have = page if name.startswith("pages/") else account
        assert words - set(have) == set(), name
    for name, words in _used(API).items():
        assert words - set(ref) == set(), name
    catalog = i18n.catalog(lang)
    for prefix, english in (
        ("web.page", page_texts.ENGLISH),
        ("web.account", account_words.ENGLISH),
        ("web.ref", ref_words.ENGLISH),
    ):
        lacking = [k for k in english if f"{prefix}.{k}" not in catalog]
        assert lacking == [], (prefix, lang)


def test_spanish_words_are_spanish_and_english_are_english() -> None:
    es, en = page_texts.page_texts("es"), page_texts.page_texts("en")
    assert es["discharge"] == "Descargo" and en["discharge"] == "Discharge"
    same = {k for k in es if es[k] == en[k]}
    # legal terms and codes read the same in both (IGI, DTA, Anexo 24 words stay Spanish)
    assert len(same) < len(es) // 10, sorted(same)
    assert i18n.missing("es") == [] and i18n.missing("en") == []


def _lang(page: str) -> str | None:
    return parse(page).html_lang


def test_spanish_first_then_the_account_remembers_the_switch(url: str) -> None:
    with site_client(url) as client:
        assert _lang(client.get("/login").text) == "es"
        assert _lang(client.get("/login?lang=en").text) == "en"
        assert _lang(client.get("/login").text) == "en"  # the browser remembers (cookie)
    with site_client(url) as client:
        login(client, "spec@example.com")
        board = client.get(f"/c/{PLANT}/")
        assert _lang(board.text) == "es" and "<h1>Tablero</h1>" in board.text
        for path in ("/refdata", "/tariff", "/account", f"/c/{PLANT}/ledger"):
            assert _lang(client.get(path).text) == "es", path
        search = client.get("/tariff?q=circuitos").text  # the switch keeps the page's query
        assert 'href="/tariff?q=circuitos&amp;lang=en" hreflang="en" id="lang-switch"' in search
        en = client.get(f"/c/{PLANT}/ledger?lang=en")
        assert _lang(en.text) == "en" and "Inventory (Annex 24)" in en.text
    with site_client(url) as client:  # another browser: the account remembers
        login(client, "spec@example.com")
        for path in (f"/c/{PLANT}/", "/account", "/tariff", "/account/password"):
            assert _lang(client.get(path).text) == "en", path
        client.get("/account?lang=es")  # the account pages switch it too
    ws = open_workspace(url, actor="t")
    assert users.find_user(ws, "spec@example.com").language == "es"
    actions = [
        (e["actor"], e["action"], e["detail"].get("language"))
        for e in audit_trail.installation_entries(ws)
    ]
    ws.store.dispose()
    changes = [a for a in actions if a[1] == "user.language"]
    assert changes == [
        ("spec@example.com", "user.language", "en"),
        ("spec@example.com", "user.language", "es"),
    ]


def test_the_api_sets_the_language_with_csrf(url: str) -> None:
    with site_client(url) as client:
        login(client, "spec@example.com")
        token = csrf(client.get(f"/c/{PLANT}/").text)
        assert client.put("/api/v1/me/language", json={"language": "en"}).status_code == 403
        r = client.put(
            "/api/v1/me/language", json={"language": "en"}, headers={"X-CSRF-Token": token}
        )
        assert r.status_code == 200 and r.json() == {"email": "spec@example.com", "language": "en"}
        assert client.get("/api/v1/me").json()["language"] == "en"
        assert _lang(client.get(f"/c/{PLANT}/").text) == "en"
        bad = client.put(
            "/api/v1/me/language", json={"language": "fr"}, headers={"X-CSRF-Token": token}
        )
        assert bad.status_code == 400 and bad.json()["field"] == "language"
    with site_client(url) as anonymous:
        assert anonymous.put("/api/v1/me/language", json={"language": "es"}).status_code == 401


def test_login_and_password_errors_next_to_their_fields(url: str) -> None:
    with site_client(url) as client:
        form = client.get("/login").text
        assert unlabelled(form) == []
        r = client.post(
            "/login",
            data={"email": "spec@example.com", "password": "wrong", "csrf_token": csrf(form)},
        )
        assert r.status_code == 401
        controls = {c.id: c for c in parse(r.text).controls}
        assert controls["password"].describedby == "login-error"
        assert 'id="login-error"' in r.text and "Correo o contraseña incorrectos." in r.text
        assert unlabelled(r.text) == []
        login(client, "spec@example.com")
        page = client.get("/account/password").text
        r = client.post(
            "/account/password",
            data={
                "current_password": "nope",
                "new_password": "another horse battery",
                "csrf_token": csrf(page),
            },
        )
        assert r.status_code == 400
        controls = {c.id: c for c in parse(r.text).controls}
        assert controls["current_password"].describedby == "current_password-error"
        assert "la contraseña actual no es correcta" in r.text
        r = client.post(
            "/account/password?lang=en",
            data={"current_password": PASSWORD, "new_password": "short", "csrf_token": csrf(page)},
        )
        assert r.status_code == 400 and 'id="new_password-error"' in r.text
        assert "too short" in r.text and 'lang="en"' in r.text


def test_a_pages_notes_are_in_its_language(url: str) -> None:
    """A note of the core (a catalog message) is shown in the page's language: the ledger of
    a company without a discharge run says so in Spanish, and in English after the switch."""
    with site_client(url) as client:
        login(client, "spec@example.com")
        es = client.get(f"/c/{PLANT}/ledger").text
        en = client.get(f"/c/{PLANT}/ledger?lang=en").text
    assert "aún no hay corrida de descargo: cada lote se muestra completo" in es
    assert "every lot is shown whole" not in es
    assert "no discharge run yet: every lot is shown whole" in en
