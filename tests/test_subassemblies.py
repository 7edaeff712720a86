"""Sub-assemblies (multi-level BOMs): a hand-worked three-level plant, through both engines,
the importer (cycles refused with their path) and the store.

The plant (ILLUSTRATIVE figures):

    MOD-1 (module, finished)                      HARN-2 (harness, also sold on its own)
      HARN-2   2    scrap 5 %                       CU-WIRE 0.35 kg scrap 3 % (to 2025-03-31)
      HOUSING  1    scrap 0                         CU-WIRE 0.40 kg scrap 3 % (from 2025-04-01)
      SCREW    4    scrap 2.5 %                     CONN-3  2       scrap 1 %
    CONN-3 (connector)
      TERM     3    scrap 2 %
      SCREW    1    scrap 0          (SCREW is reached by two routes from MOD-1)

Each level's need is rounded half-up to 6 decimals and explodes on the shipment date through
the version of that level in force; the routes to one material add up.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from immex.domain.discharge import discharge_reference
from immex.domain.discharge.bom_tree import BomCycle, BomTree, find_cycle
from immex.domain.discharge.kernel import discharge_domain
from immex.domain.ledger import BomLine, ImportLot, Shipment

D = Decimal
PED = "253016005000001"

BOM = [
    BomLine("MOD-1", "HARN-2", D(2), D(5)),
    BomLine("MOD-1", "HOUSING", D(1), D(0)),
    BomLine("MOD-1", "SCREW", D(4), D("2.5")),
    BomLine("HARN-2", "CU-WIRE", D("0.35"), D(3), None, date(2025, 3, 31)),
    BomLine("HARN-2", "CU-WIRE", D("0.40"), D(3), date(2025, 4, 1), None),
    BomLine("HARN-2", "CONN-3", D(2), D(1)),
    BomLine("CONN-3", "TERM", D(3), D(2)),
    BomLine("CONN-3", "SCREW", D(1), D(0)),
]


def _lot(i: int, day: date, part: str, qty: str, value: str) -> ImportLot:
    return ImportLot(i, PED, "IN", day, part, D(qty), D(value))


LOTS = [
    _lot(1, date(2025, 1, 10), "CU-WIRE", "80", "800"),
    _lot(2, date(2025, 2, 1), "CU-WIRE", "100", "1100"),
    _lot(3, date(2025, 1, 10), "HOUSING", "200", "400"),
    _lot(4, date(2025, 1, 10), "SCREW", "1000", "50"),
    _lot(5, date(2025, 1, 10), "TERM", "1300", "130"),
    _lot(6, date(2025, 2, 5), "TERM", "500", "60"),
]

SHIPS = [
    Shipment(11, "EXP-1", 1, "export", date(2025, 3, 10), "MOD-1", D(100)),
    Shipment(12, "EXP-2", 1, "export", date(2025, 4, 15), "MOD-1", D(10)),
    Shipment(13, "NAC-1", 1, "domestic", date(2025, 4, 20), "HARN-2", D(3)),
]


def test_needs_worked_by_hand() -> None:
    tree = BomTree(BOM)
    # 100 MOD-1 on 2025-03-10 (CU-WIRE version 1):
    #   HARN-2  = 100 × 2 × 1.05 = 210            HOUSING = 100 × 1 = 100
    #   SCREW   = 100 × 4 × 1.025 = 410 (direct)
    #   CU-WIRE = 210 × 0.35 × 1.03 = 75.705      CONN-3 = 210 × 2 × 1.01 = 424.2
    #   TERM    = 424.2 × 3 × 1.02 = 1,298.052    SCREW  = 424.2 × 1 = 424.2 (through CONN-3)
    #   SCREW in all = 410 + 424.2 = 834.2
    assert tree.needs("MOD-1", D(100), date(2025, 3, 10)) == [
        ("CU-WIRE", D("75.705")),
        ("HOUSING", D("100")),
        ("SCREW", D("834.2")),
        ("TERM", D("1298.052")),
    ]
    # 10 MOD-1 on 2025-04-15 (CU-WIRE version 2, 0.40 kg):
    #   HARN-2 = 21; CU-WIRE = 21 × 0.40 × 1.03 = 8.652; CONN-3 = 21 × 2 × 1.01 = 42.42
    #   TERM = 42.42 × 3 × 1.02 = 129.8052; SCREW = 10 × 4 × 1.025 + 42.42 = 41 + 42.42 = 83.42
    assert tree.needs("MOD-1", D(10), date(2025, 4, 15)) == [
        ("CU-WIRE", D("8.652")),
        ("HOUSING", D("10")),
        ("SCREW", D("83.42")),
        ("TERM", D("129.8052")),
    ]
    # 3 HARN-2 sold on their own on 2025-04-20: CU-WIRE = 3 × 0.40 × 1.03 = 1.236;
    #   CONN-3 = 3 × 2 × 1.01 = 6.06; TERM = 6.06 × 3 × 1.02 = 18.5436; SCREW = 6.06
    assert tree.needs("HARN-2", D(3), date(2025, 4, 20)) == [
        ("CU-WIRE", D("1.236")),
        ("SCREW", D("6.06")),
        ("TERM", D("18.5436")),
    ]
    routes = tree.routes("MOD-1", D(100), date(2025, 3, 10)) or []
    assert [(r.route, r.quantity) for r in routes if r.material == "SCREW"] == [
        (("MOD-1", "HARN-2", "CONN-3", "SCREW"), D("424.2")),
        (("MOD-1", "SCREW"), D("410")),
    ]
    assert tree.needs("MOD-1", D(1), date(2024, 1, 1)) is not None  # open versions
    assert tree.needs("GHOST", D(1), date(2025, 1, 1)) is None


def test_each_level_is_rounded_on_its_own() -> None:
    # P → S: 0.333333 with 10 % scrap; S → M: 3. One P:
    #   S = 1 × 0.333333 × 1.1 = 0.3666663 → 0.366666 (6 decimals, half up)
    #   M = 0.366666 × 3 = 1.099998
    # (the factors multiplied first would give 1.0999989 → 1.099999: not the rule)
    bom = [BomLine("P", "S", D("0.333333"), D(10)), BomLine("S", "M", D(3))]
    ship = [Shipment(1, "E", 1, "export", date(2025, 5, 1), "P", D(1))]
    assert BomTree(bom).needs("P", D(1), date(2025, 5, 1)) == [("M", D("1.099998"))]
    ref = discharge_reference([], ship, bom)
    assert [(s.part, s.required) for s in ref.shortfalls] == [("M", D("1.099998"))]
    assert discharge_domain([], ship, bom) == ref


def test_both_engines_discharge_the_plant_as_worked_by_hand() -> None:
    ref = discharge_reference(LOTS, SHIPS, BOM)
    assert discharge_domain(LOTS, SHIPS, BOM) == ref
    got = [(a.shipment_id, a.component, a.lot_id, a.quantity, a.value_usd) for a in ref.allocations]
    assert got == [
        # EXP-1: CU-WIRE 75.705 of lot 1 (80 kg, USD 800): 800 × 75.705 / 80 = 757.05
        (11, "CU-WIRE", 1, D("75.705"), D("757.05")),
        (11, "HOUSING", 3, D("100"), D("200")),  # 400 × 100 / 200
        (11, "SCREW", 4, D("834.2"), D("41.71")),  # 50 × 834.2 / 1000
        (11, "TERM", 5, D("1298.052"), D("129.8052")),  # 130 × 1298.052 / 1300
        # EXP-2: CU-WIRE 8.652 = 4.295 left of lot 1 (its last USD 42.95) + 4.357 of lot 2
        (12, "CU-WIRE", 1, D("4.295"), D("42.95")),
        (12, "CU-WIRE", 2, D("4.357"), D("47.927")),  # 1100 × 4.357 / 100
        (12, "HOUSING", 3, D("10"), D("20")),
        # SCREW 83.42: round4(50 × 917.62 / 1000) − 41.71 = 45.881 − 41.71
        (12, "SCREW", 4, D("83.42"), D("4.171")),
        # TERM 129.8052 = 1.948 left of lot 5 (130 − 129.8052 = 0.1948) + 127.8572 of lot 6
        (12, "TERM", 5, D("1.948"), D("0.1948")),
        (12, "TERM", 6, D("127.8572"), D("15.3429")),  # 60 × 127.8572 / 500 = 15.342864
        # NAC-1 (HARN-2 alone): CU-WIRE 1.236 of lot 2: 1100 × 5.593 / 100 − 47.927 = 13.596
        (13, "CU-WIRE", 2, D("1.236"), D("13.596")),
        (13, "SCREW", 4, D("6.06"), D("0.303")),  # 50 × 923.68 / 1000 − 45.881
        (13, "TERM", 6, D("18.5436"), D("2.2252")),  # round4(60 × 146.4008 / 500) − 15.3429
    ]
    assert ref.consumptions == 4 + 4 + 3  # one per shipment and material
    assert ref.shortfalls == () and ref.unexploded == ()
    assert [a.key for a in ref.allocations if a.shipment_id == 13] == ["F4"] * 3


def test_a_sub_assembly_without_a_version_in_force_is_needed_as_itself() -> None:
    bom = [
        BomLine("P", "S", D(2)),
        BomLine("P", "M", D(1)),
        BomLine("S", "M", D(1), D(0), date(2025, 6, 1), None),
    ]
    ship = [Shipment(1, "E", 1, "export", date(2025, 5, 1), "P", D(5))]
    ref = discharge_reference([], ship, bom)
    # before 2025-06-01 S has no version: 10 S are needed as a part (no lots: short)
    assert [(s.part, s.required) for s in ref.shortfalls] == [("M", D(5)), ("S", D(10))]
    assert discharge_domain([], ship, bom) == ref


def test_a_cycle_is_refused_by_both_engines_with_its_path() -> None:
    bom = [BomLine("P1", "S2", D(1)), BomLine("S2", "M", D(1)), BomLine("S2", "P1", D(1))]
    assert find_cycle({"P1": ["S2"], "S2": ["M", "P1"]}) == ("P1", "S2", "P1")
    ship = [Shipment(1, "E", 1, "export", date(2025, 5, 1), "P1", D(1))]
    for engine in (discharge_reference, discharge_domain):
        with pytest.raises(BomCycle) as info:
            engine([], ship, bom)
        assert "P1 → S2 → P1" in str(info.value)
    assert find_cycle({"A": ["B"], "B": ["C"], "C": []}) is None
    assert find_cycle({"A": ["A"]}) == ("A", "A")


def test_report_rows_name_shipments_without_a_bom_in_force() -> None:
    from types import SimpleNamespace as Row

    from immex.reports.i18n import tr
    from immex.services.reports.product_materials import product_material_rows

    exits = [
        Row(product="MOD-1", quantity=D(100), ship_date=date(2025, 3, 10)),
        Row(product="GHOST", quantity=D(1), ship_date=date(2025, 3, 11)),
    ]
    journal = [Row(product="MOD-1", component="SCREW", quantity=D("834.2"), value_usd=D("41.71"))]
    rows, notes = product_material_rows(exits, BOM, journal, {"SCREW": ("Tornillo", "7318.15.99")})
    screw = next(r for r in rows if r["part"] == "SCREW")
    assert (screw["required"], screw["quantity"], screw["level"]) == (
        D("834.2"),
        D("834.2"),
        "1, 3",
    )
    assert screw["description"] == "Tornillo" and screw["shipped"] == D(100)
    assert [r["part"] for r in rows] == ["CU-WIRE", "HOUSING", "SCREW", "TERM"]
    [note] = notes
    assert "GHOST" in note and tr(note, "es").startswith("1 línea de embarque del periodo")
