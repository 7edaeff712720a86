"""Data Stage and archivo M loads among the company's batches (SQLite and PostgreSQL): listed
with id, file, SHA-256, rows, actor and time; never voided (a paid pedimento changes only
through its rectification), and the refusal says how to correct; a removed company's
pedimentos are not imported; `discharge list` flags a stale run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError, InvalidInput, NotFound
from immex.services.ledger import corrections
from immex.services.ledger.importer import import_file
from immex.services.sat.datastage_import import import_datastage
from immex.services.sat.m3_import import import_m3
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from tests.support_datastage import SAMPLE, row_counts
from tests.test_corrections import MATERIALS, PEDIMENTOS, PRODUCTS, _write
from tests.test_m3 import GOOD

RFC = "EKU9003173C9"
#: a validation file (archivo M) of one pedimento of the company (sample data)
M3 = GOOD.replace("XAXX010101000", RFC)


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    space = workspace.create_workspace(workspace_url, actor="ana@example.com")
    company = workspace.add_company(space, RFC, "Ejemplo Ilustrativo")
    yield space.with_company(company)
    space.store.dispose()


def _m3(tmp: Path, text: str = M3, name: str = "m3999002.063") -> Path:
    path = tmp / name
    path.write_text(text, encoding="cp1252")
    return path


def test_an_archivo_m_load_is_listed_and_not_voided(ws: Workspace, tmp_path: Path) -> None:
    mat = import_file(ws, "materials", _write(tmp_path, "m.csv", MATERIALS))
    import_m3(ws.with_actor("bob@example.com"), [_m3(tmp_path)])
    listed = corrections.list_batches(ws)
    assert [(b.source, b.entity) for b in listed] == [("ledger", "materials"), ("sat", "m3")]
    m3 = listed[1]
    assert (m3.file_name, m3.rows, m3.current_rows, m3.actor) == (
        "m3999002.063", 1, 1, "bob@example.com"
    )  # fmt: skip
    assert len(m3.sha256) == 64 and m3.label == f"S{m3.id}" and m3.status == "current"
    assert listed[0].label == str(mat.batch_id)
    assert corrections.batch_label(f"S{m3.id}") == ("sat", m3.id)
    assert corrections.batch_label(" 7 ") == ("ledger", 7)
    with pytest.raises(InvalidInput, match="not a batch"):
        corrections.batch_label("S-1")
    with pytest.raises(InvalidInput) as refused:
        corrections.void_batch(ws, m3.id, "equivocado", corrections.SAT)
    text = refused.value.message
    assert "archivo M" in text and "art. 89" in text and "immex import m3" in text
    assert "--rectify" in text
    with pytest.raises(NotFound, match=f"S{m3.id + 1}"):
        corrections.void_batch(ws, m3.id + 1, "x", corrections.SAT)
    # another company does not see the load among its batches
    other = workspace.add_company(ws, "AAA010101AA1", "Otra")
    assert corrections.list_batches(ws.with_company(other)) == []
    with pytest.raises(NotFound):
        corrections.void_batch(ws.with_company(other), m3.id, "x", corrections.SAT)


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared not present")
def test_a_data_stage_load_is_listed_and_not_voided(ws: Workspace, tmp_path: Path) -> None:
    summary = import_datastage(ws.with_company(None), [SAMPLE])  # type: ignore[arg-type]
    [rfc] = summary["companies_registered"]
    with ws.read() as repos:
        company = repos.companies.by_rfc(rfc)
    theirs = ws.with_company(company)  # type: ignore[arg-type]
    [load] = corrections.list_batches(theirs)
    assert (load.source, load.entity, load.file_name) == ("sat", "datastage", SAMPLE.name)
    assert load.rows == summary["pedimentos"] and load.rows > 0
    with pytest.raises(InvalidInput) as refused:
        corrections.void_batch(theirs, load.id, "x", corrections.SAT)
    assert "Data Stage" in refused.value.message and "701" in refused.value.message


def test_a_removed_company_is_not_mapped_by_a_sat_import(ws: Workspace, tmp_path: Path) -> None:
    workspace.remove_company(ws, RFC)
    space = ws.with_company(None)  # type: ignore[arg-type]
    before = row_counts(space.store.engine)
    with pytest.raises(BatchError) as refused:
        import_m3(space, [_m3(tmp_path)])
    [error] = refused.value.errors
    assert (error.source, error.line, error.field, error.value) == ("m3999002.063", 2, "rfc", RFC)
    assert "was removed" in error.message and "immex company add --rfc" in error.message
    assert row_counts(space.store.engine) == before
    again = workspace.add_company(space, RFC, "Ejemplo Ilustrativo")  # taken back into use
    assert import_m3(space, [_m3(tmp_path)])["pedimentos"] == 1
    assert [b.entity for b in corrections.list_batches(space.with_company(again))] == ["m3"]


def test_cli_lists_sat_loads_refuses_their_void_and_flags_a_stale_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "w.db")
    monkeypatch.setenv("IMMEX_USER", "ana@example.com")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--lang", "en", *args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.stdout

    run("init")
    run("company", "add", "--rfc", RFC, "--name", "X")
    for name, entity, text in (
        ("m.csv", "materials", MATERIALS), ("p.csv", "products", PRODUCTS),
        ("ped.csv", "pedimentos", PEDIMENTOS),
    ):  # fmt: skip
        run("import", entity, str(_write(tmp_path, name, text)))
    run("import", "m3", str(_m3(tmp_path)))
    listed = json.loads(run("import", "list", "--json"))
    assert [(b["source"], b["entity"]) for b in listed][-1] == ("sat", "m3")
    sat_id = listed[-1]["id"]
    assert f"batch S{sat_id}  m3  m3999002.063" in run("import", "list")
    refused = runner.invoke(app, ["--lang", "en", "import", "void", f"S{sat_id}", "--reason",
                                  "x", "--db", db, "--json"])  # fmt: skip
    assert refused.exit_code == 2
    assert "art. 89" in json.loads(refused.stdout)["errors"][0]["message"]
    run("discharge", "run")
    assert "STALE" not in run("discharge", "list")
    assert json.loads(run("discharge", "list", "--json"))[-1]["stale"] == []
    run("import", "void", str(listed[2]["id"]), "--reason", "pedimentos duplicados")
    shown = run("discharge", "list")
    assert "(current)" in shown and "STALE" in shown and "ped.csv voided" in shown
    runs = json.loads(run("discharge", "list", "--json"))
    assert "STALE" in runs[-1]["stale"][0]
    run("discharge", "run")
    runs = json.loads(run("discharge", "list", "--json"))
    assert [r["stale"] for r in runs] == [[], []]
