"""Reconciliation ledger vs SAT: the pure core on a hand-made plant, then the use case."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from immex.domain import reconcile as rc
from immex.services.sat.datastage_import import import_datastage
from immex.services.sat.reconcile import reconcile, write_html, write_xlsx
from immex.services.workspace import companies as workspace
from tests.support_datastage import SAMPLE

D = Decimal
P1, P2, R2, P3, E1, L9 = (
    "242439990000001",
    "242439990000002",
    "242439990000003",
    "242439990000004",
    "242439990000005",
    "242439990000009",
)


def _limit(clave: str, start: date) -> int | None:
    return {"IN": 18}.get(clave)


def _plant() -> rc.Report:
    sat_peds = [
        rc.SatPedimento(P1, "IN", 1, date(2024, 1, 10), "SAT 501 P1"),
        rc.SatPedimento(P2, "IN", 1, date(2024, 2, 1), "SAT 501 P2", superseded_by=R2),
        rc.SatPedimento(R2, "IN", 1, date(2024, 2, 15), "SAT 501 R2", rectifies=P2),
        rc.SatPedimento(P3, "AF", 1, date(2024, 3, 1), "SAT 501 P3"),
        rc.SatPedimento(E1, "RT", 2, date(2024, 5, 1), "SAT 501 E1"),
    ]
    sat_lines = [
        rc.SatLine(P1, "85443099", 1, D(100), "6", D(100), "6", D(500), "SAT 551 P1/1"),
        rc.SatLine(P1, "73181599", 2, D(1000), "6", D("12.5"), "1", D(50), "SAT 551 P1/2"),
        rc.SatLine(P2, "85443099", 1, D(200), "6", D(200), "6", D(900), "SAT 551 P2/1"),
        rc.SatLine(R2, "85443099", 1, D(210), "6", D(210), "6", D(900), "SAT 551 R2/1"),
        rc.SatLine(P3, "84807101", 1, D(1), "6", D(1), "6", D(9000), "SAT 551 P3/1"),
    ]
    sat_dis = [
        rc.SatDischarge(E1, date(2024, 5, 1), P1, "IN", "85443099", "6", D(60), "SAT 512 E1"),
    ]
    led_peds = [
        rc.LedgerPedimento(P1, "IN", date(2024, 1, 10), "pedimentos.csv:2"),
        rc.LedgerPedimento(P2, "IN", date(2024, 2, 1), "pedimentos.csv:4"),
        rc.LedgerPedimento(L9, "IN", date(2024, 4, 1), "pedimentos.csv:5"),
    ]
    led_lines = [
        rc.LedgerLine(P1, "8544.30.99", D(100), "PZA", D(500), "lot 1"),
        rc.LedgerLine(P1, "7318.15.99", D(990), "PZA", D("50.40"), "lot 2"),
        rc.LedgerLine(P2, "8544.30.99", D(200), "PZA", D(900), "lot 3"),
        rc.LedgerLine(L9, "8544.30.99", D(5), "PZA", D(5), "lot 4"),
    ]
    led_dis = [rc.LedgerDischarge(P1, "8544.30.99", D(55), "PZA", date(2024, 5, 2), "run 1")]
    return rc.reconcile(
        sat_peds,
        sat_lines,
        sat_dis,
        led_peds,
        led_lines,
        led_dis,
        as_of=date(2025, 9, 1),
        limit_months=_limit,
    )


def _find(
    report: rc.Report, category: str, pedimento: str, field: str | None = None
) -> rc.Difference:
    for d in report.differences:
        if (
            d.category == category
            and d.pedimento == pedimento
            and (field is None or d.field == field)
        ):
            return d
    raise AssertionError(f"no {category} {pedimento} {field}: {report.differences}")


def test_every_category() -> None:
    r = _plant()
    assert r.totals == {
        "only_in_sat": 1,
        "only_in_ledger": 1,
        "quantity_value": 2,
        "discharge": 1,
        "rectification": 1,
        "open_past_limit": 3,
    }
    assert _find(r, "only_in_sat", P3).sat_ref == "SAT 501 P3"
    assert _find(r, "only_in_ledger", L9).ledger_ref == "pedimentos.csv:5"
    q = _find(r, "quantity_value", P1, "qty_umc (unit 6)")
    assert (q.fraccion, q.sat_value, q.ledger_value, q.difference) == (
        "73181599",
        D(1000),
        D(990),
        D(10),
    )
    assert q.sat_ref == "SAT 551 P1/2" and q.ledger_ref == "lot 2"
    # the ledger still carries P2; SAT compares through R2 (210 vs 200)
    rect = _find(r, "rectification", P2)
    assert (rect.sat_value, rect.ledger_value) == (R2, P2)
    assert _find(r, "quantity_value", R2).difference == D(10)
    dis = _find(r, "discharge", P1)
    assert (dis.sat_value, dis.ledger_value, dis.difference) == (D(60), D(55), D(5))
    open_p1 = _find(r, "open_past_limit", P1)
    assert open_p1.fraccion == "73181599" or open_p1.sat_value in (D(40), D("12.5"))
    opens = {
        (d.pedimento, d.fraccion): d.sat_value
        for d in r.differences
        if d.category == "open_past_limit"
    }
    assert opens == {(P1, "85443099"): D(40), (P1, "73181599"): D("12.5"), (R2, "85443099"): D(210)}
    assert _find(r, "open_past_limit", R2).ledger_value == D(200)  # ledger's open of P2


def test_tolerance_and_period() -> None:
    r = _plant()
    assert not any(d.field == "value_usd" for d in r.differences)  # 0.40 USD ≤ 1.00
    loose = rc.reconcile(
        [],
        [],
        [],
        [rc.LedgerPedimento(L9, "IN", date(2024, 4, 1), "x")],
        [],
        None,
        as_of=date(2025, 1, 1),
        limit_months=_limit,
        sat_coverage=(date(2024, 5, 1), date(2024, 12, 31)),
    )
    assert loose.totals["only_in_ledger"] == 0  # outside what SAT's extraction covers
    assert any("discharge journal" in n for n in loose.notes)
    period = rc.reconcile(
        [rc.SatPedimento(P3, "AF", 1, date(2024, 3, 1), "s")],
        [],
        [],
        [],
        [],
        [],
        as_of=date(2025, 1, 1),
        limit_months=_limit,
        date_from=date(2024, 4, 1),
    )
    assert period.totals["only_in_sat"] == 0


def test_chain_heads() -> None:
    peds = [
        rc.SatPedimento("a", "IN", 1, date(2024, 1, 1), "", superseded_by="b"),
        rc.SatPedimento("b", "IN", 1, date(2024, 1, 2), "", superseded_by="c"),
        rc.SatPedimento("c", "IN", 1, date(2024, 1, 3), ""),
    ]
    assert rc.chain_heads(peds) == {"a": "c", "b": "c"}
    assert rc.unit_code("kgm") == "1" and rc.unit_code(" 06 ") == "6" and rc.unit_code("zz") is None


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared not present")
def test_use_case_with_ledger_lots(workspace_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from immex.store.tables import ledger as t

    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    import_datastage(ws, [SAMPLE])
    company = workspace.resolve_company(ws, None)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        batch = conn.execute(
            insert(t.import_batches).values(
                company_id=company.id,
                entity="pedimentos",
                file_name="pedimentos.csv",
                sha256="0" * 64,
                rows=2,
                imported_at=now,
                actor="test",
            )
        ).inserted_primary_key[0]
        for part, umc in (("ARN-1", "6"), ("TOR-1", "6")):
            conn.execute(
                insert(t.materials).values(
                    company_id=company.id,
                    part_number=part,
                    description=part,
                    kind="input",
                    fraccion="x",
                    umc=umc,
                )
            )
        for line, (part, frac, qty, usd) in enumerate(
            (("ARN-1", "8544.30.99", 334, "8350.50"), ("TOR-1", "7318.15.99", 72000, "3649.50")),
            start=2,
        ):
            conn.execute(
                insert(t.lots).values(
                    company_id=company.id,
                    pedimento="252439995000101",
                    clave="IN",
                    entry_date=date(2025, 3, 3),
                    part_number=part,
                    quantity_micro=qty * 10**6,
                    value_e4=int(Decimal(usd) * 10**4),
                    origin="USA",
                    fraccion=frac,
                    source_line=line,
                    batch_id=batch,
                )
            )
        # a discharge run whose journal took 90 pieces of lot ARN-1 on 2025-06-10 (SAT: 100)
        import numpy as np

        from immex.domain.discharge import kernel as fe
        from immex.store.repositories.journal import pack_columns

        lot_id = conn.execute(select(t.lots.c.id).where(t.lots.c.part_number == "ARN-1")).scalar()
        run_values = {
            "company_id": company.id,
            "created_at": now,
            "actor": "test",
            "inputs_hash": "0" * 64,
            "journal_hash": "0" * 64,
            "parameters": {},
            "summary": {},
            "complete": True,
        }
        run = conn.execute(
            insert(t.discharge_runs).values(
                **{k: v for k, v in run_values.items() if k in t.discharge_runs.c}
            )
        ).inserted_primary_key[0]
        cols = {
            "ship_id": np.array([1], dtype=np.int64),
            "ship_date": np.array([fe.day(date(2025, 6, 10))], dtype=np.int32),
            "lot_id": np.array([lot_id], dtype=np.int64),
            "qty": np.array([90 * 10**6], dtype=np.int64),
            "value": np.array([0], dtype=np.int64),
            "key": np.array([0], dtype=np.int8),
            "directed": np.array([False]),
        }
        conn.execute(
            insert(t.allocation_chunks).values(
                run_id=run, chunk_no=0, rows=1, data=pack_columns(cols, 0, 1)
            )
        )
    report = reconcile(ws.with_company(company), None, None, as_of=date(2025, 8, 1))
    diffs = report["differences"]
    (dis_diff,) = [d for d in diffs if d.category == "discharge"]
    assert (dis_diff.pedimento, dis_diff.fraccion) == ("252439995000101", "85443099")
    assert (dis_diff.sat_value, dis_diff.ledger_value, dis_diff.difference) == (
        D(100),
        D(90),
        D(10),
    )
    assert "discharge run" in dis_diff.ledger_ref and "SAT 512" in dis_diff.sat_ref
    qty = [d for d in diffs if d.category == "quantity_value"]
    assert [(d.fraccion, d.sat_value, d.ledger_value) for d in qty] == [
        ("73181599", D("72990"), D("72000"))
    ]
    assert "pedimentos.csv:3" in qty[0].ledger_ref
    assert {d.pedimento for d in diffs if d.category == "only_in_sat"} == {"252439995000300"}
    assert report["totals"]["open_past_limit"] == 0  # 18 months not over on 2025-08-01
    assert write_html(report, tmp_path).read_text().count("<tr>") > 3
    assert write_xlsx(report, tmp_path).stat().st_size > 1000
    engine.dispose()
