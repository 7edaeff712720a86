"""Corrections with history, append-only: batches, voids, rectified pedimentos, earlier
versions of parts, the stale journal (SQLite and PostgreSQL).

The story test works a small plant the way a person would by hand: one material (RES-10K),
one product (HARN-1) that takes 2 of it, two pedimentos and two shipment files."""

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
from immex.services.discharge import balances, journal
from immex.services.discharge.runs import run_discharge
from immex.services.duties.f4_plan import plan_f4
from immex.services.ledger import corrections
from immex.services.ledger.importer import import_file
from immex.services.month_end.dashboard import dashboard
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from immex.store.tables import ledger as t

MATERIALS = """part_number,description,kind,fraccion,umc
RES-10K,Resistor 10k,input,8533.21.01,Pza
"""
PRODUCTS = """part_number,description,fraccion,umc
HARN-1,Harness,8544.30.01,Pza
"""
BOM = """product,component,qty_per_unit
HARN-1,RES-10K,2
"""
PEDIMENTOS = """pedimento,clave,date,part_number,quantity,value_usd,origin
25 47 3012 5000001,IN,2025-01-10,RES-10K,1000,100.00,CHN
25 47 3012 5000002,IN,2025-02-10,RES-10K,500,50.00,CHN
"""
#: the rectification (R1) of the first pedimento: 800 pieces were declared, not 1000
RECTIFIED = """pedimento,clave,date,part_number,quantity,value_usd,origin
25 47 3012 5000001,IN,2025-01-10,RES-10K,800,80.00,CHN
"""
SHIPMENTS_1 = """document,kind,date,product,quantity,destination,value_usd
EXP-1,export,2025-03-01,HARN-1,100,USA,1000
"""
SHIPMENTS_2 = """document,kind,date,product,quantity,destination,value_usd
EXP-2,export,2025-03-05,HARN-1,50,USA,500
"""
P1, P2 = "254730125000001", "254730125000002"
AS_OF = "2025-06-30"


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _load(ws: Workspace, tmp: Path) -> dict[str, int]:
    ids = {}
    for name, entity, text in (
        ("materials.csv", "materials", MATERIALS), ("products.csv", "products", PRODUCTS),
        ("bom.csv", "bom", BOM), ("pedimentos.csv", "pedimentos", PEDIMENTOS),
        ("ship1.csv", "shipments", SHIPMENTS_1), ("ship2.csv", "shipments", SHIPMENTS_2),
    ):  # fmt: skip
        result = import_file(ws, entity, _write(tmp, name, text))
        assert result.batch_id is not None
        ids[name] = result.batch_id
    return ids


def _open(ws: Workspace) -> tuple[dict[str, tuple[Decimal, Decimal]], list[str]]:
    """pedimento → (open quantity, open value USD) on AS_OF, and the notes."""
    rows, notes = balances.balance(ws, date.fromisoformat(AS_OF))
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for b in rows:
        q, v = out.get(b.pedimento, (Decimal(0), Decimal(0)))
        out[b.pedimento] = (q + b.open_quantity, v + b.open_value_usd)
    return out, notes


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    space = workspace.create_workspace(workspace_url, actor="ana@example.com")
    company = workspace.add_company(space, "EKU9003173C9", "Ejemplo Ilustrativo")
    yield space.with_company(company)
    space.store.dispose()


def test_the_correction_story_end_to_end(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    first = run_discharge(ws)
    # by hand: 150 harnesses × 2 = 300 resistors, all from the older pedimento (FIFO)
    opened, notes = _open(ws)
    assert opened[P1] == (Decimal(700), Decimal("70.0000"))
    assert opened[P2] == (Decimal(500), Decimal("50.0000"))
    assert not any("STALE" in n for n in notes)

    # a plain re-import of a corrected pedimento is refused, and says how to rectify
    with pytest.raises(BatchError) as refused:
        import_file(ws, "pedimentos", _write(tmp_path, "r1.csv", RECTIFIED))
    assert "--rectify" in refused.value.errors[0].message

    # the rectification R1: 800 pieces for 80 USD
    ws_bob = ws.with_actor("bob@example.com")
    r1 = import_file(ws_bob, "pedimentos", tmp_path / "r1.csv", rectify="R1 firmada el 2025-02-01")
    assert (r1.inserted, r1.updated, r1.unchanged) == (0, 1, 0)  # a new version, no new lot
    opened, notes = _open(ws)
    assert any("STALE" in n and "rectified" in n for n in notes)  # the old journal, said so
    # the old journal drew from the withdrawn lines: the new ones are whole until a new run
    assert opened[P1] == (Decimal(800), Decimal("80.0000"))

    # void the second shipments file
    void = corrections.void_batch(ws, ids["ship2.csv"], "factura cancelada")
    assert void.withdrawn == 1 and void.stale_run == first.run_id
    listed = {b.id: b for b in corrections.list_batches(ws)}
    assert listed[ids["ship2.csv"]].status == "void"
    assert listed[ids["ship2.csv"]].reason == "factura cancelada"
    assert listed[ids["ship2.csv"]].voided_by == "ana@example.com"
    assert listed[ids["ship2.csv"]].current_rows == 0
    assert listed[ids["pedimentos.csv"]].current_rows == 1  # P2 only: P1 was rectified
    assert listed[r1.batch_id].status == "rectifies"  # type: ignore[index]
    assert corrections.is_stale(ws)
    plan = plan_f4(ws, "2025-03")  # the F4 plan says so too
    assert any("STALE" in w and "voided" in w and "rectified" in w for w in plan.warnings)
    board = dashboard(ws, date(2025, 4, 1), (2025, 3))  # and the dashboard's data
    assert board.ledger_changed and "STALE" in board.stale_journal[0]

    # a new run supersedes the stale one: 100 harnesses × 2 = 200 from the rectified P1
    second = run_discharge(ws)
    assert second.supersedes == first.run_id and second.shipments == 1
    assert not corrections.is_stale(ws)
    opened, notes = _open(ws)
    assert not any("STALE" in n for n in notes)
    assert not any("STALE" in w for w in plan_f4(ws, "2025-03").warnings)
    assert dashboard(ws, date(2025, 4, 1), (2025, 3)).stale_journal == ()
    assert opened[P1] == (Decimal(600), Decimal("60.0000"))  # 800 − 200, 80 × 600/800
    assert opened[P2] == (Decimal(500), Decimal("50.0000"))

    # the history keeps every version of P1, and who withdrew the first, when and why
    history = corrections.pedimento_history(ws, "25 47 3012 5000001")
    assert [v.current for v in history] == [False, True]
    assert history[0].lines[0].quantity == Decimal(1000)
    assert history[0].withdrawn_by == "rectify"
    assert history[0].reason == "R1 firmada el 2025-02-01"
    assert history[0].withdrawn_actor == "bob@example.com"
    assert history[1].lines[0].quantity == Decimal(800) and history[1].actor == "bob@example.com"
    # the first run's journal is still there and readable (nothing deleted)
    old = journal.show_run(ws, first.run_id, None)  # type: ignore[arg-type]
    assert len(old["allocations"]) == 2
    engine = ws.store.engine
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.lots)).scalar() == 3
        assert conn.execute(select(func.count()).select_from(t.shipments)).scalar() == 2
        actions = [a for (a,) in conn.execute(select(t.corrections.c.kind))]
    assert actions == ["rectify", "void"]

    # the BOM was wrong too: the engineering change says 3 per harness (a rectification of
    # master data), and the second shipments file was voided by mistake: imported again
    bom = import_file(
        ws_bob, "bom", _write(tmp_path, "bom-r.csv", BOM.replace(",2\n", ",3\n")),
        rectify="ECN-7: 3 resistencias por arnés",
    )  # fmt: skip
    assert bom.updated == 1 and corrections.is_stale(ws)
    back = import_file(ws, "shipments", tmp_path / "ship2.csv")
    assert back.inserted == 1 and any("voided" in n for n in back.notes)
    third = run_discharge(ws)
    assert third.supersedes == second.run_id and third.shipments == 2
    assert not corrections.is_stale(ws)
    # by hand: (100 + 50) harnesses × 3 = 450 resistors, all from the rectified P1 (800):
    # 350 left, worth 80 × 350/800 = 35 USD; P2 untouched
    opened, _ = _open(ws)
    assert opened[P1] == (Decimal(350), Decimal("35.0000"))
    assert opened[P2] == (Decimal(500), Decimal("50.0000"))
    harness = corrections.part_versions(ws, "HARN-1").bom
    assert [(x.qty_per_unit, x.current, x.reason) for x in harness] == [
        (Decimal(2), False, "ECN-7: 3 resistencias por arnés"), (Decimal(3), True, None)
    ]  # fmt: skip
    batches = [(b.file_name, b.status) for b in corrections.list_batches(ws)]
    assert batches[-3:] == [("r1.csv", "rectifies"), ("bom-r.csv", "rectifies"),
                            ("ship2.csv", "current")]  # fmt: skip
    assert ("ship2.csv", "void") in batches  # the voided batch stays beside the new one


def test_void_and_rectify_refusals(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    with pytest.raises(InvalidInput, match="--reason"):
        corrections.void_batch(ws, ids["ship1.csv"], "  ")
    with pytest.raises(NotFound, match="no import batch 999"):
        corrections.void_batch(ws, 999, "x")
    corrections.void_batch(ws, ids["ship1.csv"], "duplicada")
    with pytest.raises(InvalidInput, match="already voided"):
        corrections.void_batch(ws, ids["ship1.csv"], "otra vez")
    # a rectification names pedimentos already stored, and needs a reason
    new_one = _write(tmp_path, "new.csv", RECTIFIED.replace("5000001", "5000009"))
    with pytest.raises(BatchError) as unknown:
        import_file(ws, "pedimentos", new_one, rectify="R1")
    assert "not stored" in unknown.value.errors[0].message
    with pytest.raises(InvalidInput, match="--reason"):
        import_file(ws, "pedimentos", _write(tmp_path, "r1.csv", RECTIFIED), rectify=" ")
    with pytest.raises(InvalidInput, match="pedimentos"):
        import_file(ws, "shipments", tmp_path / "ship2.csv", rectify="x")
    # rectifying with identical lines writes nothing
    head, *lines = PEDIMENTOS.splitlines()
    same = _write(tmp_path, "same.csv", "\n".join([head, *reversed(lines)]) + "\n")
    unchanged = import_file(ws, "pedimentos", same, rectify="igual")
    assert unchanged.batch_id is None and unchanged.unchanged == 2
    # a rectification batch is not voided: it is corrected by another rectification
    r1 = import_file(ws, "pedimentos", tmp_path / "r1.csv", rectify="R1")
    with pytest.raises(InvalidInput, match="--rectify"):
        corrections.void_batch(ws, r1.batch_id, "x")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="never imported"):
        corrections.pedimento_history(ws, "25 47 3012 5000009")


def test_a_batch_of_another_company_is_not_found(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    other = workspace.add_company(ws, "AAA010101AA1", "Otra")
    with pytest.raises(NotFound):
        corrections.void_batch(ws.with_company(other), ids["ship1.csv"], "x")
    assert corrections.list_batches(ws.with_company(other)) == []


def test_a_voided_bom_leaves_shipments_unexploded(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    corrections.void_batch(ws, ids["bom.csv"], "BOM equivocado")
    run = run_discharge(ws)
    assert run.unexploded_shipments == 2 and run.allocations == 0
    # the corrected BOM (3 per unit) in a new file: 150 × 3 = 450 from P1
    import_file(ws, "bom", _write(tmp_path, "bom2.csv", BOM.replace(",2\n", ",3\n")))
    run_discharge(ws)
    opened, _ = _open(ws)
    assert opened[P1][0] == Decimal(550)


def test_master_data_corrections_keep_every_version(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    changed = _write(tmp_path, "m2.csv", MATERIALS.replace("Resistor 10k", "Resistencia 10k"))
    m2 = import_file(ws, "materials", changed)
    assert m2.updated == 1
    history = corrections.part_history(ws, "RES-10K")
    assert [v.values["description"] for v in history] == ["Resistor 10k"]
    assert history[0].batch_id == ids["materials.csv"] and history[0].replaced_by == m2.batch_id
    # voiding the change brings the earlier version back, and keeps the voided one
    corrections.void_batch(ws, m2.batch_id, "descripción equivocada")  # type: ignore[arg-type]
    with ws.read() as repos:
        stored = repos.ledger.stored_parts(corrections.MasterData.MATERIALS, ws.the_company.id)
    assert stored["RES-10K"].values["description"] == "Resistor 10k"
    assert stored["RES-10K"].batch_id == ids["materials.csv"]
    history = corrections.part_history(ws, "RES-10K")
    assert [v.values["description"] for v in history] == ["Resistor 10k", "Resistencia 10k"]
    assert history[1].correction_id is not None
    # the first materials file introduced RES-10K, which lots and the BOM use: refused
    with pytest.raises(InvalidInput, match="RES-10K"):
        corrections.void_batch(ws, ids["materials.csv"], "x")
    # a part introduced by a batch and used nowhere is withdrawn by its void, and can come back
    extra = _write(tmp_path, "m3.csv", MATERIALS.replace("RES-10K", "CAP-1"))
    m3 = import_file(ws, "materials", extra)
    void = corrections.void_batch(ws, m3.batch_id, "no existe")  # type: ignore[arg-type]
    assert (void.withdrawn, void.restored) == (1, 0)
    with ws.read() as repos:
        assert "CAP-1" not in repos.ledger.part_numbers(
            corrections.MasterData.MATERIALS, ws.the_company.id
        )
    again = import_file(ws, "materials", _write(tmp_path, "m4.csv", MATERIALS.replace(
        "RES-10K,Resistor 10k", "CAP-1,Capacitor")))  # fmt: skip
    assert again.updated == 1
    with ws.read() as repos:
        assert "CAP-1" in repos.ledger.part_numbers(
            corrections.MasterData.MATERIALS, ws.the_company.id
        )


def test_cli_list_void_rectify_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "w.db")
    monkeypatch.setenv("IMMEX_USER", "ana@example.com")
    runner = CliRunner()

    def run(*args: str) -> object:
        result = runner.invoke(app, ["--lang", "en", *args, "--db", db])
        assert result.exit_code == 0, result.output
        return result

    run("init")
    run("company", "add", "--rfc", "EKU9003173C9", "--name", "X")
    for name, entity, text in (
        ("m.csv", "materials", MATERIALS), ("p.csv", "products", PRODUCTS), ("b.csv", "bom", BOM),
        ("ped.csv", "pedimentos", PEDIMENTOS), ("s1.csv", "shipments", SHIPMENTS_1),
    ):  # fmt: skip
        run("import", entity, str(_write(tmp_path, name, text)))
    run("discharge", "run")
    listed = json.loads(run("import", "list", "--json").stdout)  # type: ignore[attr-defined]
    assert [b["entity"] for b in listed] == ["materials", "products", "bom", "pedimentos",
                                            "shipments"]  # fmt: skip
    assert listed[0]["actor"] == "ana@example.com" and len(listed[0]["sha256"]) == 64
    ship = listed[-1]["id"]
    refused = runner.invoke(app, ["import", "void", str(ship), "--db", db, "--json"])
    assert json.loads(refused.stdout)["errors"][0]["column"] == "reason"
    assert refused.exit_code == 2 and "--reason" in refused.stdout
    voided = run("import", "void", str(ship), "--reason", "duplicada")
    assert "voided" in voided.output and "discharge run" in voided.output  # type: ignore[attr-defined]
    balance = run("balance", "--as-of", AS_OF)
    assert "STALE" in balance.output  # type: ignore[attr-defined]
    rectified = run(
        "import", "pedimentos", str(_write(tmp_path, "r1.csv", RECTIFIED)), "--rectify",
        "--reason", "R1",
    )  # fmt: skip
    assert "1 updated" in rectified.output  # type: ignore[attr-defined]
    history = json.loads(
        run("pedimento", "history", "25-47-3012-5000001", "--json").stdout  # type: ignore[attr-defined]
    )
    assert [v["current"] for v in history] == [False, True]
    assert history[0]["reason"] == "R1" and history[1]["lines"][0]["quantity"] == "800.000000"
    text = run("pedimento", "history", "254730125000001")
    assert "withdrawn" in text.output  # type: ignore[attr-defined]
    listing = run("import", "list")
    assert "void" in listing.output and "duplicada" in listing.output  # type: ignore[attr-defined]


def test_a_voided_file_can_be_imported_again_and_the_void_stays(
    ws: Workspace, tmp_path: Path
) -> None:
    ids = _load(ws, tmp_path)
    first = ids["pedimentos.csv"]
    corrections.void_batch(ws, first, "importado en la empresa equivocada")
    # the same file (same SHA-256) again: a new batch, and a note naming the voided one
    again = import_file(ws, "pedimentos", tmp_path / "pedimentos.csv")
    assert again.inserted == 2 and again.batch_id not in (None, first)
    [note] = [n for n in again.notes if "voided" in n]
    assert f"batch {first}" in note and "importado en la empresa equivocada" in note
    assert "ana@example.com" in note and "stays in the history" in note
    listed = [b for b in corrections.list_batches(ws) if b.file_name == "pedimentos.csv"]
    assert [(b.id, b.status, b.current_rows) for b in listed] == [
        (first, "void", 0), (again.batch_id, "current", 2)
    ]  # fmt: skip
    assert listed[0].sha256 == listed[1].sha256
    # a current file is still not imported twice
    twice = import_file(ws, "pedimentos", tmp_path / "pedimentos.csv")
    assert twice.already_imported and twice.batch_id == again.batch_id and twice.inserted == 0
    # voided and imported a third time: each void stays, each batch keeps its rows
    corrections.void_batch(ws, again.batch_id, "otra vez")  # type: ignore[arg-type]
    third = import_file(ws, "pedimentos", tmp_path / "pedimentos.csv")
    assert third.inserted == 2 and f"batch {again.batch_id}" in third.notes[0]
    history = corrections.pedimento_history(ws, P1)
    assert [(v.batch_id, v.current, v.withdrawn_by, v.reason) for v in history] == [
        (first, False, "void", "importado en la empresa equivocada"),
        (again.batch_id, False, "void", "otra vez"),
        (third.batch_id, True, None, None),
    ]
    with ws.store.engine.connect() as conn:
        attempts = [
            a for (a,) in conn.execute(
                select(t.import_batches.c.attempt)
                .where(t.import_batches.c.file_name == "pedimentos.csv")
                .order_by(t.import_batches.c.id)
            )
        ]  # fmt: skip
    assert attempts == [0, 1, 2]
    # the corrected file of a voided batch is imported as usual
    corrections.void_batch(ws, third.batch_id, "cantidades equivocadas")  # type: ignore[arg-type]
    fixed = _write(tmp_path, "fixed.csv", PEDIMENTOS.replace(",1000,100.00,", ",900,90.00,"))
    result = import_file(ws, "pedimentos", fixed)
    assert result.inserted == 2 and not any("voided" in n for n in result.notes)
    assert [v.lines[0].quantity for v in corrections.pedimento_history(ws, P1)] == [
        Decimal(1000), Decimal(1000), Decimal(1000), Decimal(900)
    ]  # fmt: skip


def test_a_dry_run_rectification_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    _load(ws, tmp_path)
    run_discharge(ws)
    r1 = _write(tmp_path, "r1.csv", RECTIFIED)
    dry = import_file(ws, "pedimentos", r1, rectify="R1", dry_run=True)
    assert dry.dry_run and dry.updated == 1 and dry.batch_id is None
    assert not corrections.is_stale(ws)
    assert len(corrections.pedimento_history(ws, P1)) == 1
    real = import_file(ws, "pedimentos", r1, rectify="R1")  # the same file, for real
    assert real.batch_id is not None and corrections.is_stale(ws)


def test_a_corrected_company_is_removed_with_its_history(ws: Workspace, tmp_path: Path) -> None:
    ids = _load(ws, tmp_path)
    run_discharge(ws)
    import_file(ws, "pedimentos", _write(tmp_path, "r1.csv", RECTIFIED), rectify="R1")
    corrections.void_batch(ws, ids["ship2.csv"], "x")
    changed = _write(tmp_path, "m2.csv", MATERIALS.replace("Resistor 10k", "Resistencia"))
    import_file(ws, "materials", changed)
    removal = workspace.remove_company(ws, ws.the_company.rfc, with_data=True)
    assert removal.deleted["ledger_corrections"] == 2
    assert removal.deleted["ledger_part_versions"] == 1
    with ws.store.engine.connect() as conn:
        for table in (t.lots, t.corrections, t.part_versions, t.import_batches):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0
