"""FIFO discharge of temporary imports (RGCE 4.3.1 / Annex 24).

:mod:`.rules` states the rules once (ordering, rounding, keys, time limits);
:mod:`.oracle` applies them row by row — the oracle. The fast engine
(``immex.domain.discharge.kernel``, numpy) must produce the identical journal.
"""

from immex.domain.discharge.oracle import discharge_reference
from immex.domain.discharge.rules import (
    QTY_PLACES,
    VALUE_PLACES,
    add_months,
    allocation_value,
    consumption_quantity,
    discharge_key,
    fifo_key,
    limit_date,
    shipment_order,
)

__all__ = [
    "QTY_PLACES",
    "VALUE_PLACES",
    "add_months",
    "allocation_value",
    "consumption_quantity",
    "discharge_key",
    "discharge_reference",
    "fifo_key",
    "limit_date",
    "shipment_order",
]
