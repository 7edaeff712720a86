"""The server keeps figures between requests (services/figure_cache.py) and never serves a
stale one: after an import through the API, an import by another process (the CLI, its own
connection) and a discharge run, every read route answers what the CLI prints."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.cli.main import app as cli
from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services import figure_cache
from immex.services.accounts import tokens, users
from immex.services.discharge.runs import run_discharge
from immex.services.ledger.importer import import_file
from immex.services.workspace.companies import add_company, create_workspace
from immex.web.site import create_site

RFC = "EKU9003173C9"
AS_OF = "2025-12-31"
PERIOD = "2025-11"


def _split(path: Path, parts: int) -> list[Path]:
    """The pedimentos file cut into ``parts`` files at pedimento boundaries."""
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    cuts = [len(rows) * k // parts for k in range(1, parts)]
    out, start = [], 0
    for n, cut in enumerate([*cuts, len(rows)]):
        while 0 < cut < len(rows) and rows[cut].split(",")[0] == rows[cut - 1].split(",")[0]:
            cut += 1
        part = path.with_name(f"pedimentos_{n}.csv")
        part.write_text("\n".join([header, *rows[start:cut]]) + "\n", encoding="utf-8")
        out.append(part)
        start = cut
    return out


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], str, list[Path]]]:
    files = write_plant(PlantSpec.scaled(4_000), tmp_path / "plant")
    first, *later = _split(files["pedimentos"], 3)
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    space = create_workspace(url, actor="installer")
    ws = space.with_company(add_company(space, RFC, "Planta Ilustrativa"))
    for name in ORDER:
        import_file(ws, name, first if name == "pedimentos" else files[name])
    run_discharge(ws)
    users.add_user(ws, "ana@example.com", "specialist", [RFC])
    token = tokens.create_token(ws, "ana@example.com").token
    ws.store.dispose()
    app = create_site(url, ServerSettings(jobs=JobRunners.HERE))
    with TestClient(app) as client:
        yield client, {"Authorization": f"Bearer {token}"}, url, later
    app.state.immex_server.close()


def _cli(url: str, *args: str) -> Any:
    done = CliRunner().invoke(cli, [*args, "--db", url, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def _figures(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    base = f"/api/v1/companies/{RFC}"
    out = {}
    for name, route in {
        "balance": f"{base}/balance?as_of={AS_OF}&limit=10000",
        "expiry": f"{base}/expiry?as_of={AS_OF}&within=90&limit=10000",
        "f4": f"{base}/f4-plan?period={PERIOD}",
        "63a": f"{base}/63a?period={PERIOD}",
        "f4_traced": f"{base}/f4-plan?period={PERIOD}&traces=true",
    }.items():
        r = client.get(route, headers=auth)
        assert r.status_code == 200, r.text
        out[name] = r.json()
    return out


def _cli_figures(url: str) -> dict[str, Any]:
    return {
        "balance": _cli(url, "balance", "--as-of", AS_OF),
        "expiry": _cli(url, "expiry", "--as-of", AS_OF, "--within", "90"),
        "f4": _cli(url, "f4", "plan", "--period", PERIOD, "--no-trace"),
        "63a": _cli(url, "63a", "report", "--period", PERIOD, "--no-trace"),
        "f4_traced": _cli(url, "f4", "plan", "--period", PERIOD),
    }


def _same_as_cli(api: dict[str, Any], url: str) -> None:
    printed = _cli_figures(url)
    for name in ("balance", "expiry"):
        assert api[name]["lots"] == printed[name]["lots"], name
        assert api[name]["total"] == len(printed[name]["lots"])
    assert api["f4"]["lines"], "the period has F4 lines"
    for name in ("f4", "63a", "f4_traced"):
        assert api[name] == printed[name], name


def _wait(client: TestClient, auth: dict[str, str], job_id: int) -> dict[str, Any]:
    for _ in range(600):
        job = client.get(f"/api/v1/jobs/{job_id}", headers=auth).json()
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.1)
    raise AssertionError("the job did not end")


def test_figures_are_kept_and_never_stale(
    site: tuple[TestClient, dict[str, str], str, list[Path]],
) -> None:
    client, auth, url, (second, third) = site
    store = client.app.state.immex_server.workspace().store  # type: ignore[attr-defined]
    cache = figure_cache.cache_of(store)
    assert cache is not None

    before = _figures(client, auth)
    _same_as_cli(before, url)
    hits = cache.hits
    assert _figures(client, auth) == before
    assert cache.hits >= hits + 5  # the second time, no figure is computed again

    # an import through the API: the new lots are open at once (no run yet)
    with second.open("rb") as fh:
        r = client.post(f"/api/v1/companies/{RFC}/imports/pedimentos", headers=auth,
                        files={"file": ("pedimentos.csv", fh, "text/csv")})  # fmt: skip
    assert r.status_code == 201, r.text
    after_import = _figures(client, auth)
    assert after_import["balance"]["total"] > before["balance"]["total"]
    _same_as_cli(after_import, url)

    # another process writes (the CLI, its own connection): this server sees it
    done = CliRunner().invoke(cli, ["import", "pedimentos", str(third), "--db", url])
    assert done.exit_code == 0, done.output
    after_cli = _figures(client, auth)
    assert after_cli["balance"]["total"] > after_import["balance"]["total"]
    _same_as_cli(after_cli, url)

    # a discharge run (a job of this server): the new lots are drawn on
    r = client.post(f"/api/v1/companies/{RFC}/discharge-runs", headers=auth, json={})
    assert r.status_code == 202
    assert _wait(client, auth, r.json()["job_id"])["status"] == "done"
    after_run = _figures(client, auth)
    assert after_run["balance"]["lots"] != after_cli["balance"]["lots"]
    _same_as_cli(after_run, url)


def test_the_balance_pages(site: tuple[TestClient, dict[str, str], str, list[Path]]) -> None:
    client, auth, _url, _later = site
    base = f"/api/v1/companies/{RFC}/balance?as_of={AS_OF}"
    whole = client.get(f"{base}&limit=10000", headers=auth).json()
    assert whole["next_offset"] is None and whole["total"] == len(whole["lots"]) > 7
    seen: list[Any] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get(f"{base}&offset={offset}&limit=7", headers=auth).json()
        assert len(page["lots"]) <= 7 and page["total"] == whole["total"]
        seen += page["lots"]
        offset = page["next_offset"]
    assert seen == whole["lots"]


def test_one_computation_for_concurrent_requests() -> None:
    cache = figure_cache.FigureCache()
    calls: list[int] = []
    gate = threading.Event()

    def slow() -> list[int]:
        calls.append(1)
        gate.wait(5)
        return [42]

    results: list[list[int]] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get((3, 3), ("f",), slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1 and results == [[42]] * 8


def test_a_new_version_drops_the_old_figures_and_errors_are_not_kept() -> None:
    cache = figure_cache.FigureCache()
    assert cache.get((1, 1), ("f",), lambda: "one") == "one"
    assert cache.get((1, 1), ("f",), lambda: "other") == "one"
    assert cache.get((2, 2), ("f",), lambda: "two") == "two"
    assert len(cache) == 1
    # a request that read the version before the newest write: computed, not kept
    assert cache.get((1, 1), ("f",), lambda: "late") == "late"
    assert cache.get((2, 2), ("f",), lambda: "x") == "two"

    def boom() -> str:
        raise ValueError("bad")

    with pytest.raises(ValueError):
        cache.get((2, 2), ("g",), boom)
    assert cache.get((2, 2), ("g",), lambda: "fine") == "fine"


def test_the_cli_keeps_no_figures(tmp_path: Path) -> None:
    ws = create_workspace(f"sqlite:///{tmp_path / 'x.db'}", actor="t")
    assert figure_cache.cache_of(ws.store) is None
    assert figure_cache.cached(ws, "n", (), lambda: [1]) == [1]
    ws.store.dispose()


def test_every_committed_write_moves_the_data_version(workspace_url: str) -> None:
    ws = create_workspace(workspace_url, actor="installer")
    first = figure_cache.data_version(ws)
    assert figure_cache.data_version(ws) == first  # reading changes nothing
    company = add_company(ws, RFC, "Planta A")
    second = figure_cache.data_version(ws)
    assert second > first
    users.add_user(ws.with_company(company), "ana@example.com", "viewer", [RFC])
    assert figure_cache.data_version(ws) > second
    ws.store.dispose()


def test_a_lower_audit_id_committed_late_still_moves_the_version() -> None:
    # PostgreSQL hands out ids at insert: a write holding id 100 may commit after the one
    # holding 101. The newest id stays 101; only the count says the data changed.
    cache = figure_cache.FigureCache()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get((101, 100), ("balance",), compute) == 1
    assert cache.get((101, 100), ("balance",), compute) == 1  # kept
    assert cache.get((101, 101), ("balance",), compute) == 2  # the late commit is seen


class _Figure:
    """A computed figure: an object the cyclic garbage collector tracks."""

    def __init__(self, n: int) -> None:
        self.rows = [[i] for i in range(n)]


def test_a_server_keeps_its_figures_out_of_the_full_collections() -> None:
    import gc

    gc.unfreeze()
    try:
        plain = figure_cache.FigureCache()
        plain.get((1, 1), ("f",), lambda: _Figure(1000))
        assert gc.get_freeze_count() == 0  # the default (tests, the CLI): nothing frozen
        cache = figure_cache.FigureCache(freeze=True)
        figure = cache.get((1, 1), ("f",), lambda: _Figure(1000))
        # the figure's 1,001 lists are out of the collector's walk
        assert gc.get_freeze_count() > 1000
        assert not any(o is figure.rows for o in gc.get_objects())
        # a newer data version drops it and gives the collector back what was frozen
        cache.get((2, 2), ("f",), lambda: "two")
        assert gc.get_freeze_count() > 0  # "two" was frozen in its turn
        cache.get((3, 3), ("g",), lambda: 3)
    finally:
        gc.unfreeze()


def test_immex_serve_freezes_its_figures(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from immex.cli import api_cmds

    seen: list[ServerSettings] = []
    monkeypatch.setattr(
        "immex.web.site.create_site", lambda db, settings: seen.append(settings) or object()
    )
    monkeypatch.setenv("IMMEX_DB", str(tmp_path / "w.db"))
    api_cmds.site_from_environment()
    assert seen and seen[0].freeze_figures
    assert not ServerSettings().freeze_figures
