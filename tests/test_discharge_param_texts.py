"""A discharge run's header records its parameter descriptions in English (hashed into the
run's identity: that text never changes, nor the hash), and `immex discharge show` and the
run page show them in the reader's language, from the catalog by parameter name."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.cli.main import app
from immex.domain.discharge.limits import LimitPolicy
from immex.reports.i18n import tr
from immex.services.accounts import users
from immex.services.discharge import runs
from immex.services.discharge.limits import limit_parameters
from immex.services.workspace.companies import open_workspace
from immex.web.site import create_site
from tests.support_demo import demo_run

#: the descriptions every run recorded so far (their text is part of the run's hash)
ORDER = "FIFO by entry date, pedimento, lot id; directed pedimento first"
ROUNDING = "need half-up to 6 decimals; value = round4(V×used/Q) differences"
SPANISH_ORDER = "PEPS por fecha de entrada, pedimento e id de lote; primero el pedimento dirigido"


def test_the_recorded_descriptions_keep_their_english_text() -> None:
    params = runs.run_parameters(None, ("IN",), LimitPolicy(limit_parameters()))
    assert params["order"] == ORDER and params["rounding"] == ROUNDING
    assert type(params["order"]) is str and type(params["rounding"]) is str  # plain text
    assert json.dumps({"o": params["order"], "r": params["rounding"]}, sort_keys=True) == (
        json.dumps({"o": ORDER, "r": ROUNDING}, sort_keys=True)
    )
    shown = dict((str(label), text) for label, text in runs.described_parameters(params))
    assert str(tr(shown["Discharge order"], "es")) == SPANISH_ORDER
    assert str(tr(shown["Rounding"], "en")) == ROUNDING


def test_a_description_worded_otherwise_is_shown_as_recorded() -> None:
    shown = runs.described_parameters({"order": "LIFO, say", "rounding": ROUNDING})
    assert [str(tr(t, "es")) for _, t in shown][0] == "LIFO, say"
    assert runs.described_parameters(None) == [] and runs.described_parameters({}) == []


def test_show_and_the_run_page_in_spanish_with_the_run_hash_unchanged(tmp_path: Path) -> None:
    summary = demo_run()
    db = tmp_path / "immex.db"
    shutil.copy(Path(summary.db.removeprefix("sqlite:///")), db)
    url, rfc = f"sqlite:///{db}", summary.company_rfc
    ws = open_workspace(url, rfc, actor="installer")
    with ws.read() as repos:
        run = repos.journal.current_run(ws.the_company.id)
    assert run is not None and run.parameters["order"] == ORDER
    again = runs.run_discharge(ws, run.through, dry_run=True)
    assert again.inputs_hash == run.inputs_hash  # the same inputs: the same identity
    users.add_user(ws, "ana@example.com", "specialist", [rfc], password="correct horse battery")
    ws.store.dispose()

    out = CliRunner().invoke(
        app, ["--lang", "es", "discharge", "show", str(run.id), "--limit", "1", "--db", url,
              "--company", rfc],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "Parámetros de la corrida" in out.output and SPANISH_ORDER in out.output
    assert ORDER not in out.output

    clock = lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    site = create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE))
    with TestClient(site) as client:
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        client.post(
            "/login",
            data={
                "email": "ana@example.com",
                "password": "correct horse battery",
                "csrf_token": token.group(1),
            },
        )
        page = html.unescape(client.get(f"/c/{rfc}/discharge/runs/{run.id}?lang=es").text)
        assert 'id="run-parameters"' in page and SPANISH_ORDER in page and ORDER not in page
        page = html.unescape(client.get(f"/c/{rfc}/discharge/runs/{run.id}?lang=en").text)
        assert ORDER in page
    site.state.immex_server.close()
