"""Readable discharge fixtures: lots before / shipments / allocations / lots after.

Each YAML file under tests/fixtures/discharge is one situation a customs specialist can
review; both the reference and the fast engine must give exactly what it says.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from immex.domain.codes import parse_pedimento_number
from immex.domain.discharge import discharge_reference
from immex.domain.discharge.kernel import discharge_domain
from immex.domain.ledger import BomLine, DischargeResult, ImportLot, Shipment
from immex.domain.money import D

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "discharge").glob("*.yaml"))


def _d(value: Any) -> Decimal:
    return D(str(value)) if isinstance(value, int) else D(value)


def load(path: Path) -> dict[str, Any]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["lots"] = [
        ImportLot(
            lot_id=r["id"],
            pedimento=parse_pedimento_number(r["pedimento"]).compact,
            clave=r["clave"],
            entry_date=r["entry"],
            part=r["part"],
            quantity=_d(r["qty"]),
            value_usd=_d(r["value"]),
            limit_date=r.get("limit"),
        )
        for r in spec["lots_before"]
    ]
    spec["bom_lines"] = [
        BomLine(
            r["product"],
            r["component"],
            _d(r["qty_per_unit"]),
            _d(r.get("scrap_pct", "0")),
            r.get("valid_from"),
            r.get("valid_to"),
        )
        for r in spec["bom"]
    ]
    spec["ships"] = [
        Shipment(
            shipment_id=r["id"],
            document=r["document"],
            line=r["line"],
            kind=r["kind"],
            date=r["date"],
            product=r["product"],
            quantity=_d(r["qty"]),
            pedimento=parse_pedimento_number(r["pedimento"]).compact
            if r.get("pedimento")
            else None,
        )
        for r in spec["shipments"]
    ]
    return spec


def check(spec: dict[str, Any], result: DischargeResult) -> None:
    got = [
        (a.shipment_id, a.component, a.lot_id, a.quantity, a.value_usd, a.key, a.directed)
        for a in result.allocations
    ]
    want = [
        (
            r["shipment"],
            r["component"],
            r["lot"],
            _d(r["qty"]),
            _d(r["value"]),
            r["key"],
            bool(r.get("directed", False)),
        )
        for r in spec["allocations"]
    ]
    assert got == want
    assert [(s.shipment_id, s.part, s.required, s.missing) for s in result.shortfalls] == [
        (r["shipment"], r["part"], _d(r["required"]), _d(r["missing"])) for r in spec["shortfalls"]
    ]
    assert [(e.lot_id, e.shipment_id, e.open_quantity) for e in result.expired] == [
        (r["lot"], r["shipment"], _d(r["open"])) for r in spec["expired"]
    ]
    used: dict[int, Decimal] = defaultdict(Decimal)
    for a in result.allocations:
        used[a.lot_id] += a.quantity
    lots = {lot.lot_id: lot for lot in spec["lots"]}
    for r in spec["lots_after"]:
        assert lots[r["id"]].quantity - used[r["id"]] == _d(r["open"]), f"lot {r['id']}"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture(path: Path) -> None:
    spec = load(path)
    assert isinstance(spec["name"], str) and spec["rule"]
    for engine in (discharge_reference, discharge_domain):
        result = engine(spec["lots"], spec["ships"], spec["bom_lines"])
        check(spec, result)


def test_fixtures_exist() -> None:
    assert len(FIXTURES) >= 5
    assert all(isinstance(load(p)["lots_before"][0]["entry"], date) for p in FIXTURES)
