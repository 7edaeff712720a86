"""Contract of the SAT repository, on SQLite and PostgreSQL: what each method writes and
returns (plain rows, dicts, the records of immex.domain.reconcile)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from immex.domain import reconcile as rc
from immex.services.workspace import companies as workspace
from immex.store.repositories.sat_records import field_columns
from immex.store.unit import Store

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
HEAD = {  # the 501 fields a pedimento needs, besides its key
    "tipo_operacion": 1, "clave_documento": "IN", "rfc": "EKU9003173C9",
    "fecha_pago": datetime(2025, 3, 3, 10, 0),
}  # fmt: skip


def _pedimento(
    repo: object, cid: int, batch: int, number: str, pedimento: str, **extra: object
) -> int:
    return repo.add_pedimento(  # type: ignore[attr-defined, no-any-return]
        dict(company_id=cid, batch_id=batch, source="datastage", year=2025, number=number,
             patente="3999", pedimento=pedimento, aduana="240", **HEAD, **extra)
    )  # fmt: skip


@pytest.fixture
def store(workspace_url: str) -> Store:
    ws = workspace.create_workspace(workspace_url)
    workspace.add_company(ws, "EKU9003173C9", "Uno SA")
    yield ws.store
    ws.store.dispose()


def test_batches_pedimentos_and_rows(store: Store) -> None:
    with store.begin() as repos:
        repo = repos.sat
        cid = repo.company_ids()["EKU9003173C9"]
        batch = repo.add_batch(kind="datastage", source_name="a.zip", sha256="0" * 64,
                               folio="9990001", imported_at=NOW, actor="ana")  # fmt: skip
        first = _pedimento(repo, cid, batch, "252439995000101", "5000101")
        second = _pedimento(repo, cid, batch, "252439995000300", "5000300")
        repo.add_rows("551", [{
            "pedimento_id": first, "secuencia": 1, "fraccion": "85443099", "umc": 6,
            "cantidad_umc": Decimal("100"), "umt": 6, "cantidad_umt": Decimal("100"),
            "valor_dolares": Decimal("2500.50"), "tipo_operacion": 1, "clave_documento": "IN",
        }])  # fmt: skip
        repo.add_rows("701", [{
            "pedimento_id": second, "pedimento_anterior": "5000101", "patente_anterior": "3999",
            "aduana_anterior": "240", "fecha_anterior": date(2025, 3, 3), "year_anterior": 2025,
        }])  # fmt: skip
        repo.add_raw_row(batch, first, "502", "3999|5000101|240|x")
        repo.set_batch_summary(batch, {"pedimentos": 2})
        assert repo.batch_pedimento_ids(batch) == {
            ("3999", "5000101", "240"): first, ("3999", "5000300", "240"): second,
        }  # fmt: skip
        assert repo.existing_keys([cid], "datastage") == {
            (cid, 2025, "3999", "5000101", "240"): first,
            (cid, 2025, "3999", "5000300", "240"): second,
        }
        assert repo.existing_keys([cid], "m3") == {}
        assert repo.link_rectifications() == 1
        assert repo.link_rectifications() == 0  # already linked
    with store.connect() as repos:
        repo = repos.sat
        assert repo.rectified_by(second) == first and repo.rectified_by(first) is None
        assert repo.chain_info(first).superseded_by_id == second
        assert repo.unresolved_rectification(second) is None
        found = repo.find_pedimentos(company_id=cid, pedimento="5000101", year2=25,
                                     patente="3999", office="24")  # fmt: skip
        assert [r.id for r in found] == [first]
        assert repo.find_pedimentos(company_id=cid + 1, pedimento="5000101") == []
        assert repo.company_rfc(cid) == "EKU9003173C9"
        (line,) = repo.rows_of(first, "551")
        assert line["valor_dolares"] == Decimal("2500.50") and "pedimento_id" not in line
        assert repo.discharged_from(found[0]) == []
        (stored_line,) = repo.stored_rows("551")
        assert stored_line[:3] == ("3999", "5000101", "240")
        assert len(stored_line) == 3 + len(field_columns("551"))
        assert list(repo.stored_rows("502")) == ["3999|5000101|240|x"]
        assert [p.number for p in repo.reconcile_pedimentos(cid)] == [
            "252439995000101", "252439995000300"
        ]  # fmt: skip
        peds = {p.number: p for p in repo.reconcile_pedimentos(cid)}
        assert peds["252439995000101"].superseded_by == "252439995000300"
        assert peds["252439995000300"].rectifies == "252439995000101"
        assert repo.reconcile_lines(cid) == [
            rc.SatLine("252439995000101", "85443099", 1, Decimal("100"), "6", Decimal("100"),
                       "6", Decimal("2500.50"), "SAT 551 252439995000101 partida 1")
        ]  # fmt: skip
        assert repo.reconcile_discharges(cid) == []
        assert repo.coverage_summaries(cid) == []
        assert repo.has_ledger()
        assert repo.reconcile_ledger(cid) == ([], [], {})


def test_bulk_writer_turns_empty_strings_into_null(store: Store) -> None:
    columns = ["company_id", "batch_id", "source", "year", "number", "patente", "pedimento",
               "aduana", "tipo_operacion", "clave_documento", "rfc", "fecha_pago",
               "tipo_cambio"]  # fmt: skip
    with store.begin() as repos:
        repo = repos.sat
        cid = repo.company_ids()["EKU9003173C9"]
        batch = repo.add_batch(kind="datastage", source_name="a.zip", sha256="0" * 64,
                               folio=None, imported_at=NOW, actor="ana")  # fmt: skip
        w = repo.writer("501", columns)
        w.add([str(cid), str(batch), "datastage", "2025", "252439995000101", "3999", "5000101",
               "240", "1", "IN", "EKU9003173C9", "2025-03-03 10:00:00", ""])  # fmt: skip
        w.flush()
        assert w.count == 1 and w.table_name == "sat_pedimentos"
        (row,) = repo.find_pedimentos(company_id=cid, pedimento="5000101")
        assert row.tipo_cambio is None and row.clave_documento == "IN"
        raw = repo.writer("502", ["batch_id", "pedimento_id", "table_code", "data"])
        assert raw.table_name == "sat_raw_rows"


def test_scratch_copies_are_detached_after_the_transaction(store: Store, tmp_path: Path) -> None:
    if store.dialect != "sqlite":
        pytest.skip("the second reader process is a SQLite path")
    import sqlite3

    scratch = tmp_path / "part.db"
    db = sqlite3.connect(scratch)
    db.execute("CREATE TABLE sat_raw_rows (batch_id, pedimento_id, table_code, data)")
    db.commit()
    db.close()
    with store.begin() as repos:
        repo = repos.sat
        repos.after_transaction(repo.detach_scratch)
        cid = repo.company_ids()["EKU9003173C9"]
        batch = repo.add_batch(kind="datastage", source_name="a.zip", sha256="0" * 64,
                               folio=None, imported_at=NOW, actor="ana")  # fmt: skip
        pid = _pedimento(repo, cid, batch, "252439995000101", "5000101")
        db = sqlite3.connect(scratch)
        db.execute("INSERT INTO sat_raw_rows VALUES (?, ?, 'Inci', 'a|b')", (batch, pid))
        db.commit()
        db.close()
        alias = repo.attach_scratch(scratch)
        repo.copy_from_scratch(alias, "sat_raw_rows", ("batch_id", "pedimento_id", "table_code",
                                                       "data"))  # fmt: skip
        assert repo.scratch.attached == [alias]
    assert repo.scratch.attached == []
    with store.connect() as repos:
        assert list(repos.sat.stored_rows("Inci")) == ["a|b"]
        databases = repos.conn.exec_driver_sql("PRAGMA database_list").all()
        assert alias not in [d[1] for d in databases]
