"""Master data corrected the way pedimentos are, with history (SQLite and PostgreSQL):
``immex import materials|products|bom FILE --rectify --reason TEXT`` records new versions of
what is stored, every earlier one kept; ``immex part history PART`` shows them all.

The plant is the one of test_corrections: RES-10K (a material), HARN-1 (a product taking 2
of it), pedimentos of 1000 and 500 pieces, shipments of 100 and 50 harnesses."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError, InvalidInput, NotFound
from immex.services.discharge.runs import run_discharge
from immex.services.ledger import corrections
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from immex.store.tables import ledger as t
from tests.test_corrections import BOM, MATERIALS, P1, P2, PEDIMENTOS, PRODUCTS, _load, _open
from tests.test_corrections import _write as write


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    space = workspace.create_workspace(workspace_url, actor="ana@example.com")
    company = workspace.add_company(space, "EKU9003173C9", "Ejemplo Ilustrativo")
    yield space.with_company(company)
    space.store.dispose()


def _count(ws: Workspace, table: object) -> int:
    with ws.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_material_is_rectified_with_its_reason_and_every_version_kept(
    ws: Workspace, tmp_path: Path
) -> None:
    ids = _load(ws, tmp_path)
    first = run_discharge(ws)
    bob = ws.with_actor("bob@example.com")
    fixed = write(tmp_path, "m-r.csv", MATERIALS.replace("8533.21.01", "8544.42.99"))
    r = import_file(bob, "materials", fixed, rectify="la fracción correcta es 8544.42.99")
    assert (r.inserted, r.updated, r.unchanged) == (0, 1, 0) and r.batch_id is not None
    assert any("RES-10K" in n and "part history" in n for n in r.notes)
    assert any(str(first.run_id) in n and "stale" in n for n in r.notes)
    assert corrections.is_stale(ws)
    _, notes = _open(ws)
    assert any(
        "STALE" in n and "materials RES-10K rectified by bob@example.com" in n for n in notes
    )
    with ws.read() as repos:
        stored = repos.ledger.stored_parts(corrections.MasterData.MATERIALS, ws.the_company.id)
    assert stored["RES-10K"].values["fraccion"] == "8544.42.99"
    history = corrections.part_versions(ws, "RES-10K")
    assert [(v.version, v.values["fraccion"], v.current) for v in history.versions] == [
        (1, "8533.21.01", False), (2, "8544.42.99", True)
    ]  # fmt: skip
    old, new = history.versions
    assert (old.batch_id, old.file_name, old.imported_by) == (
        ids["materials.csv"], "materials.csv", "ana@example.com"
    )  # fmt: skip
    assert (old.ended_by, old.ended_batch, old.ended_actor) == ("rectify", r.batch_id,
                                                                "bob@example.com")  # fmt: skip
    assert old.reason == "la fracción correcta es 8544.42.99"
    assert (new.batch_id, new.file_name, new.imported_by) == (r.batch_id, "m-r.csv",
                                                              "bob@example.com")  # fmt: skip
    # the BOM line naming the material is part of its history too
    assert [(x.product, x.component, x.current) for x in history.bom] == [
        ("HARN-1", "RES-10K", True)
    ]
    listed = {b.id: b for b in corrections.list_batches(ws)}
    assert listed[r.batch_id].status == "rectifies"
    # a rectification is corrected by another one, not voided
    with pytest.raises(InvalidInput, match="import materials FILE --rectify"):
        corrections.void_batch(ws, r.batch_id, "x")
    # the same rectification again changes nothing and writes nothing
    crlf = MATERIALS.replace("8533.21.01", "8544.42.99").replace("\n", "\r\n")
    again = write(tmp_path, "m-r2.csv", crlf)
    same = import_file(ws, "materials", again, rectify="otra vez")
    assert same.batch_id is None and same.unchanged == 1
    assert _count(ws, t.part_versions) == 1
    kinds = [k for (k,) in ws.store.engine.connect().execute(select(t.corrections.c.kind))]
    assert kinds == ["rectify"]


def test_a_rectification_only_corrects_parts_already_stored(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    new_part = MATERIALS + "CAP-1,Capacitor,input,8533.21.01,Pza\n"
    with pytest.raises(BatchError) as refused:
        import_file(ws, "materials", write(tmp_path, "m-new.csv", new_part), rectify="alta")
    [error] = refused.value.errors
    assert (error.line, error.field, error.value) == (3, "part_number", "CAP-1")
    assert "nothing to rectify" in error.message and "without --rectify" in error.message
    # a withdrawn part is not stored either: it comes back with a plain import
    cap = import_file(ws, "materials", write(tmp_path, "cap.csv", MATERIALS.replace(
        "RES-10K,Resistor 10k", "CAP-1,Capacitor")))  # fmt: skip
    corrections.void_batch(ws, cap.batch_id, "no existe")  # type: ignore[arg-type]
    with pytest.raises(BatchError) as withdrawn:
        import_file(ws, "materials", write(tmp_path, "cap2.csv", MATERIALS.replace(
            "RES-10K,Resistor 10k", "CAP-1,Capacitor 1uF")), rectify="x")  # fmt: skip
    assert "nothing to rectify" in withdrawn.value.errors[0].message
    with pytest.raises(InvalidInput, match="--reason"):
        import_file(ws, "products", tmp_path / "products.csv", rectify="  ")
    with pytest.raises(InvalidInput, match="shipments"):
        import_file(ws, "shipments", tmp_path / "ship1.csv", rectify="x")
    # a product is rectified the same way; nothing else changed
    fixed = write(tmp_path, "p-r.csv", PRODUCTS.replace("Harness", "Arnés"))
    dry = import_file(ws, "products", fixed, rectify="descripción", dry_run=True)
    assert dry.dry_run and dry.updated == 1
    assert corrections.part_versions(ws, "HARN-1").versions[-1].values["description"] == "Harness"
    r = import_file(ws, "products", fixed, rectify="descripción")
    versions = corrections.part_versions(ws, "HARN-1").versions
    assert [(v.master, v.values["description"], v.current) for v in versions] == [
        ("products", "Harness", False), ("products", "Arnés", True)
    ]  # fmt: skip
    assert versions[0].batch_id == ids["products.csv"] and versions[0].ended_batch == r.batch_id
    with pytest.raises(NotFound, match="never imported"):
        corrections.part_versions(ws, "NOPE-1")


def test_a_bom_is_rectified_per_product_and_the_discharge_follows(
    ws: Workspace, tmp_path: Path
) -> None:
    ids = _load(ws, tmp_path)
    run_discharge(ws)
    opened, _ = _open(ws)
    assert opened[P1][0] == Decimal(700)  # 150 harnesses × 2 from the older pedimento
    # the engineering change: 3 per unit, and a new capacitor (the material is imported first)
    import_file(ws, "materials", write(tmp_path, "cap.csv", MATERIALS.replace(
        "RES-10K,Resistor 10k", "CAP-1,Capacitor")))  # fmt: skip
    fixed = BOM.replace(",2\n", ",3\n") + "HARN-1,CAP-1,1\n"
    r = import_file(ws, "bom", write(tmp_path, "bom-r.csv", fixed), rectify="ECN-7: 3 por pieza")
    assert (r.inserted, r.updated, r.unchanged) == (0, 2, 0)
    assert any("1 earlier line withdrawn" in n for n in r.notes)
    assert corrections.is_stale(ws)
    run_discharge(ws)
    opened, _ = _open(ws)
    # by hand: 150 × 3 = 450 resistors from P1 (1000 − 450); P2 untouched; the capacitor
    # has no pedimento, so its 150 are a shortfall, not a lot
    assert opened[P1] == (Decimal(550), Decimal("55.0000"))
    assert opened[P2] == (Decimal(500), Decimal("50.0000"))
    history = corrections.part_versions(ws, "HARN-1")
    rows = [(x.component, x.qty_per_unit, x.current, x.withdrawn_by, x.reason) for x in history.bom]
    assert rows == [
        ("CAP-1", Decimal(1), True, None, None),
        ("RES-10K", Decimal(2), False, "rectify", "ECN-7: 3 por pieza"),
        ("RES-10K", Decimal(3), True, None, None),
    ]
    assert history.bom[1].batch_id == ids["bom.csv"] and history.bom[2].batch_id == r.batch_id
    assert _count(ws, t.bom) == 3  # nothing deleted


def test_a_bom_rectification_leaves_other_periods_alone(ws: Workspace, tmp_path: Path) -> None:
    for name, entity, text in (
        ("m.csv", "materials", MATERIALS), ("p.csv", "products", PRODUCTS),
        ("b.csv", "bom", "product,component,qty_per_unit,valid_from,valid_to\n"
         "HARN-1,RES-10K,2,,2025-02-28\nHARN-1,RES-10K,3,2025-03-01,\n"),
        ("ped.csv", "pedimentos", PEDIMENTOS),
    ):  # fmt: skip
        import_file(ws, entity, write(tmp_path, name, text))
    head = "product,component,qty_per_unit,valid_from,valid_to\n"
    r = import_file(
        ws, "bom", write(tmp_path, "r.csv", head + "HARN-1,RES-10K,4,2025-03-01,\n"),
        rectify="la versión de marzo lleva 4",
    )  # fmt: skip
    assert r.updated == 1
    current = [(x.qty_per_unit, x.valid_from) for x in corrections.part_versions(
        ws, "HARN-1").bom if x.current]  # fmt: skip
    assert current == [(Decimal(2), None), (Decimal(4), date(2025, 3, 1))]
    # a product without any stored line has nothing to rectify
    import_file(ws, "products", write(tmp_path, "p2.csv", PRODUCTS.replace("HARN-1", "HARN-2")))
    with pytest.raises(BatchError) as unknown:
        import_file(ws, "bom", write(tmp_path, "r3.csv", head + "HARN-2,RES-10K,1,,\n"),
                    rectify="x")  # fmt: skip
    [error] = unknown.value.errors
    assert error.line == 2 and "HARN-2 has no stored BOM line" in error.message
    # identical lines: nothing written
    same = import_file(
        ws, "bom", write(tmp_path, "r4.csv", head + "HARN-1,RES-10K,4.0,2025-03-01,\n"),
        rectify="igual",
    )  # fmt: skip
    assert same.batch_id is None and same.unchanged == 1


def test_cli_rectifies_master_data_and_shows_part_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "w.db")
    monkeypatch.setenv("IMMEX_USER", "ana@example.com")
    runner = CliRunner()

    def run(*args: str, lang: str = "en") -> str:
        result = runner.invoke(app, ["--lang", lang, *args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.stdout

    run("init")
    run("company", "add", "--rfc", "EKU9003173C9", "--name", "X")
    for name, entity, text in (
        ("m.csv", "materials", MATERIALS), ("p.csv", "products", PRODUCTS), ("b.csv", "bom", BOM),
    ):  # fmt: skip
        run("import", entity, str(write(tmp_path, name, text)))
    fixed = write(tmp_path, "m-r.csv", MATERIALS.replace("Resistor 10k", "Resistencia 10k"))
    out = run("import", "materials", str(fixed), "--rectify", "--reason", "nombre en español")
    assert "1 updated" in out and "part history" in out
    refused = runner.invoke(app, ["import", "bom", str(tmp_path / "b.csv"), "--reason", "x",
                                  "--db", db])  # fmt: skip
    assert refused.exit_code == 2
    history = json.loads(run("part", "history", "RES-10K", "--json"))
    assert [v["current"] for v in history["versions"]] == [False, True]
    assert history["versions"][0]["reason"] == "nombre en español"
    assert history["versions"][0]["ended_by"] == "rectify"
    assert history["bom"][0]["product"] == "HARN-1"
    text = run("part", "history", "RES-10K")
    assert "version 1 (materials): batch 1 m.csv" in text
    assert "rectified by batch 4" in text and "nombre en español" in text
    assert "HARN-1 → RES-10K: 2 per unit" in text
    spanish = run("part", "history", "RES-10K", lang="es")
    assert (
        "versión 1 (materiales): importación 1 m.csv" in spanish
        and "rectificada por la importación 4" in spanish
    )
    missing = runner.invoke(app, ["part", "history", "NOPE", "--db", db, "--json"])
    assert missing.exit_code != 0 and "NOPE" in missing.stdout
