"""CorrectionsRepository contract (batches, voids, versions): the same answers on SQLite and
PostgreSQL, nothing deleted, one company never sees another's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from immex.store.repositories.ledger_records import MasterData
from immex.store.tables import ledger as t
from immex.store.unit import Store
from tests.test_ledger_repository import _lot

AT = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
LATER = datetime(2025, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(workspace_url: str) -> Iterator[Store]:
    store = Store.create(workspace_url)
    yield store
    store.dispose()


def _setup(store: Store) -> tuple[int, int, int, int]:
    """Two companies; company a has a pedimentos batch of 3 lots on 2 pedimentos and a
    correcting batch; returns (a, b, first batch, second batch)."""
    with store.begin() as repos:
        a = repos.companies.add("EKU9003173C9", "Uno", None, (), AT).id
        b = repos.companies.add("AAA010101AA1", "Otra", None, (), AT).id
        first = repos.ledger.add_batch(a, "pedimentos", "p.csv", "ab" * 32, 3, AT, "ana")
        second = repos.ledger.add_batch(a, "pedimentos", "r1.csv", "cd" * 32, 1, LATER, "bob")
        repos.ledger.add_lots([
            _lot(a, "254730125000001", "RES", 2, first),
            _lot(a, "254730125000001", "CAB", 3, first),
            _lot(a, "254730125000002", "RES", 4, first),
            _lot(a, "254730125000001", "RES", 2, second, quantity_micro=800_000),
        ])  # fmt: skip
    return a, b, first, second


def test_corrections_are_recorded_and_found_by_company_batch_and_run(store: Store) -> None:
    a, b, first, second = _setup(store)
    with store.begin() as repos:
        c1 = repos.corrections.add(
            company_id=a, kind="rectify", batch_id=second, reason="R1", actor="bob",
            created_at=LATER, stale_run=None, detail={"pedimentos": ["254730125000001"]},
        )  # fmt: skip
    with store.connect() as repos:
        found = repos.corrections.of_company(a)
        assert [(c.id, c.kind, c.reason, c.actor, c.detail) for c in found] == [
            (c1, "rectify", "R1", "bob", {"pedimentos": ["254730125000001"]})
        ]
        got = found[0].created_at
        got = got.astimezone(UTC).replace(tzinfo=None) if got.tzinfo else got
        assert got == LATER.replace(tzinfo=None)
        assert repos.corrections.of_batch(a, second)[0].id == c1
        assert repos.corrections.of_batch(a, first) == []
        assert repos.corrections.of_company(b) == []
        assert repos.corrections.making_stale(a, 1) == []
        assert repos.corrections.batch(a, first).file_name == "p.csv"  # type: ignore[union-attr]
        assert repos.corrections.batch(b, first) is None  # another company's batch


def test_withdrawn_rows_stay_and_leave_the_current_ledger(store: Store) -> None:
    a, b, first, second = _setup(store)
    with store.begin() as repos:
        c = repos.corrections.add(
            company_id=a, kind="rectify", batch_id=second, reason="R1", actor="bob",
            created_at=LATER, stale_run=None, detail={},
        )  # fmt: skip
        # the rectification withdraws the earlier lines of pedimento 1 only
        assert repos.corrections.withdraw_lots(a, ["254730125000001"], second, c) == 2
        assert repos.corrections.withdraw_lots(a, ["254730125000001"], second, c) == 0
        assert repos.corrections.withdraw_lots(b, ["254730125000002"], second, c) == 0
    with store.connect() as repos:
        assert repos.corrections.current_rows(a, first, "pedimentos") == 1
        assert repos.corrections.current_rows(a, second, "pedimentos") == 1
        lines = list(repos.ledger.lot_lines(a, ["254730125000001"]))
        assert [line[5] for line in lines] == [800_000]  # the current version only
        versions = repos.corrections.pedimento_versions(a, "254730125000001")
        assert [(v.batch_id, v.part_number, v.withdrawn_by) for v in versions] == [
            (first, "RES", c), (first, "CAB", c), (second, "RES", None)
        ]  # fmt: skip
        assert versions[0].file_name == "p.csv" and versions[2].actor == "bob"
        assert repos.corrections.pedimento_versions(b, "254730125000001") == []
        assert repos.ledger.pedimentos(a) == {"254730125000001", "254730125000002"}
        assert repos.corrections.lots_using_parts(a, ["RES", "CAB", "BOX"]) == {"RES": 2}
    with store.begin() as repos:
        v = repos.corrections.add(
            company_id=a, kind="void", batch_id=first, reason="dup", actor="ana",
            created_at=LATER, stale_run=None, detail={},
        )  # fmt: skip
        assert repos.corrections.withdraw_batch(a, first, "pedimentos", v) == 1
        assert repos.corrections.withdraw_batch(b, first, "pedimentos", v) == 0
    with store.connect() as repos:
        assert repos.ledger.pedimentos(a) == {"254730125000001"}
        assert repos.discharge_inputs.lots_with_kind(a, ("IN",))[0].quantity_micro == 800_000
    with store.engine.connect() as conn:  # nothing deleted
        assert conn.execute(select(func.count()).select_from(t.lots)).scalar() == 4


def test_part_versions_keep_every_earlier_value(store: Store) -> None:
    a, b, first, second = _setup(store)
    with store.begin() as repos:
        m1 = repos.ledger.add_batch(a, "materials", "m1.csv", "11" * 32, 1, AT, "ana")
        m2 = repos.ledger.add_batch(a, "materials", "m2.csv", "22" * 32, 1, LATER, "bob")
        values = {"description": "Resistor", "kind": "input", "fraccion": "8533.21.01",
                  "umc": "Pza"}  # fmt: skip
        repos.ledger.add_parts(
            MasterData.MATERIALS,
            [{"company_id": a, "part_number": "RES", "batch_id": m1, **values}],
        )
        repos.corrections.keep_version(
            MasterData.MATERIALS, a, "RES", values, m1, replaced_by=m2, correction_id=None,
            at=LATER, actor="bob",
        )  # fmt: skip
        part = repos.ledger.stored_parts(MasterData.MATERIALS, a)["RES"]
        repos.ledger.update_part(
            MasterData.MATERIALS, part.id, {**values, "description": "Resistencia", "batch_id": m2}
        )
    with store.connect() as repos:
        parts = repos.corrections.parts_of_batch(MasterData.MATERIALS, a, m2)
        assert [(p, v["description"]) for _, p, v in parts] == [("RES", "Resistencia")]
        assert repos.corrections.parts_of_batch(MasterData.MATERIALS, a, m1) == []
        earlier = repos.corrections.version_replaced_by(MasterData.MATERIALS, a, "RES", m2)
        assert earlier is not None and earlier.values == values and earlier.batch_id == m1
        assert repos.corrections.version_replaced_by(MasterData.MATERIALS, b, "RES", m2) is None
        assert [h.values["description"] for h in repos.corrections.part_history(a, "RES")] == [
            "Resistor"
        ]
        assert repos.corrections.part_history(b, "RES") == []
    with store.begin() as repos:
        c = repos.corrections.add(
            company_id=a, kind="void", batch_id=m2, reason="x", actor="ana", created_at=LATER,
            stale_run=None, detail={},
        )  # fmt: skip
        repos.corrections.withdraw_part(MasterData.MATERIALS, part.id, c)
    with store.connect() as repos:
        assert repos.ledger.part_numbers(MasterData.MATERIALS, a) == set()
        assert repos.ledger.stored_parts(MasterData.MATERIALS, a)["RES"].withdrawn_by == c


def test_bom_lines_are_withdrawn_by_id_and_kept(store: Store) -> None:
    a, b, first, _ = _setup(store)
    with store.begin() as repos:
        bom = repos.ledger.add_batch(a, "bom", "b.csv", "33" * 32, 2, AT, "ana")
        line = {"qty_per_unit_micro": 2_000_000, "scrap_pct_e4": 0, "valid_to": None,
                "batch_id": bom}  # fmt: skip
        repos.ledger.add_bom_lines([
            {"company_id": a, "product": "HARN", "component": "RES", "valid_from": None, **line},
            {"company_id": a, "product": "HARN", "component": "CAB", "valid_from": None, **line},
            {"company_id": b, "product": "HARN", "component": "RES", "valid_from": None, **line},
        ])  # fmt: skip
        lines = repos.corrections.bom_lines(a, ["HARN", "NONE"])
        assert [(x.component, x.version, x.batch_id) for x in lines] == [
            ("CAB", (2_000_000, 0, None, None), bom), ("RES", (2_000_000, 0, None, None), bom)
        ]  # fmt: skip
        c = repos.corrections.add(
            company_id=a, kind="rectify", batch_id=bom, reason="ECN", actor="ana",
            created_at=LATER, stale_run=None, detail={"entity": "bom"},
        )  # fmt: skip
        other = repos.corrections.bom_lines(b, ["HARN"])[0].id
        # another company's line is not withdrawn by this company's correction
        assert repos.corrections.withdraw_bom_lines(a, [lines[1].id, other], c) == 1
        assert repos.corrections.withdraw_bom_lines(a, [lines[1].id], c) == 0
    with store.connect() as repos:
        assert [x.component for x in repos.corrections.bom_lines(a, ["HARN"])] == ["CAB"]
        every = repos.corrections.bom_lines(a, ["HARN"], withdrawn=True)
        assert [(x.component, x.withdrawn_by) for x in every] == [("CAB", None), ("RES", c)]
        assert [
            (x.product, x.withdrawn_by) for x in repos.corrections.bom_components(a, "RES")
        ] == [("HARN", c)]
        assert repos.corrections.bom_components(b, "CAB") == []
        assert list(repos.ledger.bom_versions(a)) == [("HARN", "CAB")]
