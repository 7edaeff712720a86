"""The compliance team's pages on the demo plant: each role, 404 across companies, CSRF on
every form, figures equal to the services the CLI prints, the ledger's keyset pages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.domain.codes import format_pedimento
from immex.services.accounts import users
from immex.services.duties.f4_plan import plan_f4
from immex.services.workspace.companies import add_company, open_workspace
from immex.web.company_pages.page_render import _money
from immex.web.site import create_site
from tests.support_demo import demo_run

PASSWORD = "correct horse battery"
OTHER = "AAA010101AA1"


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    summary = demo_run()
    folder = tmp_path_factory.mktemp("pages")
    db = folder / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    url = f"sqlite:///{db}"
    ws = open_workspace(url, actor="installer")
    add_company(ws, OTHER, "Otra planta")
    rfc = summary.company_rfc
    for role in ("admin", "specialist", "viewer", "auditor"):
        users.add_user(
            ws,
            f"{role}@example.com",
            role,
            [] if role == "admin" else [rfc],
            password=PASSWORD,
            expires_on=date(2099, 1, 1) if role == "auditor" else None,
        )
    ws.store.dispose()
    yield url, rfc, summary.period


def _client(url: str) -> TestClient:
    clock = lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    return TestClient(create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE)))


def _login(client: TestClient, role: str) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    r = client.post(
        "/login",
        data={"email": f"{role}@example.com", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


PAGES = [
    "/",
    "/ledger",
    "/ledger?status=expiring&within=60",
    "/ledger?q=CON",
    "/lots/1",
    "/expiry",
    "/f4",
    "/f4/lines/1",
    "/63a",
    "/savings",
    "/reports",
    "/imports",
    "/discharge",
    "/discharge/runs/1",
]


def test_pages_answer_for_each_role_and_hide_other_companies(plant: Any) -> None:
    url, rfc, period = plant
    for role in ("admin", "specialist", "viewer", "auditor"):
        with _client(url) as client:
            _login(client, role)
            for path in PAGES:
                r = client.get(f"/c/{rfc}{path}")
                assert r.status_code == 200, (role, path, r.text[:500])
                assert 'lang="es"' in r.text
            uploads = client.get(f"/c/{rfc}/imports").text
            assert ('id="upload"' in uploads) == (role in ("admin", "specialist")), role
            other = client.get(f"/c/{OTHER}/")
            assert other.status_code == (200 if role == "admin" else 404), role
            assert client.get("/c/XAXX010101000/ledger").status_code == 404


def test_without_a_session_pages_go_to_sign_in(plant: Any) -> None:
    url, rfc, _ = plant
    with _client(url) as client:
        r = client.get(f"/c/{rfc}/ledger", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_viewer_gets_403_on_every_form_and_forms_need_csrf(plant: Any) -> None:
    url, rfc, _ = plant
    csv = (
        "materials.csv",
        b"part_number,description,kind,fraccion,umc\nZ1,X,input,8533.21.01,PZA\n",
    )
    with _client(url) as client:
        _login(client, "viewer")
        token = _csrf(client.get(f"/c/{rfc}/").text)
        r = client.post(
            f"/c/{rfc}/imports",
            data={"kind": "materials", "csrf_token": token},
            files={"file": csv},
        )
        assert r.status_code == 403
        r = client.post(f"/c/{rfc}/discharge", data={"csrf_token": token})
        assert r.status_code == 403
    with _client(url) as client:
        _login(client, "specialist")
        for path in ("/imports", "/discharge"):
            kw: dict[str, Any] = {"files": {"file": csv}} if path == "/imports" else {}
            for token in ("", "wrong"):
                r = client.post(
                    f"/c/{rfc}{path}", data={"kind": "materials", "csrf_token": token}, **kw
                )
                assert r.status_code == 403, (path, token)


def test_import_errors_line_by_line_then_dry_run_then_batch(plant: Any) -> None:
    url, rfc, _ = plant
    bad = b"part_number,description,kind,fraccion,umc\nZ1,X,nonsense,8533.21.01,PZA\n"
    good = b"part_number,description,kind,fraccion,umc\nZ9,Nuevo,input,8533.21.01,PZA\n"
    with _client(url) as client:
        _login(client, "specialist")
        token = _csrf(client.get(f"/c/{rfc}/imports").text)
        r = client.post(
            f"/c/{rfc}/imports",
            data={"kind": "materials", "csrf_token": token},
            files={"file": ("bad.csv", bad)},
        )
        assert r.status_code == 422 and 'id="import-errors"' in r.text and "nonsense" in r.text
        r = client.post(
            f"/c/{rfc}/imports",
            data={"kind": "materials", "csrf_token": token, "dry_run": "1"},
            files={"file": ("good.csv", good)},
        )
        assert r.status_code == 200 and "good.csv" not in r.text.split('id="batches"')[1]
        r = client.post(
            f"/c/{rfc}/imports",
            data={"kind": "materials", "csrf_token": token},
            files={"file": ("good.csv", good)},
        )
        assert r.status_code == 201 and "good.csv" in r.text.split('id="batches"')[1]


def test_f4_page_shows_the_services_figures_and_downloads(plant: Any) -> None:
    url, rfc, period = plant
    ws = open_workspace(url, actor="t")
    with ws.read() as repos:
        company = repos.companies.by_rfc(rfc)
    plan = plan_f4(ws.with_company(company), period)
    ws.store.dispose()
    with _client(url) as client:
        _login(client, "viewer")
        page = client.get(f"/c/{rfc}/f4?period={period}").text
        assert f'id="f4-plan-total">{_money(plan.totals["total"])}<' in page
        board = client.get(f"/c/{rfc}/").text
        assert f'id="f4-total">{_money(plan.totals["total"])}<' in board
        r = client.get(f"/c/{rfc}/reports/download?period={period}&format=xlsx")
        assert r.status_code == 200 and r.content[:2] == b"PK"
        en = client.get(f"/c/{rfc}/f4?period={period}&lang=en")
        assert 'lang="en"' in en.text and "F4 plan" in en.text
        assert 'lang="en"' in client.get(f"/c/{rfc}/ledger").text  # remembered
        client.get(f"/c/{rfc}/ledger?lang=es")  # back to Spanish (the account remembers)


def test_ledger_pages_by_keyset(plant: Any) -> None:
    url, rfc, _ = plant
    with _client(url) as client:
        _login(client, "viewer")
        seen: list[int] = []
        target = f"/c/{rfc}/ledger"
        while target:
            text = client.get(target).text
            seen += [int(x) for x in re.findall(r"/lots/(\d+)\?", text)]
            nxt = re.search(r'id="next-page" href="([^"]+)"', text)
            target = f"/c/{rfc}/ledger{nxt.group(1).replace('&amp;', '&')}" if nxt else ""
        assert seen == sorted(set(seen)) and len(seen) > 50


def test_audit_users_and_reference_data_pages_by_role(plant: Any) -> None:
    url, rfc, _ = plant
    expected = {
        "admin": (200, 200),
        "specialist": (403, 403),
        "viewer": (403, 403),
        "auditor": (200, 403),
    }
    for role, (audit, admin) in expected.items():
        with _client(url) as client:
            _login(client, role)
            assert client.get(f"/c/{rfc}/audit").status_code == audit, role
            assert client.get("/admin/users").status_code == admin, role
            assert client.get("/refdata").status_code == 200
            nav = client.get(f"/c/{rfc}/").text
            assert (f"/c/{rfc}/audit" in nav) == (audit == 200), role


def _post_forms(client: TestClient, rfc: str) -> dict[str, Any]:
    """Every form that changes something on the company's pages, as the user sees them:
    action → the form."""
    from tests.support_pages import parse

    found: dict[str, Any] = {}
    for path in PAGES + ["/audit"]:
        page = client.get(f"/c/{rfc}{path}")
        for form in parse(page.text).forms:
            if form.method == "post":
                found.setdefault(form.action, form)
    return found


def test_every_form_carries_the_csrf_token_and_is_refused_without_it(plant: Any) -> None:
    url, rfc, _ = plant
    with _client(url) as client:
        _login(client, "admin")
        forms = _post_forms(client, rfc)
        for path in ("/admin/users", "/account", "/account/password"):
            from tests.support_pages import parse

            for form in parse(client.get(path).text).forms:
                if form.method == "post":
                    forms.setdefault(form.action, form)
        assert {
            f"/c/{rfc}/imports",
            f"/c/{rfc}/discharge",
            "/logout",
            "/admin/users",
            "/account/password",
        } <= {action.split("?")[0] for action in forms}
        for action, form in forms.items():
            assert form.has_csrf, action
            for token in ("", "wrong"):
                data = {**form.fields, "csrf_token": token}
                kw: dict[str, Any] = {}
                if form.enctype == "multipart/form-data":
                    kw["files"] = {"file": ("x.csv", b"part_number\n")}
                r = client.post(action, data=data, follow_redirects=False, **kw)
                assert r.status_code == 403, (action, token, r.status_code)
        assert client.get(f"/c/{rfc}/").status_code == 200  # still signed in


def test_a_viewer_sees_no_button_that_changes_and_every_post_is_403(plant: Any) -> None:
    url, rfc, _ = plant
    with _client(url) as client:
        _login(client, "specialist")
        forms = _post_forms(client, rfc)
    changing = {a: f for a, f in forms.items() if a.startswith(f"/c/{rfc}/")}
    assert {f"/c/{rfc}/imports", f"/c/{rfc}/discharge"} <= set(changing)
    for role in ("viewer", "auditor"):
        with _client(url) as client:
            _login(client, role)
            seen = _post_forms(client, rfc)
            assert [a for a in seen if a.startswith(f"/c/{rfc}/")] == [], role
            for path in ("/imports", "/discharge"):
                text = client.get(f"/c/{rfc}{path}").text
                assert 'id="upload"' not in text and 'id="start-run"' not in text, (role, path)
            token = _csrf(client.get(f"/c/{rfc}/").text)
            for action, form in changing.items():
                data = {**form.fields, "csrf_token": token}
                kw: dict[str, Any] = {}
                if form.enctype == "multipart/form-data":
                    kw["files"] = {"file": ("x.csv", b"part_number\n")}
                r = client.post(action, data=data, follow_redirects=False, **kw)
                assert r.status_code == 403, (role, action, r.status_code)


def test_every_company_page_is_404_for_a_company_not_granted(plant: Any) -> None:
    url, rfc, _ = plant
    for role in ("specialist", "viewer", "auditor"):
        with _client(url) as client:
            _login(client, role)
            for path in PAGES + ["/audit", "/reports/download?format=xlsx", "/jobs/1"]:
                r = client.get(f"/c/{OTHER}{path}")
                assert r.status_code == 404, (role, path, r.status_code)
                assert "Otra planta" not in r.text
            token = _csrf(client.get(f"/c/{rfc}/").text)
            for path in ("/imports", "/discharge", "/imports/void"):
                r = client.post(f"/c/{OTHER}{path}", data={"csrf_token": token, "batch": "1"})
                assert r.status_code == 404, (role, path, r.status_code)


def test_accessible_markup_on_every_page(plant: Any) -> None:
    from tests.support_pages import unlabelled

    url, rfc, _ = plant
    css = (Path(__file__).parents[1] / "immex/web/static/pages.css").read_text()
    assert ":focus-visible{outline:3px" in css.replace(" ", "")
    with _client(url) as client:
        _login(client, "admin")
        paths = [f"/c/{rfc}{p}" for p in PAGES + ["/audit"]] + [
            "/refdata",
            "/tariff?q=circuitos",
            "/admin/users",
            "/account",
            "/account/password",
        ]
        for path in paths:
            for lang in ("es", "en"):
                page = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
                assert page.status_code == 200, path
                assert f'<html lang="{lang}">' in page.text, path
                assert unlabelled(page.text) == [], (path, unlabelled(page.text))
                assert page.text.count("<h1") + page.text.count("<h2") >= 1, path
        client.get(f"/c/{rfc}/?lang=es")
    with _client(url) as anonymous:
        assert unlabelled(anonymous.get("/login").text) == []


def test_a_runs_journal_page_by_page_equals_the_cli_service(plant: Any) -> None:
    from immex.services.discharge.journal import journal_rows

    url, rfc, _ = plant
    ws = open_workspace(url, actor="t")
    with ws.read() as repos:
        company = repos.companies.by_rfc(rfc)
    expected = journal_rows(ws.with_company(company), run_id=1)
    ws.store.dispose()
    assert len(expected) > 100
    row = re.compile(r'<tr><td class="n">(\d+)</td><td>([^<]*)</td><td>(\d+)</td>.*?/lots/(\d+)"')
    with _client(url) as client:
        _login(client, "viewer")
        seen: list[tuple[int, str, int, int]] = []
        target = f"/c/{rfc}/discharge/runs/1"
        while target:
            text = client.get(target).text
            journal = text.split('id="journal"')[1].split("</table>")[0]
            seen += [(int(n), d, int(ln), int(lot)) for n, d, ln, lot in row.findall(journal)]
            nxt = re.search(r'id="journal-next" href="\?offset=(\d+)', text)
            target = f"/c/{rfc}/discharge/runs/1?offset={nxt.group(1)}" if nxt else ""
        assert f"({len(expected):,})" in client.get(f"/c/{rfc}/discharge/runs/1").text
        bad = client.get(f"/c/{rfc}/discharge/runs/1?offset=-1")  # a page, not the framework's JSON
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
    assert [n for n, *_ in seen] == list(range(1, len(expected) + 1))
    assert [(d, ln, lot) for _, d, ln, lot in seen] == [  # pedimentos as a person reads them
        (format_pedimento(r.document), r.line, r.lot_id) for r in expected
    ]


def test_a_bad_date_on_the_run_form_is_shown_next_to_its_field(plant: Any) -> None:
    from tests.support_pages import parse

    url, rfc, _ = plant
    with _client(url) as client:
        _login(client, "specialist")
        token = _csrf(client.get(f"/c/{rfc}/discharge").text)
        r = client.post(
            f"/c/{rfc}/discharge",
            data={"csrf_token": token, "through": "2026-02-30"},
            follow_redirects=False,
        )
        assert r.status_code == 400 and 'lang="es"' in r.text
        through = [c for c in parse(r.text).controls if c.id == "through"][0]
        assert through.describedby == "run-through-error"
        assert 'id="run-through-error"' in r.text and 'value="2026-02-30"' in r.text
        assert "no es una fecha" in r.text
