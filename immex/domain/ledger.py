"""Annex 24 ledger records (RGCE rule 4.3.1; LA 59-I): master data, movements, discharge.

Plain frozen dataclasses, Decimal quantities and USD values. Quantities carry at most six
decimals and values at most four (the precision the store keeps); the discharge rules in
:mod:`immex.domain.discharge.rules` round to those steps and say where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from immex.domain.messages import Template

#: kinds of goods of a material; each has its own IMMEX time limit (RULES.md I-2)
MATERIAL_KINDS = ("input", "consumable", "packaging", "container", "fixed_asset")
#: what a shipment is: export (returned abroad), domestic sale, transfer to another IMMEX
#: company, or destruction of waste and scrap under the rules (LA 109 ¶3, RULES C-5: no IGI;
#: needs the notice or acta as evidence). Waste *sold* in Mexico is a domestic sale (F4).
SHIPMENT_KINDS = ("export", "domestic", "transfer", "destruction")
#: pedimento keys of temporary imports that the discharge draws from (RULES.md section 5)
TEMPORARY_KEYS = ("IN", "AF")
#: pedimento keys accepted on imported lots (RGCE Annex 22 appendix 2, the IMMEX subset)
LOT_KEYS = (
    "IN",
    "AF",
    "V1",
    "V2",
    "V3",
    "V4",
    "V5",
    "V6",
    "V7",
    "V8",
    "V9",
    "A1",
    "A3",
    "H1",
    "RT",
    "F4",
    "F5",
    "BO",
    "IM",
    "K1",
    "C1",
    "G1",
)
#: discharge keys: export → RT (return), domestic → F4 (F5 for fixed assets), transfer → V1
#: and destruction → DESTR (no pedimento: the destruction notice / acta is the document)
DISCHARGE_KEYS = ("RT", "F4", "F5", "V1", "DESTR")
#: the journal key of a destruction (not a pedimento key: Annex 24 shows it as "destrucción")
DESTRUCTION_KEY = "DESTR"


@dataclass(frozen=True, slots=True)
class Material:
    part_number: str
    description: str
    kind: str  # one of MATERIAL_KINDS
    fraccion: str  # dotted 8 digits
    umc: str


@dataclass(frozen=True, slots=True)
class Product:
    part_number: str
    description: str
    fraccion: str
    umc: str


@dataclass(frozen=True, slots=True)
class BomLine:
    """One component of a product in a dated BOM version (inclusive dates; None = open)."""

    product: str
    component: str
    qty_per_unit: Decimal
    scrap_pct: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, when: date) -> bool:
        return (self.valid_from is None or self.valid_from <= when) and (
            self.valid_to is None or when <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class ImportLot:
    """One part on one pedimento: what entered, when, and until when it may stay.

    ``lot_id`` is the store's sequence (the last FIFO tie-break); ``start_date`` is the
    start of the legal clock when it differs from the entry date (RLA 173, RULES.md I-3);
    ``limit_date`` is the last day the lot may be discharged (None: no limit, e.g. fixed
    assets while the program is in force).
    """

    lot_id: int
    pedimento: str  # 15 digits, no spaces
    clave: str
    entry_date: date
    part: str
    quantity: Decimal
    value_usd: Decimal
    origin: str = ""
    fraccion: str = ""
    fx: Decimal | None = None
    certificate: str | None = None
    kind: str = "input"
    start_date: date | None = None
    limit_date: date | None = None

    @property
    def clock_start(self) -> date:
        return self.start_date or self.entry_date


@dataclass(frozen=True, slots=True)
class Shipment:
    """One line of an outgoing document; ``pedimento`` set = directed discharge."""

    shipment_id: int
    document: str
    line: int
    kind: str  # one of SHIPMENT_KINDS
    date: date
    product: str
    quantity: Decimal
    destination: str = ""
    value_usd: Decimal | None = None
    pedimento: str | None = None
    evidence: str = ""  # a destruction's notice or acta number


@dataclass(frozen=True, slots=True)
class Consumption:
    """A shipment's need of one component (BOM quantity with scrap, rounded to 6 places)."""

    shipment_id: int
    component: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """One journal row: shipment → lot → quantity, value (USD) and discharge key."""

    shipment_id: int
    component: str
    lot_id: int
    quantity: Decimal
    value_usd: Decimal
    key: str  # one of DISCHARGE_KEYS
    directed: bool = False


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Not enough open quantity of ``part`` at the shipment date."""

    shipment_id: int
    part: str
    required: Decimal
    missing: Decimal


@dataclass(frozen=True, slots=True)
class ExpiredLotUse:
    """A lot past its legal limit that a discharge reached and skipped (regularise: A3)."""

    lot_id: int
    part: str
    limit_date: date
    shipment_id: int
    date: date
    open_quantity: Decimal


@dataclass(frozen=True, slots=True)
class UnexplodedShipment:
    """A shipment whose product has no BOM version in force on its date."""

    shipment_id: int
    product: str
    date: date


@dataclass(frozen=True, slots=True)
class DischargeResult:
    allocations: tuple[Allocation, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    expired: tuple[ExpiredLotUse, ...] = ()
    unexploded: tuple[UnexplodedShipment, ...] = ()
    consumptions: int = field(default=0)


AF_NOT_FIXED_ASSET = Template(
    "ledger.af_not_fixed_asset",
    "AF is the key of fixed assets (LA 108-III); the material is of kind {kind}",
)
FIXED_ASSET_NOT_AF = Template(
    "ledger.fixed_asset_not_af",
    "the material is a fixed asset: its temporary import takes key AF (LA 108-III)",
)


def lot_key_mismatch(clave: str, kind: str | None) -> str | None:
    """Why a temporary-import key does not fit the kind of good, or None when it does.

    IMMEX temporary imports: AF is the key of fixed assets, IN of everything else (Annex 22
    keys; LA 108-III gives fixed assets the program's validity, 108-I/II give inputs 18 months
    and containers 2 years) — a lot under the wrong key would get the wrong time limit.
    ``kind`` None (an unknown part) is reported elsewhere.
    """
    if kind is None:
        return None
    if clave == "AF" and kind != "fixed_asset":
        return AF_NOT_FIXED_ASSET(kind=kind)
    if clave == "IN" and kind == "fixed_asset":
        return FIXED_ASSET_NOT_AF()
    return None
