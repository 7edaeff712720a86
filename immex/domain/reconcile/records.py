"""The plain records the reconciliation compares, and the helpers its steps share."""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from immex.domain.messages import Msg, joined
from immex.domain.reconcile.wording import REFS_MORE

CATEGORIES = (
    "only_in_sat",
    "only_in_ledger",
    "quantity_value",
    "discharge",
    "rectification",
    "open_past_limit",
)

#: unit names → Annex 22 appendix 7 code (UMC/UMT of pedimentos); confidence M
UNIT_CODES: dict[str, str] = {
    **dict.fromkeys(("KG", "KGM", "KGS", "KILO", "KILOS", "KILOGRAMO"), "1"),
    **dict.fromkeys(("G", "GR", "GRM", "GRAMO"), "2"),
    **dict.fromkeys(("M", "MT", "MTR", "METRO", "METRO LINEAL"), "3"),
    **dict.fromkeys(("M2", "MTK", "METRO CUADRADO"), "4"),
    **dict.fromkeys(("M3", "MTQ", "METRO CUBICO"), "5"),
    **dict.fromkeys(("PZA", "PZ", "PZS", "PIEZA", "PIEZAS", "PCS", "PC", "EA", "H87", "C62"), "6"),
    **dict.fromkeys(("L", "LT", "LTR", "LITRO"), "8"),
    **dict.fromkeys(("PAR", "PR", "PARES"), "9"),
    **dict.fromkeys(("MIL", "MILLAR"), "11"),
    **dict.fromkeys(("JGO", "JUEGO", "SET", "KT", "KIT"), "12"),
    **dict.fromkeys(("TON", "TNE", "TONELADA"), "14"),
}


@lru_cache(maxsize=4096)
def unit_code(unit: str | int | None) -> str | None:
    """The Annex 22 appendix 7 code of a unit given as code or name (None if unknown)."""
    if unit is None:
        return None
    text = str(unit).strip().upper()
    if text.isdigit():
        return str(int(text))
    return UNIT_CODES.get(text)


@lru_cache(maxsize=65536)
def fraccion_digits(text: str | None) -> str | None:
    """``8544.30.99`` / ``85443099`` / ``8544309901`` → ``85443099``."""
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[:8] if len(digits) >= 8 else digits or None


@dataclass(frozen=True, slots=True)
class SatPedimento:
    number: str  # 15 digits
    clave: str
    tipo_operacion: int  # 1 import, 2 export
    paid: date
    ref: str
    superseded_by: str | None = None  # number of the pedimento that rectified it
    rectifies: str | None = None


@dataclass(frozen=True, slots=True)
class SatLine:
    number: str
    fraccion: str  # 8 digits
    secuencia: int
    qty_umc: Decimal | None
    umc: str | None  # Annex 22 code
    qty_umt: Decimal | None
    umt: str | None
    value_usd: Decimal | None
    ref: str


@dataclass(frozen=True, slots=True)
class SatDischarge:
    """A 512 row: ``number`` (paid ``paid``) discharges goods of ``original``."""

    number: str
    paid: date
    original: str
    clave_original: str | None
    fraccion: str | None
    unit: str | None
    quantity: Decimal | None
    ref: str


@dataclass(frozen=True, slots=True)
class LedgerPedimento:
    number: str
    clave: str
    entry_date: date
    ref: str


@dataclass(frozen=True, slots=True)
class LedgerLine:
    number: str
    fraccion: str
    quantity: Decimal  # in ``unit`` (the material's UMC)
    unit: str | None
    value_usd: Decimal | None
    ref: str
    qty_umt: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LedgerDischarge:
    """Journal quantity taken from ``original`` (a lot's pedimento) on ``date``."""

    original: str
    fraccion: str
    quantity: Decimal
    unit: str | None
    date: date
    ref: str


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Differences at or below these are not reported (absolute, in the unit compared)."""

    quantity: Decimal = Decimal("0.001")
    value_usd: Decimal = Decimal("1.00")


@dataclass(frozen=True, slots=True)
class Difference:
    category: str  # one of CATEGORIES
    pedimento: str
    fraccion: str | None
    field: str
    sat_value: Decimal | str | None
    ledger_value: Decimal | str | None
    difference: Decimal | None  # SAT − ledger where both are numbers
    sat_ref: str | None
    ledger_ref: str | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    date_from: date | None
    date_to: date | None
    as_of: date
    tolerance: Tolerance
    differences: tuple[Difference, ...]
    totals: dict[str, int]
    compared: dict[str, int]
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- helpers


def in_period(d: date, lo: date | None, hi: date | None) -> bool:
    """``d`` within [lo, hi] (an open end: no bound)."""
    return (lo is None or d >= lo) and (hi is None or d <= hi)


def refs_text(refs: Iterable[str], limit: int = 3) -> Msg:
    """The first ``limit`` records, and how many more (each record a message or a code)."""
    items = sorted(set(refs))
    shown = joined(items[:limit])
    return REFS_MORE(refs=shown, n=len(items) - limit) if len(items) > limit else shown


def chain_heads(peds: Iterable[SatPedimento]) -> dict[str, str]:
    """number → number of the current version (itself when not rectified)."""
    nxt = {p.number: p.superseded_by for p in peds if p.superseded_by}
    out: dict[str, str] = {}
    for start in nxt:
        seen = {start}
        cur = start
        while cur in nxt and nxt[cur] not in seen:
            cur = nxt[cur] or cur
            seen.add(cur)
        out[start] = cur
    return out


@dataclass
class Agg:
    """Quantities per unit, UMT quantity, USD value and the records they came from."""

    qty: dict[str | None, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    qty_umt: Decimal = Decimal(0)
    has_umt: bool = False
    umt_units: set[str | None] = field(default_factory=set)
    value: Decimal = Decimal(0)
    has_value: bool = False
    refs: list[str] = field(default_factory=list)


def beyond(diff: Decimal, tol: Decimal) -> bool:
    """A difference worth reporting."""
    return abs(diff) > tol
