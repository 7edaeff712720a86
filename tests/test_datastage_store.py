"""Importing Data Stage ZIPs into the store (SQLite and PostgreSQL): idempotence, overlap,
rectifications, pedimento show, round trip, damaged ZIPs never partly written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from immex.cli.main import app
from immex.datastage.exporter import format_table
from immex.datastage.generator import generate_datastage
from immex.datastage.reader import read_all
from immex.domain.errors import BatchError, InvalidInput
from immex.services.sat.datastage_export import export_tables
from immex.services.sat.datastage_import import import_datastage
from immex.services.sat.pedimento_show import pedimento_show
from immex.services.workspace import companies as workspace
from immex.store.tables import sat
from tests.support_datastage import SAMPLE, members, rewrite, row_counts, write_zip

needs_sample = pytest.mark.skipif(not SAMPLE.exists(), reason="../shared not present")


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_datastage(tmp_path_factory.mktemp("gen"), seed=21, lines=300).path


@needs_sample
def test_sample_import_is_idempotent(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    first = import_datastage(ws, [SAMPLE])
    assert {k: first[k] for k in ("pedimentos", "partidas", "descargos", "rectificaciones")} == {
        "pedimentos": 3,
        "partidas": 3,
        "descargos": 1,
        "rectificaciones": 1,
    }
    assert first["duplicates"] == 0 and first["companies_registered"] == ["XAXX010101000"]
    before = row_counts(engine)
    again = import_datastage(ws, [SAMPLE])
    assert again["pedimentos"] == again["partidas"] == again["descargos"] == 0
    assert again["duplicates"] == 3
    assert row_counts(engine) == before  # nothing written twice, not even a batch
    engine.dispose()


@needs_sample
def test_pedimento_show(workspace_url: str) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    import_datastage(ws, [SAMPLE])
    shown = pedimento_show(ws, "25 24 3999 5000101")
    assert shown["header"]["clave_documento"] == "IN" and len(shown["partidas"]) == 2
    assert shown["partidas"][0]["nico"] == "99" and shown["partidas"][0]["contribuciones"]
    assert [c["clave_contribucion"] for c in shown["contribuciones"]] == [1, 15, 23]
    assert shown["descargado_por"][0]["discharging_number"] == "252439995000250"
    rect = pedimento_show(ws, "5000300")
    assert [c["number"] for c in rect["chain"]] == ["252439995000280", "252439995000300"]
    assert rect["chain"][0].get("not_stored") is True
    with pytest.raises(InvalidInput):
        pedimento_show(ws, "12")
    engine.dispose()


def test_round_trip_and_rectifications(workspace_url: str, gen: Path) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    summary = import_datastage(ws, [gen])
    tables, errors, _ = read_all(gen)
    assert not errors
    with engine.connect() as conn:
        stored = export_tables(ws)
        superseded = conn.execute(
            select(sat.sat_pedimentos.c.id).where(
                sat.sat_pedimentos.c.superseded_by_id.is_not(None)
            )
        ).all()
    for code, records in tables.items():
        assert Counter(stored[code]) == Counter(records), code
    assert summary["rectificaciones"] == len(tables["701"]) > 0
    assert len(superseded) == summary["rectifications_linked"] == len(tables["701"])
    engine.dispose()


def test_overlapping_extractions(workspace_url: str, gen: Path, tmp_path: Path) -> None:
    """B holds half of A's pedimentos: B then A writes each pedimento once."""
    tables, _, _ = read_all(gen)
    keep = {(p.patente, p.pedimento, p.aduana) for p in tables["501"][::2]}
    part = {
        code: [r for r in recs if code == "Resumen" or (r[0], r[1], r[2]) in keep]
        if not hasattr(recs[0] if recs else None, "patente")
        else [r for r in recs if (r.patente, r.pedimento, r.aduana) in keep]
        for code, recs in tables.items()
    }
    b = write_zip(
        tmp_path / "8880001_solicitudes.zip",
        {f"8880001_{c}.asc": format_table(c, r) for c, r in part.items()},
    )
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    sb = import_datastage(ws, [b])
    sa = import_datastage(ws, [gen])
    assert sb["pedimentos"] == len(keep)
    assert sa["pedimentos"] == len(tables["501"]) - len(keep) and sa["duplicates"] == len(keep)
    assert sb["partidas"] + sa["partidas"] == len(tables["551"])
    assert Counter(export_tables(ws)["551"]) == Counter(tables["551"])
    engine.dispose()


def test_damaged_zip_writes_nothing(workspace_url: str, gen: Path, tmp_path: Path) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    before = row_counts(engine)
    # a bad date deep inside 551: the 501 rows before it were fine, still nothing is kept
    bad = rewrite(
        gen,
        tmp_path / "9990021_solicitudes.zip",
        "551",
        lambda b: b[: len(b) // 2] + b[len(b) // 2 :].replace(b"-0", b"-9", 1),
    )
    with pytest.raises(BatchError) as exc:
        import_datastage(ws, [SAMPLE if SAMPLE.exists() else gen, bad])
    assert any(e.source.endswith("_551.asc") and e.line for e in exc.value.errors)
    assert row_counts(engine) == before
    engine.dispose()


def test_company_option(workspace_url: str, gen: Path) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    workspace.add_company(ws, "EKU9003173C9", "Otra SA")
    with pytest.raises(BatchError, match="error"):
        import_datastage(ws.with_company(workspace.resolve_company(ws, "EKU9003173C9")), [gen])
    engine.dispose()


@needs_sample
def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    ok = runner.invoke(app, ["import", "datastage", str(SAMPLE), "--db", db, "--json"])
    assert ok.exit_code == 0, ok.output
    assert '"pedimentos": 3' in ok.output
    shown = runner.invoke(app, ["pedimento", "show", "252439995000101", "--db", db, "--json"])
    assert shown.exit_code == 0 and '"clave_documento": "IN"' in shown.output
    bad = rewrite(
        SAMPLE,
        tmp_path / "9990001_solicitudes.zip",
        "506",
        lambda b: b.replace(b"2025-03-03|", b"2025-02-30|", 1),
    )
    res = runner.invoke(app, ["import", "datastage", str(bad), "--db", db])
    assert res.exit_code == 2
    assert "9990001_506.asc:2: FechaOperacion: not a valid date" in res.output
    files = members(SAMPLE)
    assert len(files) == 26
