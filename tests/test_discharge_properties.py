"""The fast engine equals the reference journal; invariants of the discharge (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immex.domain.discharge import discharge_reference, fifo_key
from immex.domain.discharge.kernel import discharge_domain
from immex.domain.ledger import BomLine, DischargeResult, ImportLot, Shipment

BASE = date(2025, 1, 1)
PARTS = ["P1", "P2", "P3", "P4"]
PRODUCTS = ["A", "B", "C"]
PEDS = ["253016005000001", "253016005000002", "253016005000003", "253016005000004"]
QPU = ["0.5", "1", "2.333333", "3", "0.000007", "12"]
SCRAP = ["0", "2.5", "10", "0.0001", "33.3333"]
QTY = ["1", "2", "5", "10", "0.5", "7.123456", "100", "250000.5"]
VALUE = ["1", "10.5", "999.9999", "12345.6789", "0.0001", "80000000"]


def _versions(draw: st.DrawFn, product: str, comp: str) -> list[BomLine]:
    """One BOM line of ``product`` → ``comp``: open, or two versions split on a date."""
    qpu = Decimal(draw(st.sampled_from(QPU)))
    scrap = Decimal(draw(st.sampled_from(SCRAP)))
    split = draw(st.one_of(st.none(), st.integers(1, 50)))
    start = draw(st.one_of(st.none(), st.integers(0, 20)))
    vf = None if start is None else BASE + timedelta(days=start)
    if split is None:
        return [BomLine(product, comp, qpu, scrap, vf, None)]
    cut = BASE + timedelta(days=split)
    if vf is not None and vf >= cut:
        vf = None
    qpu2 = Decimal(draw(st.sampled_from(QPU)))
    scrap2 = Decimal(draw(st.sampled_from(SCRAP)))
    gap = draw(st.integers(0, 3))
    return [
        BomLine(product, comp, qpu, scrap, vf, cut - timedelta(days=1)),
        BomLine(product, comp, qpu2, scrap2, cut + timedelta(days=gap), None),
    ]


#: products in build order: each may use the materials and the products before it, so
#: S2 is a sub-assembly of S1, both of A, B, C (and C of A …): up to four levels
LEVELED = ["S2", "S1", "C", "B", "A"]


@st.composite
def plants(
    draw: st.DrawFn, multilevel: bool = False
) -> tuple[list[ImportLot], list[Shipment], list[BomLine]]:
    bom: list[BomLine] = []
    products = LEVELED if multilevel else PRODUCTS
    for k, product in enumerate(products):
        usable = PARTS + (products[:k] if multilevel else [])
        comps = draw(st.lists(st.sampled_from(usable), min_size=0, max_size=3, unique=True))
        for comp in comps:
            bom.extend(_versions(draw, product, comp))
    lots: list[ImportLot] = []
    n_lots = draw(st.integers(0, 14))
    for i in range(n_lots):
        entry = BASE + timedelta(days=draw(st.integers(0, 60)))
        life = draw(st.one_of(st.none(), st.integers(0, 60)))
        lots.append(
            ImportLot(
                lot_id=i + 1,
                pedimento=draw(st.sampled_from(PEDS)),
                clave=draw(st.sampled_from(["IN", "IN", "IN", "AF", "A1"])),
                entry_date=entry,
                part=draw(st.sampled_from(PARTS)),
                quantity=Decimal(draw(st.sampled_from(QTY))),
                value_usd=Decimal(draw(st.sampled_from(VALUE))),
                limit_date=None if life is None else entry + timedelta(days=life),
            )
        )
    ships: list[Shipment] = []
    for i in range(draw(st.integers(0, 14))):
        ships.append(
            Shipment(
                shipment_id=100 + i,
                document=draw(st.sampled_from(["F-1", "F-2", "E-9"])),
                line=draw(st.integers(1, 3)),
                kind=draw(st.sampled_from(["export", "domestic", "transfer"])),
                date=BASE + timedelta(days=draw(st.integers(0, 120))),
                product=draw(st.sampled_from(products)),  # sub-assemblies shipped on their own
                quantity=Decimal(draw(st.sampled_from(QTY[:6]))),
                pedimento=draw(st.one_of(st.none(), st.none(), st.sampled_from(PEDS))),
            )
        )
    return lots, ships, bom


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(plants(), st.one_of(st.none(), st.integers(0, 120)))
def test_fast_engine_equals_reference(plant, through_days) -> None:  # type: ignore[no-untyped-def]
    _same_journal(plant, through_days)


@SETTINGS
@given(plants(multilevel=True), st.one_of(st.none(), st.integers(0, 120)))
def test_fast_engine_equals_reference_multilevel(plant, through_days) -> None:  # type: ignore[no-untyped-def]
    """Sub-assemblies down to four levels, scrap and several versions at every level."""
    _same_journal(plant, through_days)


def _same_journal(
    plant: tuple[list[ImportLot], list[Shipment], list[BomLine]], through_days: int | None
) -> None:
    lots, ships, bom = plant
    through = None if through_days is None else BASE + timedelta(days=through_days)
    ref = discharge_reference(lots, ships, bom, through=through)
    fast = discharge_domain(lots, ships, bom, through=through)
    assert fast == ref


def _invariants(lots: list[ImportLot], ships: list[Shipment], result: DischargeResult) -> None:
    by_id = {lot.lot_id: lot for lot in lots}
    ship_by_id = {s.shipment_id: s for s in ships}
    allocated: dict[int, Decimal] = defaultdict(Decimal)
    values: dict[int, Decimal] = defaultdict(Decimal)
    for a in result.allocations:
        lot = by_id[a.lot_id]
        ship = ship_by_id[a.shipment_id]
        assert lot.clave in ("IN", "AF") and lot.part == a.component
        assert a.quantity > 0
        assert lot.entry_date <= ship.date, "allocated before entry"
        assert lot.limit_date is None or ship.date <= lot.limit_date, "allocated after expiry"
        allocated[a.lot_id] += a.quantity
        values[a.lot_id] += a.value_usd
        assert allocated[a.lot_id] <= lot.quantity, "balance went negative"
    for lot_id, qty in allocated.items():
        lot = by_id[lot_id]
        open_qty = lot.quantity - qty
        assert open_qty >= 0  # imported = allocated + open
        if open_qty == 0:
            assert values[lot_id] == lot.value_usd
    # FIFO: a non-directed allocation never passes over an older usable lot with balance left
    # at the end of the run unless that lot was expired or not yet entered at that date.
    remaining = {lot.lot_id: lot.quantity - allocated.get(lot.lot_id, Decimal(0)) for lot in lots}
    for a in result.allocations:
        if a.directed:
            continue
        ship = ship_by_id[a.shipment_id]
        used = by_id[a.lot_id]
        for lot in lots:
            if lot.part != used.part or lot.clave not in ("IN", "AF"):
                continue
            if fifo_key(lot) < fifo_key(used) and remaining[lot.lot_id] > 0:
                assert lot.limit_date is not None and ship.date > lot.limit_date, (
                    "FIFO skipped an older open usable lot"
                )


@SETTINGS
@given(st.booleans().flatmap(lambda m: plants(multilevel=m)))
def test_invariants_and_determinism(plant) -> None:  # type: ignore[no-untyped-def]
    lots, ships, bom = plant
    result = discharge_domain(lots, ships, bom)
    _invariants(lots, ships, result)
    assert (
        discharge_domain(list(reversed(lots)), list(reversed(ships)), list(reversed(bom))) == result
    )
    for s in result.shortfalls:
        assert 0 < s.missing <= s.required


def _records(seed: int) -> tuple[list[ImportLot], list[Shipment], list[BomLine]]:
    """A generated plant (ILLUSTRATIVE) as domain records, 18-month limits, AF without."""
    from immex.domain.discharge.rules import limit_date
    from immex.samples.plant_generator import PlantSpec, generate

    spec = PlantSpec(
        seed=seed,
        materials=30,
        products=5,
        components=6,
        shipments=400,
        lots=800,
        days=760,
        directed=0.03,
        slow_movers=0.2,
        short_parts=0.1,
    )
    data = generate(spec)
    lots = [
        ImportLot(
            i,
            r[0],
            r[1],
            date.fromisoformat(r[2]),
            r[3],
            Decimal(r[4]),
            Decimal(r[5]),
            limit_date=limit_date(date.fromisoformat(r[2]), None if r[1] == "AF" else 18),
        )
        for i, r in enumerate(data["pedimentos"], start=1)
    ]
    lines: dict[str, int] = defaultdict(int)
    ships = []
    for i, r in enumerate(data["shipments"], start=1):
        lines[r[0]] += 1
        ships.append(
            Shipment(
                i,
                r[0],
                lines[r[0]],
                r[1],
                date.fromisoformat(r[2]),
                r[3],
                Decimal(r[4]),
                pedimento=r[7] or None,
            )
        )
    bom = [
        BomLine(
            r[0],
            r[1],
            Decimal(r[2]),
            Decimal(r[3] or "0"),
            date.fromisoformat(r[4]) if r[4] else None,
            date.fromisoformat(r[5]) if r[5] else None,
        )
        for r in data["bom"]
    ]
    return lots, ships, bom


@settings(max_examples=6, deadline=None)
@given(st.integers(1, 10_000))
def test_generated_plants_fast_equals_reference(seed: int) -> None:
    lots, ships, bom = _records(seed)
    ref = discharge_reference(lots, ships, bom)
    assert discharge_domain(lots, ships, bom) == ref
    _invariants(lots, ships, ref)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.booleans().flatmap(lambda m: plants(multilevel=m)), st.sampled_from([(1, 1), (2, 1), (3, 2)])
)
def test_tiny_windows_chain_exactly(plant, widths) -> None:  # type: ignore[no-untyped-def]
    """The fast engine's windows restart from balances; tiny windows must not change a thing."""
    from immex.domain.discharge import kernel as fe

    lots, ships, bom = plant
    saved = fe.WINDOW_MAX, fe.WINDOW_AFTER_LATE
    fe.WINDOW_MAX, fe.WINDOW_AFTER_LATE = widths
    try:
        assert discharge_domain(lots, ships, bom) == discharge_reference(lots, ships, bom)
    finally:
        fe.WINDOW_MAX, fe.WINDOW_AFTER_LATE = saved


def _flattened(bom: list[BomLine]) -> list[BomLine]:
    """A single-level BOM with the same needs as ``bom`` (open versions, exact factors):
    each product's factor per material summed over every route, computed independently."""
    lines: dict[str, list[BomLine]] = defaultdict(list)
    for b in bom:
        lines[b.product].append(b)

    def factors(product: str) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for b in lines[product]:
            if b.component in lines:
                for m, f in factors(b.component).items():
                    out[m] += b.qty_per_unit * f
            else:
                out[b.component] += b.qty_per_unit
        return out

    return [BomLine(p, m, f) for p in lines for m, f in sorted(factors(p).items())]


@SETTINGS
@given(plants(multilevel=True))
def test_multilevel_equals_its_flattened_bom_when_nothing_rounds(plant) -> None:  # type: ignore[no-untyped-def]
    """With whole quantities per unit, no scrap and open versions nothing is rounded, so the
    explosion through sub-assemblies must equal a hand-flattened single-level BOM."""
    lots, ships, bom = plant
    whole = {p: Decimal(1 + (i % 3)) for i, p in enumerate(sorted({b.product for b in bom}))}
    simple = list(
        {
            (b.product, b.component): BomLine(b.product, b.component, whole[b.product]) for b in bom
        }.values()
    )
    ships = [replace(s, quantity=Decimal(int(s.quantity) + 1)) for s in ships]
    flat = discharge_domain(lots, ships, _flattened(simple))
    assert discharge_domain(lots, ships, simple) == flat
    assert discharge_reference(lots, ships, simple) == flat
