"""The illustrative electronics manufacturer of ``immex demo``.

ILLUSTRATIVE DATA. The company, its parts, bills of materials, pedimentos and shipments
are invented (seeded, deterministic); the tariff fractions and their rates come from the
LIGIE, the PROSEC rows from the DOF 23-04-2026 excerpt, exchange rates and INPC from the
bundled Banxico/INEGI series — all real, none typed in here.

The files written follow the layouts of the ledger importers (``immex import materials /
products / bom / pedimentos / shipments``), so the demo goes through the same services a
user does.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from immex.domain.money import D

ILLUSTRATIVE_NOTICE = (
    "DATOS ILUSTRATIVOS / ILLUSTRATIVE DATA: empresa, partes y movimientos ficticios; "
    "fracciones, tasas, tipo de cambio e INPC reales."
)

#: the seed of every random draw (change it and the whole demo changes, reproducibly)
DEMO_SEED = 20260228

COMPANY_RFC = "EIN150301ABA"  # well-formed, fictitious
COMPANY_NAME = "Electrónica Ilustrativa del Norte, S.A. de C.V. (ilustrativa)"
IMMEX_PROGRAM = "IMMEX-2015-0000 (ilustrativo)"


def is_demo_company(rfc: str) -> bool:
    """Whether ``rfc`` is the illustrative company of ``immex demo``."""
    return rfc == COMPANY_RFC


#: the one PROSEC sector the company is registered in (Decreto PROSEC art. 3 fr. II)
PROSEC_SECTORS = ("II",)


@dataclass(frozen=True, slots=True)
class Part:
    part: str
    description: str
    kind: str  # input | consumable | packaging | container | fixed_asset
    fraccion: str  # real LIGIE fraction (dotted)
    umc: str
    price_usd: Decimal  # per umc (illustrative)
    origins: tuple[str, ...]  # suppliers' countries, first = main
    slow: bool = False  # bought in bulk once, used slowly (ages toward its limit)


#: inputs, with real fractions of the LIGIE 2022 Tarifa (rates read from the bundled book)
PARTS: tuple[Part, ...] = (
    Part(
        "MCU-32F4",
        "Microcontrolador 32 bits (circuito integrado)",
        "input",
        "8542.31.03",
        "Pza",
        D("2.80"),
        ("TWN", "CHN"),
    ),
    Part("MEM-8G", "Memoria flash 8 Gb", "input", "8542.32.02", "Pza", D("1.90"), ("KOR",)),
    Part(
        "CAP-AL470",
        "Capacitor electrolítico de aluminio 470 uF",
        "input",
        "8532.22.04",
        "Pza",
        D("0.12"),
        ("CHN", "VNM"),
    ),
    Part(
        "CAP-MLCC",
        "Capacitor cerámico multicapa",
        "input",
        "8532.24.04",
        "Pza",
        D("0.011"),
        ("KOR",),
    ),
    Part(
        "RES-SMD",
        "Resistencia fija SMD <= 20 W",
        "input",
        "8533.21.01",
        "Pza",
        D("0.004"),
        ("CHN",),
    ),
    Part(
        "PCB-4L",
        "Circuito impreso 4 capas",
        "input",
        "8534.00.04",
        "Pza",
        D("3.50"),
        ("CHN", "TWN"),
    ),
    Part(
        "DIO-FR", "Diodo de recuperación rápida", "input", "8541.10.01", "Pza", D("0.05"), ("CHN",)
    ),
    Part("MOS-650", "Transistor MOSFET 650 V", "input", "8541.29.99", "Pza", D("0.60"), ("TWN",)),
    Part(
        "STL-SI",
        "Lámina de acero magnético al silicio (núcleo de transformador)",
        "input",
        "7225.19.99",
        "Kg",
        D("2.10"),
        ("CHN",),
    ),
    Part(
        "STL-HR",
        "Lámina de acero laminada en caliente < 3 mm (gabinete)",
        "input",
        "7208.39.01",
        "Kg",
        D("1.20"),
        ("KOR",),
    ),
    Part(
        "STL-CR",
        "Lámina de acero laminada en frío (soportes)",
        "input",
        "7209.16.01",
        "Kg",
        D("1.30"),
        ("CHN",),
    ),
    Part(
        "WIR-CU",
        "Alambre de cobre esmaltado para bobinar",
        "input",
        "8544.11.01",
        "Kg",
        D("11.50"),
        ("VNM",),
    ),
    Part(
        "HRN-IO",
        "Arnés de cables con conectores",
        "input",
        "8544.42.99",
        "Pza",
        D("4.20"),
        ("VNM", "USA"),
    ),
    Part(
        "CON-TB",
        "Bloque de conexión (terminal)",
        "input",
        "8536.69.99",
        "Pza",
        D("0.35"),
        ("USA", "CHN"),
    ),
    Part(
        "CON-RJ",
        "Conector RJ45 de servicio",
        "input",
        "8536.69.99",
        "Pza",
        D("0.42"),
        ("CHN",),
        slow=True,
    ),
    Part("SCR-M4", "Tornillo M4 de acero", "input", "7318.15.99", "Pza", D("0.02"), ("CHN",)),
    Part("ENC-PC", "Gabinete de policarbonato", "input", "3926.90.99", "Pza", D("3.80"), ("CHN",)),
    Part(
        "BAT-LI",
        "Batería de iones de litio 12 V",
        "input",
        "8507.60.01",
        "Pza",
        D("28.00"),
        ("KOR", "CHN"),
    ),
    Part(
        "BAT-SP",
        "Batería de iones de litio de repuesto",
        "input",
        "8507.60.01",
        "Pza",
        D("31.00"),
        ("KOR",),
        slow=True,
    ),
    Part(
        "BOX-CC", "Caja de cartón corrugado", "packaging", "4819.10.01", "Pza", D("1.10"), ("USA",)
    ),
    Part(
        "FLM-PE",
        "Película de polietileno para empaque",
        "packaging",
        "3920.10.05",
        "Kg",
        D("2.40"),
        ("USA",),
    ),
)


@dataclass(frozen=True, slots=True)
class ProductSpec:
    part: str
    description: str
    fraccion: str
    umc: str
    price_usd: Decimal
    export_month: int  # units exported per month (USA/CAN)
    domestic_month: int  # units sold in Mexico per month


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("UPS-1500", "No-break (UPS) 1500 VA", "8504.40.16", "Pza", D("180"), 260, 30),
    ProductSpec(
        "PSU-600",
        "Fuente de poder 600 W para equipo de cómputo",
        "8504.40.14",
        "Pza",
        D("62"),
        900,
        80,
    ),
    ProductSpec(
        "MTR-3F", "Medidor eléctrico trifásico inteligente", "9028.30.99", "Pza", D("95"), 250, 60
    ),
)

_S = D("0")  # no scrap
#: (product, component, qty per unit, scrap %); dated versions below
_BOM_BASE: dict[str, list[tuple[str, str, str]]] = {
    "UPS-1500": [
        ("MCU-32F4", "1", "0.5"),
        ("MEM-8G", "1", "0.5"),
        ("CAP-AL470", "12", "1"),
        ("CAP-MLCC", "60", "2"),
        ("RES-SMD", "80", "2"),
        ("PCB-4L", "2", "0.5"),
        ("DIO-FR", "8", "1"),
        ("MOS-650", "6", "1"),
        ("STL-SI", "3.2", "4"),
        ("STL-HR", "2.5", "6"),
        ("WIR-CU", "0.6", "3"),
        ("HRN-IO", "2", "0"),
        ("CON-TB", "6", "1"),
        ("SCR-M4", "18", "2"),
        ("BAT-LI", "2", "0"),
        ("BOX-CC", "1", "0"),
        ("FLM-PE", "0.05", "5"),
    ],
    "PSU-600": [
        ("MCU-32F4", "1", "0.5"),
        ("CAP-AL470", "8", "1"),
        ("CAP-MLCC", "40", "2"),
        ("RES-SMD", "50", "2"),
        ("PCB-4L", "1", "0.5"),
        ("DIO-FR", "6", "1"),
        ("MOS-650", "4", "1"),
        ("STL-SI", "0.8", "4"),
        ("WIR-CU", "0.15", "3"),
        ("STL-CR", "0.6", "5"),
        ("STL-HR", "0.9", "6"),
        ("CON-TB", "3", "1"),
        ("SCR-M4", "8", "2"),
        ("BOX-CC", "1", "0"),
    ],
    "MTR-3F": [
        ("MCU-32F4", "1", "0.5"),
        ("MEM-8G", "1", "0.5"),
        ("CAP-MLCC", "30", "2"),
        ("RES-SMD", "40", "2"),
        ("PCB-4L", "1", "0.5"),
        ("STL-SI", "0.2", "4"),
        ("ENC-PC", "1", "1"),
        ("CON-TB", "4", "1"),
        ("SCR-M4", "6", "2"),
        ("BOX-CC", "1", "0"),
    ],
}
#: a dated engineering change: from this date the UPS carries 3 batteries and a heavier core
BOM_CHANGE = {"UPS-1500": {"BAT-LI": "3", "STL-SI": "3.6"}}
#: spare batteries ship with every UPS sold in Mexico (a BOM line of the domestic kit)
SLOW_USE = {"BAT-SP": ("UPS-1500", "0.1"), "CON-RJ": ("MTR-3F", "1")}


@dataclass(frozen=True)
class DemoTimeline:
    """The demo's calendar: ~18 months of imports and shipments up to the close month."""

    close: tuple[int, int]  # (year, month) of the month-end close
    months: int = 18
    #: last day with an exchange rate in the bundled Banxico series (pedimentos after it
    #: could not be valued with real data, so entries stop there)
    last_entry: date | None = None

    @property
    def close_start(self) -> date:
        return date(self.close[0], self.close[1], 1)

    @property
    def close_end(self) -> date:
        y, m = self.close
        nxt = date(y + (m == 12), 1 if m == 12 else m + 1, 1)
        return nxt - timedelta(days=1)

    def month_starts(self) -> list[date]:
        y, m = self.close
        out = []
        for _ in range(self.months):
            out.append(date(y, m, 1))
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        return out[::-1]


@dataclass
class DemoFiles:
    folder: Path
    materials: Path
    products: Path
    bom: Path
    pedimentos: Path
    shipments: Path
    us_duties: Path
    timeline: DemoTimeline
    counts: dict[str, int] = field(default_factory=dict)


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(D(places), rounding=ROUND_HALF_UP)


def _ped_number(when: date, aduana: str, patent: str, seq: int) -> str:
    yy = f"{when.year % 100:02d}"
    return f"{yy} {aduana} {patent} {when.year % 10}{seq:06d}"


def bom_rows(timeline: DemoTimeline) -> list[dict[str, str]]:
    """Dated BOM versions: the UPS changes mid-way (engineering change)."""
    months = timeline.month_starts()
    change = months[len(months) // 2]
    rows: list[dict[str, str]] = []
    for product, lines in _BOM_BASE.items():
        changes = BOM_CHANGE.get(product, {})
        for component, qty, scrap in lines:
            if component in changes:
                rows.append(_bom(product, component, qty, scrap, None, change - timedelta(days=1)))
                rows.append(_bom(product, component, changes[component], scrap, change, None))
            else:
                rows.append(_bom(product, component, qty, scrap, None, None))
    # the slow movers enter the BOMs a month into the window (a dated engineering change)
    slow_from = slow_start(timeline)
    for component, (product, qty) in SLOW_USE.items():
        rows.append(_bom(product, component, qty, "0", slow_from, None))
    return rows


def slow_start(timeline: DemoTimeline) -> date:
    """When the slow movers are bought (in bulk) and enter the BOMs."""
    return _weekday(timeline.month_starts()[1] + timedelta(days=3))


def _bom(
    product: str, comp: str, qty: str, scrap: str, vf: date | None, vt: date | None
) -> dict[str, str]:
    return {
        "product": product,
        "component": comp,
        "qty_per_unit": qty,
        "scrap_pct": scrap,
        "valid_from": vf.isoformat() if vf else "",
        "valid_to": vt.isoformat() if vt else "",
    }


def _monthly_need(boms: list[dict[str, str]]) -> dict[str, Decimal]:
    """Average monthly consumption of each part (latest BOM version, with scrap)."""
    need: dict[str, Decimal] = {}
    volume = {p.part: p.export_month + p.domestic_month for p in PRODUCTS}
    for row in boms:
        if row["valid_to"]:
            continue
        qty = D(row["qty_per_unit"]) * (1 + D(row["scrap_pct"]) / 100)
        need[row["component"]] = need.get(row["component"], D(0)) + qty * volume[row["product"]]
    return need


def generate(folder: Path, timeline: DemoTimeline, seed: int = DEMO_SEED) -> DemoFiles:
    """Write the demo company's files into ``folder`` (deterministic for a seed)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    boms = bom_rows(timeline)
    materials = [
        {
            "part_number": p.part,
            "description": p.description,
            "kind": p.kind,
            "fraccion": p.fraccion,
            "umc": p.umc,
        }
        for p in PARTS
    ]
    products = [
        {"part_number": p.part, "description": p.description, "fraccion": p.fraccion, "umc": p.umc}
        for p in PRODUCTS
    ]
    # the draws are made in this order: pedimentos, shipments, US/CA duties
    peds = _pedimento_rows(rng, timeline, _monthly_need(boms))
    ships = _shipment_rows(rng, timeline)
    duties = _us_duty_rows(rng, timeline, ships)
    files = DemoFiles(
        folder,
        _write(folder / "materials.csv", materials),
        _write(folder / "products.csv", products),
        _write(folder / "bom.csv", boms),
        _write(folder / "pedimentos.csv", peds),
        _write(folder / "shipments.csv", ships),
        _write(folder / "us_duties.csv", duties, ["document", "us_duty_usd"]),
        timeline,
    )
    files.counts = {
        "materials": len(materials),
        "products": len(products),
        "bom": len(boms),
        "pedimento_rows": len(peds),
        "pedimentos": len({r["pedimento"] for r in peds}),
        "shipments": len(ships),
        "us_duties": len(duties),
    }
    return files


def _pedimento_rows(
    rng: random.Random, timeline: DemoTimeline, need: dict[str, Decimal]
) -> list[dict[str, str]]:
    """IN pedimentos: one per origin and arrival, twice a month; stock built a month ahead;
    the slow movers bought once in bulk early in the window (they age toward their limit)."""
    months = timeline.month_starts()
    last_entry = timeline.last_entry or timeline.close_end
    peds: list[dict[str, str]] = []
    seq = 100
    by_origin: dict[str, list[Part]] = {}
    for p in PARTS:
        if not p.slow:
            for o in p.origins:
                by_origin.setdefault(o, []).append(p)
    arrivals: list[date] = []
    d = months[0] - timedelta(days=20)
    while d <= last_entry:
        arrivals.append(d)
        d += timedelta(days=14 + rng.randint(0, 3))
    per_arrival = D(14) / D(30)
    for i, when in enumerate(arrivals):
        when = _weekday(when)
        if when > last_entry:
            break
        boost = D("1.6") if i < 2 else D("1.12")  # an opening stock, then ~12 % over need
        for origin in sorted(by_origin):
            seq += 1
            number = _ped_number(when, "24", "3012", seq)
            for p in by_origin[origin]:
                jitter = D(rng.randint(90, 115)) / 100
                qty = need.get(p.part, D(0)) * per_arrival * _origin_share(p, origin) * boost
                qty = _round_qty(qty * jitter, p.umc)
                if qty <= 0:
                    continue
                price = p.price_usd * D(rng.randint(96, 104)) / 100
                peds.append(_ped_row(number, when, p, qty, _q(qty * price), origin))
    for p in PARTS:
        if p.slow:
            seq += 1
            when = slow_start(timeline)
            number = _ped_number(when, "47", "3012", seq)
            qty = D(1200) if p.part == "BAT-SP" else D(20000)
            peds.append(_ped_row(number, when, p, qty, _q(qty * p.price_usd), p.origins[0]))
    peds.sort(key=lambda r: (r["date"], r["pedimento"], r["part_number"]))
    return peds


def _origin_share(p: Part, origin: str) -> Decimal:
    """The share of a part bought from ``origin``: 70 % from the main supplier."""
    if len(p.origins) == 1:
        return D(1)
    if origin == p.origins[0]:
        return D("0.7")
    return D("0.3") / (len(p.origins) - 1)


def _shipment_rows(rng: random.Random, timeline: DemoTimeline) -> list[dict[str, str]]:
    """Exports to the US (some to Canada) and domestic sales, every month."""
    ships: list[dict[str, str]] = []
    exp_seq = 500
    dom_seq = 1
    for m in timeline.month_starts():
        for spec in PRODUCTS:
            for half in (0, 1):
                when = _weekday(m + timedelta(days=8 + 14 * half + rng.randint(0, 3)))
                if when > timeline.close_end:
                    continue
                exp_seq += 1
                dest = "CAN" if (spec.part == "MTR-3F" and half == 1) else "USA"
                qty = D(spec.export_month // 2) * D(rng.randint(92, 108)) / 100
                qty = qty.quantize(D(1))
                ships.append(
                    {
                        "document": _ped_number(when, "24", "3012", exp_seq).replace(" ", ""),
                        "kind": "export",
                        "date": when.isoformat(),
                        "product": spec.part,
                        "quantity": str(qty),
                        "destination": dest,
                        "value_usd": str(_q(qty * spec.price_usd)),
                    }
                )
            when = _weekday(m + timedelta(days=18 + rng.randint(0, 6)))
            if when > timeline.close_end:
                continue
            qty = (D(spec.domestic_month) * D(rng.randint(85, 115)) / 100).quantize(D(1))
            ships.append(
                {
                    "document": f"FAC-{when.year}-{dom_seq:05d}",
                    "kind": "domestic",
                    "date": when.isoformat(),
                    "product": spec.part,
                    "quantity": str(qty),
                    "destination": "MEX",
                    "value_usd": str(_q(qty * spec.price_usd * D("1.1"))),
                }
            )
            dom_seq += 1
    ships.sort(key=lambda r: (r["date"], r["document"], r["product"]))
    return ships


def _us_duty_rows(
    rng: random.Random, timeline: DemoTimeline, ships: list[dict[str, str]]
) -> list[dict[str, str]]:
    """US/CA duties paid on the close month's exports (the 63-A proof file)."""
    duties = []
    for s in ships:
        day = date.fromisoformat(s["date"])
        if s["kind"] == "export" and timeline.close_start <= day <= timeline.close_end:
            # illustrative: a US/CA duty of 0–2.6 % of the export value
            pct = D(rng.choice([0, 0, 10, 17, 26])) / 1000
            duties.append(
                {"document": s["document"], "us_duty_usd": str(_q(D(s["value_usd"]) * pct))}
            )
    return duties


def _weekday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _round_qty(qty: Decimal, umc: str) -> Decimal:
    if umc == "Kg":
        return qty.quantize(D("0.1"), rounding=ROUND_HALF_UP)
    return qty.quantize(D(1), rounding=ROUND_HALF_UP)


def _ped_row(
    number: str, when: date, p: Part, qty: Decimal, value: Decimal, origin: str
) -> dict[str, str]:
    return {
        "pedimento": number,
        "clave": "IN",
        "date": when.isoformat(),
        "part_number": p.part,
        "quantity": str(qty),
        "value_usd": str(value),
        "origin": origin,
        "fraccion": p.fraccion,
        "certificate": "TMEC" if origin == "USA" else "",
    }


def _write(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    cols = header or (list(rows[0]) if rows else [])
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path
