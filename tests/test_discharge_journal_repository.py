"""The discharge journal's repository and the discharge's ledger reads: one contract that
SQLite and PostgreSQL both pass; the current run is read once per ``ws.read()`` block; the
audit entry of a run names the workspace's actor; a lot of an unknown part is an error
naming it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, select

from immex.domain.discharge import kernel as fe
from immex.domain.errors import NotFound
from immex.services.discharge import balances, caveats, journal, plant, runs
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.store.repositories import journal as journal_store
from immex.store.tables import core
from immex.store.tables import ledger as t

FILES = {
    "materials": """part_number,description,kind,fraccion,umc
MCU,Microcontrolador,input,8542.31.03,Pza
BOX,Caja de cartón,packaging,4819.10.01,Pza
""",
    "products": "part_number,description,fraccion,umc\nP1,No-break,8504.40.16,Pza\n",
    "bom": "product,component,qty_per_unit,scrap_pct\nP1,MCU,1,0\nP1,BOX,1,0\n",
    "pedimentos": """pedimento,clave,date,part_number,quantity,value_usd,origin
25 24 3012 5000001,IN,2025-01-10,MCU,100,1000,CHN
25 24 3012 5000001,IN,2025-01-10,BOX,100,10,CHN
""",
    "shipments": """document,kind,date,product,quantity,destination,value_usd
E1,export,2025-03-10,P1,20,USA,2000
D1,domestic,2025-03-20,P1,10,MEX,1000
""",
}
WHEN = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def ws(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = workspace.create_workspace(workspace_url, actor="ana@example.com")
    company = workspace.add_company(ws, "EKU9003173C9", "Planta")
    ws = ws.with_company(company)
    for name, text in FILES.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(ws, name, path)
    yield ws
    ws.store.dispose()


def _header(ws, **changes):  # type: ignore[no-untyped-def]
    values = {
        "company_id": ws.the_company.id, "created_at": WHEN, "actor": "ana@example.com",
        "through": None, "inputs_hash": "a" * 64, "journal_hash": "b" * 64,
        "parameters": {"through": None}, "summary": {"allocations": 3}, "supersedes": None,
    }  # fmt: skip
    return {**values, **changes}


def _columns(n: int) -> dict[str, np.ndarray]:
    return {
        "ship_id": np.arange(n, dtype=np.int64),
        "ship_date": np.full(n, fe.day(date(2025, 3, 10)), dtype=np.int32),
        "lot_id": np.arange(n, dtype=np.int64) % 2 + 1,
        "qty": np.arange(n, dtype=np.int64) * 10**6,
        "value": np.arange(n, dtype=np.int64) * 7,
        "key": (np.arange(n) % 4).astype(np.int8),
        "directed": np.arange(n) % 3 == 0,
    }


def test_runs_are_appended_and_the_latest_is_current(ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cid = ws.the_company.id
    with ws.read() as repos:
        assert repos.journal.current_run(cid) is None and repos.journal.runs(cid) == []
    monkeypatch.setattr(journal_store, "CHUNK_ROWS", 4)  # 10 rows → 3 chunks
    cols = _columns(10)
    with ws.write() as uow:
        first = uow.repos.journal.add_run(**_header(ws))
        assert uow.repos.journal.add_allocations(first, cols) == 3
        second = uow.repos.journal.add_run(
            **_header(ws, supersedes=first, through=date(2025, 3, 15))
        )
        assert uow.repos.journal.current_run(cid).id == second  # type: ignore[union-attr]
    with ws.read() as repos:
        run = repos.journal.current_run(cid)
        assert run is not None and run.id == second and run.supersedes == first
        assert run.through == date(2025, 3, 15) and run.actor == "ana@example.com"
        assert run.parameters == {"through": None} and run.summary == {"allocations": 3}
        assert [r.id for r in repos.journal.runs(cid)] == [first, second]
        assert repos.journal.run(cid, first).inputs_hash == "a" * 64  # type: ignore[union-attr]
        assert repos.journal.run(cid + 1, first) is None  # another company's id
        stored = repos.journal.allocations(first)
        assert set(stored) == set(journal_store.ALLOCATION_COLUMNS)
        for name, column in cols.items():
            assert stored[name].dtype == column.dtype and (stored[name] == column).all(), name
        empty = repos.journal.allocations(second)
        assert all(len(v) == 0 for v in empty.values())


def test_shortfalls_expired_lots_and_unexploded_read_back(ws) -> None:  # type: ignore[no-untyped-def]
    cid = ws.the_company.id
    with ws.read() as repos:
        lots = repos.discharge_inputs.lots_with_kind(cid, ("IN",), fifo_order=True)
        ships = repos.discharge_inputs.shipments(cid)
    mcu = next(r for r in lots if r.part_number == "MCU")
    export = next(s for s in ships if s.document == "E1")
    domestic = next(s for s in ships if s.document == "D1")
    with ws.write() as uow:
        run_id = uow.repos.journal.add_run(**_header(ws))
        uow.repos.journal.add_shortfalls(run_id, [(domestic.id, "MCU", 10 * 10**6, 4 * 10**6)])
        uow.repos.journal.add_expired_uses(run_id, [(mcu.id, export.id, 30 * 10**6)])
        uow.repos.journal.add_unexploded(run_id, [export.id])
    with ws.read() as repos:
        (short,) = repos.journal.shortfalls(run_id)
        assert (short.document, short.line, short.ship_date) == ("D1", 1, date(2025, 3, 20))
        assert (short.part_number, short.required_micro, short.missing_micro) == (
            "MCU", 10 * 10**6, 4 * 10**6,
        )  # fmt: skip
        (expired,) = repos.journal.expired_uses(run_id)
        assert (expired.lot_id, expired.shipment_id, expired.open_micro) == (
            mcu.id, export.id, 30 * 10**6,
        )  # fmt: skip
        assert (expired.pedimento, expired.part_number) == ("252430125000001", "MCU")
        assert expired.value_e4 == 1000 * 10**4 and expired.quantity_micro == 100 * 10**6
        (unexp,) = repos.journal.unexploded(run_id)
        assert (unexp.id, unexp.document, unexp.product) == (export.id, "E1", "P1")
        march = (run_id, date(2025, 3, 1), date(2025, 3, 31))
        assert [r.document for r in repos.journal.period_shortfalls(*march, ("domestic",))] == [
            "D1"
        ]
        assert repos.journal.period_shortfalls(*march, ("export",)) == []
        assert repos.journal.period_shortfalls(*march, ("domestic",), ("USA",)) == []
        assert [r.document for r in repos.journal.period_unexploded(*march, ("export",))] == ["E1"]
        assert repos.journal.period_unexploded(run_id, date(2025, 4, 1), date(2025, 4, 30),
                                               ("export",)) == []  # fmt: skip


def test_discharge_inputs_read_the_same_on_both_stores(ws) -> None:  # type: ignore[no-untyped-def]
    cid = ws.the_company.id
    with ws.read() as repos:
        inputs = repos.discharge_inputs
        assert sorted((p, k) for _i, p, k in inputs.materials(cid)) == [
            ("BOX", "packaging"), ("MCU", "input"),
        ]  # fmt: skip
        lots = inputs.lot_tuples(cid, ("IN", "AF"))
        day = fe.day(date(2025, 1, 10))
        assert [r[1:] for r in lots] == [
            ("MCU", day, day, 100 * 10**6, 1000 * 10**4, 252430125000001, 0),
            ("BOX", day, day, 100 * 10**6, 10 * 10**4, 252430125000001, 0),
        ]
        assert inputs.lot_tuples(cid, ("AF",)) == []
        ships = inputs.shipment_tuples(cid)
        assert [(r[1], r[2], r[4], r[5], r[6]) for r in ships] == [
            (fe.day(date(2025, 3, 10)), "E1", "export", "P1", 20 * 10**6),
            (fe.day(date(2025, 3, 20)), "D1", "domestic", "P1", 10 * 10**6),
        ]
        assert sorted(b.component for b in inputs.bom(cid)) == ["BOX", "MCU"]
        by_id = inputs.lots_by_id(cid, [r[0] for r in lots])
        assert {r.part_number for r in by_id.values()} == {"MCU", "BOX"}
        assert set(inputs.shipments_by_id([r[0] for r in ships])) == {r[0] for r in ships}
        lots_on = inputs.lots_with_kind(cid, ("IN",), entered_by=date(2025, 1, 9))
        assert lots_on == []
        (box,) = inputs.lots_with_kind(cid, ("IN",), part="BOX")
        assert box.kind == "packaging"
        assert [r.entity for r in inputs.recent_imports(cid)] == [
            "shipments", "pedimentos", "bom", "products", "materials",
        ]  # fmt: skip


def test_the_audit_entry_of_a_run_names_the_workspace_actor(ws) -> None:  # type: ignore[no-untyped-def]
    summary = runs.run_discharge(ws)
    assert summary.actor == "ana@example.com"
    with ws.store.engine.connect() as conn:
        rows = conn.execute(
            select(core.audit_log.c.actor, core.audit_log.c.detail).where(
                core.audit_log.c.action == "discharge.run"
            )
        ).all()
    assert [r.actor for r in rows] == ["ana@example.com"]
    assert rows[0].detail["run_id"] == summary.run_id
    assert journal.list_runs(ws)[0]["actor"] == "ana@example.com"
    other = runs.run_discharge(ws.with_actor("luis@example.com"))
    assert journal.show_run(ws, other.run_id)["actor"] == "luis@example.com"


def test_the_current_run_is_read_once_per_read_block(ws) -> None:  # type: ignore[no-untyped-def]
    runs.run_discharge(ws)
    march = (date(2025, 3, 1), date(2025, 3, 31))
    with ws.read() as repos:
        journal.journal_rows(ws, keys=("F4",), date_from=march[0], date_to=march[1])
        caveats.journal_caveats(ws, *march, ("domestic",))
        balances.balance(ws, march[1])
        assert journal.current_run(ws) is not None
        assert repos.journal.current_lookups == 1
        # a run written inside the block is the current one from then on
        second = runs.run_discharge(ws)
        current = journal.current_run(ws)
        assert current is not None and current.id == second.run_id
        assert repos.journal.current_lookups == 2


def test_a_lot_of_an_unknown_part_is_an_error_naming_it(ws) -> None:  # type: ignore[no-untyped-def]
    with ws.store.engine.begin() as conn:
        batch = conn.execute(select(t.import_batches.c.id).limit(1)).scalar_one()
        conn.execute(
            insert(t.lots).values(
                company_id=ws.the_company.id,
                pedimento="252430125000009",
                clave="IN",
                entry_date=date(2025, 2, 1),
                part_number="GHOST-1",
                quantity_micro=10**6,
                value_e4=10**4,
                origin="CHN",
                fraccion="85423103",
                source_line=9,
                batch_id=batch,
            )  # fmt: skip
        )
    for call in (
        lambda: balances.balance(ws, date(2025, 3, 31)),
        lambda: plant.load_domain_inputs(ws),
        lambda: runs.run_discharge(ws, dry_run=True),
    ):
        with pytest.raises(NotFound, match="'GHOST-1'") as info:
            call()
        assert info.value.field == "part_number" and "immex import materials" in info.value.message


def test_an_f4_plan_reads_the_current_run_once(ws) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from immex.services.duties.f4_plan import plan_f4

    runs.run_discharge(ws)
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "ledger_discharge_runs" in statement:
            seen.append(statement)

    event.listen(ws.store.engine, "before_cursor_execute", count)
    try:
        plan = plan_f4(ws, "2025-03")
    finally:
        event.remove(ws.store.engine, "before_cursor_execute", count)
    assert plan.allocations > 0
    assert len(seen) == 1, seen


def test_a_run_records_its_lot_uses_and_the_ledger_it_read(ws) -> None:  # type: ignore[no-untyped-def]
    """Per part with lots: the lots by id and what the run allocated from each (E1 20 + D1
    10 of MCU and BOX), with the digest of the lots; the ledger mark (5 imports, no
    correction) and per product its lines and last date. A dry run or a run through a date
    records none of it."""
    run = runs.run_discharge(ws)
    with ws.read() as repos:
        uses = repos.journal.lot_uses(run.run_id, ["MCU", "BOX", "P1"])
        state = repos.journal.run_state(run.run_id)
        mark = repos.journal.ledger_mark(ws.the_company.id)
        full, _policy = plant.load_plant(repos, ws.the_company)
    assert sorted(uses) == ["BOX", "MCU"]
    for part, (ids, used, digest) in uses.items():
        idx = np.flatnonzero(np.asarray(full.parts)[full.lot_part] == part)
        assert ids.tolist() == full.lot_id[idx].tolist() and len(ids) == 1
        assert used.tolist() == [30 * 10**6]
        assert digest == fe.lots_digest(full, idx)
    assert mark["batches"][0] == 5 and mark["corrections"] == [0, 0]
    assert state == (mark, {"P1": [2, "2025-03-20"]})
    dry = runs.run_discharge(ws, dry_run=True)
    assert dry.run_id is None
    through = runs.run_discharge(ws, through=date(2025, 3, 15))
    with ws.read() as repos:
        assert repos.journal.run_state(through.run_id) is None
        assert repos.journal.lot_uses(through.run_id, ["MCU"]) == {}


def test_a_run_of_a_company_without_lots_records_no_lot_uses(workspace_url: str) -> None:
    """A company with no ledger yet (a first run queued from the web): the run is written,
    with no part uses, instead of failing on the empty plant."""
    space = workspace.create_workspace(workspace_url, actor="ana@example.com")
    try:
        company = workspace.add_company(space, "EKU9003173C9", "Planta")
        summary = runs.run_discharge(space.with_company(company))
        assert summary.run_id is not None and summary.allocations == 0
    finally:
        space.store.dispose()
