"""The FIFO of a shipment that has not happened: the discharge engine on a copy of the plant.

A what-if adds one shipment line — product, quantity, date, optionally a directed
pedimento — to the company's plant *in memory* and runs the fast engine
(:func:`immex.domain.discharge.kernel.discharge_fast`) over the recorded shipments up to
that date and the simulated one, which is processed as the **last shipment of its day**.
Nothing is written: the plant is the one a discharge run reads
(:func:`immex.services.discharge.plant.load_plant`), restricted to what can touch the
simulated line (the lots of its components, the BOM lines of those components and the
shipments of the products that use them), which gives the same allocations as a run over
everything — FIFO is per component (RULES I-9; the property test compares with a real
run on a copy of the workspace).

Between shipments the FIFO's state is just the lots' balances, so when the line comes after
every shipment of those products the current discharge run discharged, and the run covers
the ledger, the plant carries none of them: its lots start from what that run used of each
(``Plant.lot_used``, :mod:`.plant_slice`) and the engine walks only the lines imported
since the run and the simulated one (the property test checks that this and the replay give
the same answer).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from immex.domain.discharge import kernel as fe
from immex.domain.errors import InvalidInput, NotFound
from immex.domain.messages import Template

QUANTITY_NOT_POSITIVE = Template("simulate.quantity_not_positive", "--quantity must be positive")
NO_BOM_NO_SHIPMENTS = Template(
    "simulate.no_bom_no_shipments",
    "product {product} has no BOM and no shipments in this workspace; import its BOM with "
    "`immex import bom`",
)
NO_BOM = Template(
    "simulate.no_bom",
    "product {product} has no BOM in this workspace; import its BOM with `immex import bom`",
)
NO_BOM_ON = Template(
    "simulate.no_bom_on",
    "product {product} has no BOM version in force on {day}: nothing to simulate",
)

#: the simulated line's shipment id inside the engine (never a stored id)
SIMULATED_ID = -1


@dataclass(frozen=True, slots=True)
class SimulatedLine:
    product: str
    quantity_micro: int
    day: int
    #: a directed pedimento (as the 15-digit integer) or None
    pedimento: int | None = None
    kind: str = "domestic"


@dataclass(frozen=True, slots=True)
class Simulation:
    """What the engine did with the simulated line, in engine units (µ, 1/10,000 USD)."""

    #: allocations of the simulated line: lot index into ``plant``, quantity, value, directed
    lot_index: np.ndarray
    qty: np.ndarray
    value: np.ndarray
    directed: np.ndarray
    #: components short: part, required µ, missing µ
    shortfalls: list[tuple[str, int, int]]
    #: lots of the line's components past their limit with an open balance on the day
    expired_index: np.ndarray
    expired_open: np.ndarray
    #: open balance (µ) after the simulated line of every lot of its components
    open_after: np.ndarray
    components: list[str]
    plant: fe.Plant
    #: recorded shipments after the day that use the same components (displaced if real)
    later_shipments: int
    recorded_shipments: int
    #: the discharge run whose open balances the line started from (None: every recorded
    #: shipment up to the date was replayed)
    from_run: int | None = None


def _components(plant: fe.Plant, product: int, day: int) -> np.ndarray:
    """The parts the line consumes, through every level of its sub-assemblies."""
    return fe.parts_consumed_on(plant, product, day)


def restrict(plant: fe.Plant, components: np.ndarray) -> fe.Plant:
    """The plant limited to ``components``: their lots, BOM lines, and the shipments of
    the products that use them (the FIFO of those components is unchanged)."""
    lots = np.isin(plant.lot_part, components)
    # the lines of those components and of the sub-assemblies that lead to them
    bom = np.isin(plant.bom_comp, fe.parts_reaching(plant, components))
    users = np.unique(plant.bom_product[bom])
    ships = np.isin(plant.ship_product, users)
    return replace(
        plant,
        lot_id=plant.lot_id[lots],
        lot_part=plant.lot_part[lots],
        lot_entry=plant.lot_entry[lots],
        lot_limit=plant.lot_limit[lots],
        lot_qty=plant.lot_qty[lots],
        lot_value=plant.lot_value[lots],
        lot_ped=plant.lot_ped[lots],
        lot_af=plant.lot_af[lots],
        ship_id=plant.ship_id[ships],
        ship_date=plant.ship_date[ships],
        ship_kind=plant.ship_kind[ships],
        ship_product=plant.ship_product[ships],
        ship_qty=plant.ship_qty[ships],
        ship_ped=plant.ship_ped[ships],
        bom_product=plant.bom_product[bom],
        bom_comp=plant.bom_comp[bom],
        bom_factor=plant.bom_factor[bom],
        bom_from=plant.bom_from[bom],
        bom_to=plant.bom_to[bom],
        lot_used=None if plant.lot_used is None else plant.lot_used[lots],
    )


def _with_line(plant: fe.Plant, line: SimulatedLine, product: int) -> tuple[fe.Plant, int]:
    """The plant cut after ``line.day`` with the simulated line last of that day."""
    at = int(np.searchsorted(plant.ship_date, line.day, side="right"))

    def put(a: np.ndarray, v: int) -> np.ndarray:
        return np.concatenate((a[:at], np.asarray([v], dtype=a.dtype)))

    out = replace(
        plant,
        ship_id=put(plant.ship_id, SIMULATED_ID),
        ship_date=put(plant.ship_date, line.day),
        ship_kind=put(plant.ship_kind, fe.KIND_CODES[line.kind]),
        ship_product=put(plant.ship_product, product),
        ship_qty=put(plant.ship_qty, line.quantity_micro),
        ship_ped=put(plant.ship_ped, -1 if line.pedimento is None else line.pedimento),
    )
    return out, at


def _past_emptied(plant: fe.Plant) -> fe.Plant:
    """``plant`` with every lot past its limit before its first shipment starting empty.
    No shipment allocates from such a lot (a walk that reaches it writes it off), but from a
    run's balances one may still show what the run left (the run wrote it off, or never
    reached it): starting it empty gives the same allocations, without restarting the walk
    at each of them."""
    if plant.lot_used is None or not len(plant.ship_date):
        return plant
    past = plant.lot_limit < plant.ship_date[0]
    return replace(plant, lot_used=np.where(past, plant.lot_qty, plant.lot_used))


def simulate(
    plant: fe.Plant, line: SimulatedLine, *, earlier_lines: int = 0, from_run: int | None = None
) -> Simulation:
    """Run the engine with ``line`` added; nothing is stored. A ``plant`` whose lots carry
    the use of run ``from_run`` (``lot_used``: the balances after ``earlier_lines``
    recorded shipment lines, all dated on or before the line) holds only the lines
    recorded after those: the FIFO walks them and the line as it would after replaying
    the earlier ones."""
    if line.quantity_micro <= 0:
        raise InvalidInput(QUANTITY_NOT_POSITIVE(), field="quantity")
    if line.product not in plant.products:
        raise NotFound(NO_BOM_NO_SHIPMENTS(product=repr(line.product)), field="product")
    product = plant.products.index(line.product)
    comps = _components(plant, product, line.day)
    if not len(comps):
        raise NotFound(
            NO_BOM_ON(product=repr(line.product), day=fe.from_day(line.day)), field="product"
        )
    small = restrict(plant, comps)
    later = int((small.ship_date > line.day).sum())
    small, at = _with_line(small, line, product)
    journal = fe.discharge_fast(_past_emptied(small))
    mine = journal.a_ship == at
    # lot balances after the run (the simulated line included)
    taken = np.zeros(len(small.lot_id), dtype=np.int64)
    if small.lot_used is not None:
        taken += small.lot_used
    np.add.at(taken, journal.a_lot, journal.a_qty)
    open_after = small.lot_qty - taken
    past = (small.lot_limit < line.day) & (small.lot_entry <= line.day) & (open_after > 0)
    shorts = journal.s_ship == at
    return Simulation(
        lot_index=journal.a_lot[mine].astype(np.int64),
        qty=journal.a_qty[mine],
        value=journal.a_value[mine],
        directed=journal.a_directed[mine],
        shortfalls=[
            (small.parts[c], int(r), int(m))
            for c, r, m in zip(
                journal.s_comp[shorts].tolist(),
                journal.s_required[shorts].tolist(),
                journal.s_missing[shorts].tolist(),
                strict=True,
            )
        ],
        expired_index=np.flatnonzero(past),
        expired_open=open_after[past],
        open_after=open_after,
        components=[small.parts[c] for c in comps.tolist()],
        plant=small,
        later_shipments=later,
        recorded_shipments=earlier_lines + at,
        from_run=from_run,
    )
