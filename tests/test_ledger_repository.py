"""LedgerRepository contract: the same answers on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from immex.store.repositories.ledger_records import (
    LOT_COLUMNS,
    SHIPMENT_COLUMNS,
    ImportBatch,
    MasterData,
)
from immex.store.unit import Store

AT = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
def store(workspace_url: str) -> Iterator[Store]:
    store = Store.create(workspace_url)
    yield store
    store.dispose()


def _companies(store: Store) -> tuple[int, int]:
    with store.begin() as repos:
        a = repos.companies.add("EKU9003173C9", "Uno", None, (), AT).id
        b = repos.companies.add("CACX7605101P8", "Otra", None, (), AT).id
    return a, b


def _lot(cid: int, ped: str, part: str, line: int, batch: int, **kw: object) -> tuple[object, ...]:
    values: dict[str, object] = {
        "company_id": cid,
        "pedimento": ped,
        "clave": "IN",
        "entry_date": "2025-01-10",
        "start_date": None,
        "part_number": part,
        "quantity_micro": 1_000_000,
        "value_e4": 500_000,
        "origin": "USA",
        "fraccion": "8544.42.99",
        "fx": None,
        "certificate": None,
        "source_line": line,
        "batch_id": batch,
        **kw,
    }
    return tuple(values[c] for c in LOT_COLUMNS)


def test_batches_are_found_by_company_entity_and_content(store: Store) -> None:
    a, b = _companies(store)
    with store.begin() as repos:
        first = repos.ledger.add_batch(a, "materials", "m.csv", "ab" * 32, 3, AT, "ana@example.com")
        other = repos.ledger.add_batch(b, "materials", "m.csv", "ab" * 32, 3, AT, "luis")
    with store.connect() as repos:
        found = repos.ledger.batch_of_file(a, "materials", "ab" * 32)
        assert repos.ledger.batch_of_file(a, "products", "ab" * 32) is None
        assert repos.ledger.batch_of_file(a, "materials", "cd" * 32) is None
        assert [x.id for x in repos.ledger.batches(b)] == [other]
    assert isinstance(found, ImportBatch)
    assert (found.id, found.company_id, found.entity, found.file_name, found.rows) == (
        first, a, "materials", "m.csv", 3,
    )  # fmt: skip
    assert found.actor == "ana@example.com" and found.imported_at.replace(tzinfo=UTC) == AT


def test_parts_are_added_updated_and_kept_per_company(store: Store) -> None:
    a, b = _companies(store)
    with store.begin() as repos:
        batch = repos.ledger.add_batch(a, "materials", "m.csv", "0" * 64, 2, AT, "x")
        repos.ledger.add_parts(
            MasterData.MATERIALS,
            [
                {"company_id": a, "part_number": "RES", "description": "Resistor", "kind": "input",
                 "fraccion": "8533.21.01", "umc": "06", "batch_id": batch},
                {"company_id": a, "part_number": "BOX", "description": "Box", "kind": "packaging",
                 "fraccion": "4819.10.01", "umc": "06", "batch_id": batch},
            ],
        )  # fmt: skip
        repos.ledger.add_parts(MasterData.MATERIALS, [])
        repos.ledger.add_parts(
            MasterData.PRODUCTS,
            [{"company_id": b, "part_number": "HARN", "description": "Harness",
              "fraccion": "8544.30.01", "umc": "06", "batch_id": None}],
        )  # fmt: skip
    with store.begin() as repos:
        stored = repos.ledger.stored_parts(MasterData.MATERIALS, a)
        assert stored["RES"].values == {
            "description": "Resistor", "kind": "input", "fraccion": "8533.21.01", "umc": "06",
        }  # fmt: skip
        repos.ledger.update_part(MasterData.MATERIALS, stored["RES"].id, {"description": "10k"})
    with store.connect() as repos:
        ledger = repos.ledger
        assert ledger.stored_parts(MasterData.MATERIALS, a)["RES"].values["description"] == "10k"
        assert ledger.part_numbers(MasterData.MATERIALS, a) == {"RES", "BOX"}
        assert ledger.part_numbers(MasterData.MATERIALS, b) == set()
        assert ledger.part_numbers(MasterData.PRODUCTS, b) == {"HARN"}
        assert ledger.material_fracciones_and_kinds(a) == {
            "RES": ("8533.21.01", "input"), "BOX": ("4819.10.01", "packaging"),
        }  # fmt: skip


def test_bom_versions(store: Store) -> None:
    a, b = _companies(store)
    with store.begin() as repos:
        repos.ledger.add_bom_lines(
            [
                {"company_id": a, "product": "HARN", "component": "RES", "qty_per_unit_micro": 4,
                 "scrap_pct_e4": 25000, "valid_from": None, "valid_to": date(2025, 6, 30),
                 "batch_id": None},
                {"company_id": a, "product": "HARN", "component": "RES", "qty_per_unit_micro": 5,
                 "scrap_pct_e4": 0, "valid_from": date(2025, 7, 1), "valid_to": None,
                 "batch_id": None},
            ]
        )  # fmt: skip
    with store.connect() as repos:
        assert repos.ledger.bom_versions(a) == {
            ("HARN", "RES"): [(4, 25000, None, date(2025, 6, 30)), (5, 0, date(2025, 7, 1), None)]
        }
        assert repos.ledger.bom_versions(b) == {}


def test_lots_bulk_load_and_read_back_in_chunks(store: Store) -> None:
    a, b = _companies(store)
    n = 5003  # more than one IN (…) chunk
    with store.begin() as repos:
        batch = repos.ledger.add_batch(a, "pedimentos", "p.csv", "1" * 64, n, AT, "x")
        repos.ledger.prepare_bulk_load()
        rows = [_lot(a, f"25473012{i:07d}", "RES", i + 2, batch) for i in range(n)]
        rows.append(
            _lot(a, "254730120000000", "BOX", 9, batch, fx="20.1234", certificate="T-MEC",
                 start_date="2025-02-01")
        )  # fmt: skip
        repos.ledger.add_lots(rows)
    with store.connect() as repos:
        ledger = repos.ledger
        peds = ledger.pedimentos(a)
        assert len(peds) == n and ledger.pedimentos(b) == set()
        lines = list(ledger.lot_lines(a, sorted(peds)))
        assert len(lines) == n + 1
        first = sorted(
            (r for r in lines if r[0] == "254730120000000"), key=lambda r: r[4], reverse=True
        )
    assert first == [
        ("254730120000000", "IN", date(2025, 1, 10), None, "RES", 1_000_000, 500_000, "USA",
         "8544.42.99", None, None),
        ("254730120000000", "IN", date(2025, 1, 10), date(2025, 2, 1), "BOX", 1_000_000, 500_000,
         "USA", "8544.42.99", "20.1234", "T-MEC"),
    ]  # fmt: skip


def test_shipments_bulk_load_and_lines_in_document_order(store: Store) -> None:
    a, b = _companies(store)
    with store.begin() as repos:
        batch = repos.ledger.add_batch(a, "shipments", "s.csv", "2" * 64, 3, AT, "x")
        values = [
            (a, "EXP-2", 1, "export", "2025-03-02", "HARN", 2_000_000, "USA", 100, None, 4, batch,
             None),
            (a, "EXP-1", 2, "export", "2025-03-01", "HARN", 5_000_000, None, None,
             "254730125000001", 3, batch, None),
            (a, "EXP-1", 1, "export", "2025-03-01", "HARN", 1_000_000, "CAN", 50, None, 2, batch,
             None),
            (a, "ACTA-1", 1, "destruction", "2025-03-03", "HARN", 1_000_000, None, None, None, 5,
             batch, "DEST-01"),
        ]  # fmt: skip
        assert all(len(v) == len(SHIPMENT_COLUMNS) for v in values)
        repos.ledger.add_shipments(values)
    with store.connect() as repos:
        assert repos.ledger.documents(a) == {"ACTA-1", "EXP-1", "EXP-2"}
        assert repos.ledger.documents(b) == set()
        lines = list(repos.ledger.shipment_lines(a, ["EXP-1", "EXP-2", "ACTA-1"]))
        assert list(repos.ledger.shipment_lines(a, [])) == []
    assert lines == [
        ("ACTA-1", 1, "destruction", date(2025, 3, 3), "HARN", 1_000_000, None, None, None,
         "DEST-01"),
        ("EXP-1", 1, "export", date(2025, 3, 1), "HARN", 1_000_000, "CAN", 50, None, None),
        ("EXP-1", 2, "export", date(2025, 3, 1), "HARN", 5_000_000, None, None, "254730125000001",
         None),
        ("EXP-2", 1, "export", date(2025, 3, 2), "HARN", 2_000_000, "USA", 100, None, None),
    ]  # fmt: skip


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    a, _ = _companies(store)
    with pytest.raises(RuntimeError), store.begin() as repos:
        batch = repos.ledger.add_batch(a, "pedimentos", "p.csv", "3" * 64, 1, AT, "x")
        repos.ledger.add_lots([_lot(a, "254730125000001", "RES", 2, batch)])
        raise RuntimeError("stop")
    with store.connect() as repos:
        assert repos.ledger.batches(a) == [] and repos.ledger.pedimentos(a) == set()
