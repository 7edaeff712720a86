"""The discharge rules, stated once; both engines follow them to the digit.

- Shipments are processed in the order (date, document, line, id).
- A shipment explodes through the BOM lines of its product in force on its date (and down
  every level of its sub-assemblies, :mod:`.bom_tree`), one consumption per material, in
  component order; need = quantity × qty_per_unit × (1 + scrap_pct / 100), rounded half-up
  to 6 decimals (the store's quantity step).
- The lots of a component are taken first-in-first-out: (entry date, pedimento, lot id).
  Only temporary imports (IN, AF) count; a lot is usable on a date when it entered on or
  before that date and the date is not after its limit date. A directed shipment takes
  first from the lots of its pedimento, then FIFO from the rest.
- A lot reached with open quantity after its limit is skipped and reported once (A3).
- Value of an allocation = round4(V × used_after / Q) − round4(V × used_before / Q), where
  V, Q are the lot's value and quantity and used_* the lot's cumulative allocated quantity:
  the values of a fully used lot add up to its value exactly.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal

from immex.domain.errors import InvalidInput
from immex.domain.ledger import DESTRUCTION_KEY, ImportLot, Shipment
from immex.domain.messages import Template

UNKNOWN_SHIPMENT_KIND = Template(
    "discharge.unknown_shipment_kind",
    "unknown shipment kind {shipment_kind}",
)


QTY_PLACES = 6
VALUE_PLACES = 4
QTY_STEP = Decimal(1).scaleb(-QTY_PLACES)
VALUE_STEP = Decimal(1).scaleb(-VALUE_PLACES)
_WIDE = Context(prec=80)


def consumption_quantity(quantity: Decimal, qty_per_unit: Decimal, scrap_pct: Decimal) -> Decimal:
    """Component need of a shipment line, with scrap, half-up to 6 decimals."""
    exact = _WIDE.multiply(
        _WIDE.multiply(quantity, qty_per_unit),
        _WIDE.add(Decimal(1), _WIDE.divide(scrap_pct, Decimal(100))),
    )
    return exact.quantize(QTY_STEP, rounding=ROUND_HALF_UP, context=_WIDE)


def _share(value: Decimal, used: Decimal, quantity: Decimal) -> Decimal:
    exact = _WIDE.divide(_WIDE.multiply(value, used), quantity)
    return exact.quantize(VALUE_STEP, rounding=ROUND_HALF_UP, context=_WIDE)


def allocation_value(
    lot_value: Decimal, lot_quantity: Decimal, used_before: Decimal, used_after: Decimal
) -> Decimal:
    """USD value of taking ``used_after - used_before`` from a lot (conserves the lot value)."""
    after = _share(lot_value, used_after, lot_quantity)
    return after - _share(lot_value, used_before, lot_quantity)


def discharge_key(shipment_kind: str, lot_clave: str) -> str:
    """RT for exports, V1 for transfers, F4 for domestic sales (F5 for fixed assets, AF),
    DESTR for a destruction (LA 109 ¶3: no IGI, RULES C-5)."""
    if shipment_kind == "export":
        return "RT"
    if shipment_kind == "transfer":
        return "V1"
    if shipment_kind == "domestic":
        return "F5" if lot_clave == "AF" else "F4"
    if shipment_kind == "destruction":
        return DESTRUCTION_KEY
    raise InvalidInput(UNKNOWN_SHIPMENT_KIND(shipment_kind=repr(shipment_kind)), field="kind")


def fifo_key(lot: ImportLot) -> tuple[date, str, int]:
    return (lot.entry_date, lot.pedimento, lot.lot_id)


def shipment_order(shipment: Shipment) -> tuple[date, str, int, int]:
    return (shipment.date, shipment.document, shipment.line, shipment.shipment_id)


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later (the month's last day when that day does not exist)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def limit_date(start: date, months: int | None) -> date | None:
    """Last day a lot may be discharged: the clock start plus the limit in months (LA 108;
    Decreto IMMEX art. 4). ``None`` months = no limit while the program is in force."""
    return None if months is None else add_months(start, months)


def usable(lot: ImportLot, when: date) -> bool:
    return lot.entry_date <= when and (lot.limit_date is None or when <= lot.limit_date)


def open_value_e4(value_e4: int, quantity_micro: int, used_micro: int) -> int:
    """Value of a lot not yet allocated, in 1/10,000 USD, once ``used_micro`` of its
    ``quantity_micro`` is taken: V − round4(V × used / Q), the value step above."""
    allocated = (2 * value_e4 * used_micro + quantity_micro) // (2 * quantity_micro)
    return value_e4 - allocated
