"""A seeded synthetic IMMEX plant at any scale — ILLUSTRATIVE DATA, not a real company.

Writes CSV files in the importers' layouts (``immex import materials|products|bom|
pedimentos|shipments``): materials of every kind, products with dated BOM versions and
scrap, pedimentos (one row per part) whose quantities roughly follow demand, shipments
(export, domestic, transfer) with a few directed discharges. Some parts are over-bought
(their leftovers expire: A3 candidates) and some under-bought (shortfalls).

    from immex.samples.plant_generator import PlantSpec, write_plant
    paths = write_plant(PlantSpec(seed=7, shipments=2_000, lots=5_000), Path("plant"))
    # then: immex import materials plant/materials.csv … (in the order of paths)

``PlantSpec.scaled(consumptions)`` sizes a plant for a target number of consumptions.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

#: real LIGIE 2022 fractions used for the illustrative parts
MATERIAL_FRACTIONS = (
    "3926.90.99",
    "7318.15.99",
    "8536.69.99",
    "8544.42.99",
    "8541.10.01",
    "8504.40.99",
    "7326.90.99",
    "8536.90.99",
    "8507.60.01",
)
PACKAGING_FRACTIONS = ("4819.10.01",)
CONTAINER_FRACTIONS = ("8609.00.01",)
ASSET_FRACTIONS = ("8466.93.99", "8479.89.99", "8471.30.01")
PRODUCT_FRACTIONS = ("8544.30.01", "8544.30.99", "8537.10.99")
ORIGINS = ("USA", "CHN", "JPN", "KOR", "DEU", "TWN", "CAN", "VNM")
QPU = ("1", "2", "4", "0.5", "0.25", "1.5", "3", "0.125", "6", "0.01")
SCRAP = ("0", "0", "0", "1.5", "2", "5", "0.25")
HEADERS = {
    "materials": ["part_number", "description", "kind", "fraccion", "umc"],
    "products": ["part_number", "description", "fraccion", "umc"],
    "bom": ["product", "component", "qty_per_unit", "scrap_pct", "valid_from", "valid_to"],
    "pedimentos": [
        "pedimento",
        "clave",
        "date",
        "part_number",
        "quantity",
        "value_usd",
        "origin",
        "fraccion",
        "fx",
        "certificate",
    ],
    "shipments": [
        "document",
        "kind",
        "date",
        "product",
        "quantity",
        "destination",
        "value_usd",
        "pedimento",
    ],
}
ORDER = ("materials", "products", "bom", "pedimentos", "shipments")


@dataclass(frozen=True)
class PlantSpec:
    seed: int = 7
    materials: int = 300
    products: int = 30
    components: int = 12  # per product BOM
    shipments: int = 2_000  # shipment lines
    lots: int = 6_000  # pedimento rows
    lines_per_pedimento: int = 10
    lines_per_document: int = 5
    start: date = date(2024, 1, 1)
    days: int = 720
    versioned_products: float = 0.3  # products whose BOM changes once
    slow_movers: float = 0.05  # parts bought far ahead of need (lots expire)
    short_parts: float = 0.03  # parts bought short (shortfalls)
    directed: float = 0.002  # shipments naming a pedimento
    fixed_assets: int = 5

    @classmethod
    def scaled(cls, consumptions: int, seed: int = 7, components: int = 40) -> PlantSpec:
        """A plant with about ``consumptions`` component consumptions (shipments × BOM) and
        about 0.1 lots per consumption (1,000,000 lots at 10,000,000 consumptions)."""
        shipments = max(10, consumptions // components)
        return cls(
            seed=seed,
            materials=max(50, min(20_000, consumptions // 2_000)),
            products=max(5, min(2_000, shipments // 250)),
            components=components,
            shipments=shipments,
            lots=max(100, consumptions // 10),
        )


def _ped_number(year: int, office: str, patent: str, seq: int) -> str:
    return f"{year % 100:02d}{office}{patent}{year % 10}{seq:06d}"


def generate(spec: PlantSpec) -> dict[str, list[list[str]]]:
    """Rows (without header) of each file, deterministic for a seed (the draws are made in
    this order: materials, BOMs, shipments, purchases, prices, pedimentos, directed)."""
    rng = np.random.default_rng(spec.seed)
    mats, mat_rows, assets = _materials(rng, spec)
    prods = [f"P{i:05d}" for i in range(spec.products)]
    prod_rows = [
        [p, f"Illustrative harness {i}", PRODUCT_FRACTIONS[i % len(PRODUCT_FRACTIONS)], "Pza"]
        for i, p in enumerate(prods)
    ]
    bom_rows, bom_v1 = _boms(rng, spec, mats, prods)
    ships = _Shipments.draw(rng, spec)
    lots = _Lots.draw(rng, spec, ships, bom_v1)
    price = rng.uniform(0.05, 40.0, size=spec.materials)
    ped_rows, ped_of_lot = _pedimento_rows(rng, spec, mats, lots, price)
    ped_rows += _asset_rows(spec, assets, lots.seq_by_year)
    ship_rows = _shipment_rows(rng, spec, prods, ships, lots, bom_v1, ped_of_lot)
    return {
        "materials": mat_rows,
        "products": prod_rows,
        "bom": bom_rows,
        "pedimentos": ped_rows,
        "shipments": ship_rows,
    }


def _materials(
    rng: np.random.Generator, spec: PlantSpec
) -> tuple[list[str], list[list[str]], list[str]]:
    """Material part numbers, their rows (materials of every kind, then fixed assets)."""
    n_mat = spec.materials
    mats = [f"M{i:06d}" for i in range(n_mat)]
    kinds = rng.choice(
        ["input", "consumable", "packaging", "container"], size=n_mat, p=[0.9, 0.05, 0.04, 0.01]
    )
    mat_rows = []
    for i, m in enumerate(mats):
        kind = str(kinds[i])
        frac = (
            PACKAGING_FRACTIONS[0]
            if kind == "packaging"
            else CONTAINER_FRACTIONS[0]
            if kind == "container"
            else MATERIAL_FRACTIONS[i % len(MATERIAL_FRACTIONS)]
        )
        mat_rows.append([m, f"Illustrative material {i}", kind, frac, "Pza" if i % 7 else "Kg"])
    assets = [f"FA{i:04d}" for i in range(spec.fixed_assets)]
    for i, a in enumerate(assets):
        mat_rows.append(
            [
                a,
                f"Illustrative machine {i}",
                "fixed_asset",
                ASSET_FRACTIONS[i % len(ASSET_FRACTIONS)],
                "Pza",
            ]
        )
    return mats, mat_rows, assets


def _boms(
    rng: np.random.Generator, spec: PlantSpec, mats: list[str], prods: list[str]
) -> tuple[list[list[str]], list[tuple[np.ndarray, np.ndarray]]]:
    """BOM rows (some products change version once) and each product's first version as
    (component indices, quantity per unit with scrap)."""
    n_mat = spec.materials
    # components drawn with a skew so some parts are common
    weights = 1.0 / np.arange(1, n_mat + 1) ** 0.6
    weights /= weights.sum()
    k = min(spec.components, n_mat)
    bom_rows: list[list[str]] = []
    bom_v1: list[tuple[np.ndarray, np.ndarray]] = []
    for p in prods:
        comps = rng.choice(n_mat, size=k, replace=False, p=weights)
        qpu = rng.choice(len(QPU), size=k)
        scrap = rng.choice(len(SCRAP), size=k)
        bom_v1.append(
            (
                comps,
                np.array(
                    [
                        float(QPU[j]) * (1 + float(SCRAP[s]) / 100)
                        for j, s in zip(qpu, scrap, strict=True)
                    ]
                ),
            )
        )
        if rng.random() < spec.versioned_products:
            cut = spec.start + timedelta(days=int(rng.integers(60, max(61, spec.days - 60))))
            last = (cut - timedelta(days=1)).isoformat()
            for c, q, s in zip(comps, qpu, scrap, strict=True):
                bom_rows.append([p, mats[c], QPU[q], SCRAP[s], "", last])
            q2 = qpu.copy()
            q2[0] = (q2[0] + 1) % len(QPU)
            for c, q, s in zip(comps, q2, scrap, strict=True):
                bom_rows.append([p, mats[c], QPU[q], SCRAP[s], cut.isoformat(), ""])
        else:
            for c, q, s in zip(comps, qpu, scrap, strict=True):
                bom_rows.append([p, mats[c], QPU[q], SCRAP[s], "", ""])
    return bom_rows, bom_v1


@dataclass(frozen=True)
class _Shipments:
    """The shipment lines as columns: day, product index, quantity, kind."""

    days: np.ndarray
    prod: np.ndarray
    qty: np.ndarray
    kind: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, spec: PlantSpec) -> _Shipments:
        """Dates over the period after a 45-day ramp-up."""
        n_s = spec.shipments
        return cls(
            np.sort(rng.integers(45, spec.days, size=n_s)),
            rng.integers(0, spec.products, size=n_s),
            rng.integers(1, 400, size=n_s),
            rng.choice(["export", "domestic", "transfer"], size=n_s, p=[0.85, 0.1, 0.05]),
        )


@dataclass
class _Lots:
    """The lots as columns (material index, quantity, day), sorted by day and material."""

    mat: np.ndarray
    qty: np.ndarray
    day: np.ndarray
    seq_by_year: dict[int, int]

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        spec: PlantSpec,
        ships: _Shipments,
        bom_v1: list[tuple[np.ndarray, np.ndarray]],
    ) -> _Lots:
        """Purchases sized by demand (version 1 BOMs); slow movers over-bought, short
        parts under-bought."""
        n_mat = spec.materials
        demand = np.zeros(n_mat)
        per_prod_qty = np.bincount(ships.prod, weights=ships.qty, minlength=spec.products)
        for i, (comps, per_unit) in enumerate(bom_v1):
            demand[comps] += per_prod_qty[i] * per_unit
        factor = np.full(n_mat, 1.04)
        slow = rng.random(n_mat) < spec.slow_movers
        short = rng.random(n_mat) < spec.short_parts
        factor[slow] = 2.5
        factor[short] = 0.85
        used = demand > 0
        n_lots = spec.lots
        share = np.where(used, demand, 0)
        total = share.sum() or 1.0
        lots_per = np.where(used, np.maximum(1, np.floor(n_lots * share / total)), 0).astype(
            np.int64
        )
        # top up to the requested count on the busiest parts
        deficit = n_lots - int(lots_per.sum()) - spec.fixed_assets
        if deficit > 0:
            busiest = np.argsort(-share)[: max(1, used.sum())]
            lots_per[busiest[np.arange(deficit) % len(busiest)]] += 1
        lot_mat = np.repeat(np.arange(n_mat), lots_per)
        lot_qty = np.ceil(np.repeat(demand * factor / np.maximum(lots_per, 1), lots_per) + 1)
        lot_day = rng.integers(0, max(1, spec.days - 60), size=len(lot_mat))
        # every part's first lot arrives in the first month (before the first shipments)
        first = np.ones(len(lot_mat), dtype=bool)
        first[1:] = lot_mat[1:] != lot_mat[:-1]
        lot_day = np.where(first, lot_day % 30, lot_day)
        # slow movers buy everything in the first months: their leftovers outlive 18 months
        lot_day = np.where(slow[lot_mat], lot_day % 90, lot_day)
        order = np.lexsort((lot_mat, lot_day))
        return cls(lot_mat[order], lot_qty[order], lot_day[order], {})


def _pedimento_rows(
    rng: np.random.Generator,
    spec: PlantSpec,
    mats: list[str],
    lots: _Lots,
    price: np.ndarray,
) -> tuple[list[list[str]], list[str]]:
    """Pedimento rows (``lines_per_pedimento`` lots each) and the pedimento of each lot."""
    ped_rows: list[list[str]] = []
    per = spec.lines_per_pedimento
    seq_by_year = lots.seq_by_year
    ped_of_lot: list[str] = []
    for g in range(0, len(lots.mat), per):
        d = spec.start + timedelta(days=int(lots.day[g]))
        seq = seq_by_year.get(d.year, 0) + 1
        seq_by_year[d.year] = seq
        patent = ("3012", "1587", "3456")[seq % 3]
        ped = _ped_number(d.year, "47", patent, seq // 3 + 1)
        origin = ORIGINS[int(rng.integers(0, len(ORIGINS)))]
        fx = f"{17 + (g % 300) / 100:.4f}"
        for j in range(g, min(g + per, len(lots.mat))):
            mi = int(lots.mat[j])
            q = int(lots.qty[j])
            cert = "T-MEC" if origin in ("USA", "CAN") and j % 2 == 0 else ""
            ped_rows.append(
                [
                    ped,
                    "IN",
                    d.isoformat(),
                    mats[mi],
                    str(q),
                    f"{q * price[mi]:.2f}",
                    origin,
                    "",
                    fx,
                    cert,
                ]
            )
            ped_of_lot.append(ped)
    return ped_rows, ped_of_lot


def _asset_rows(spec: PlantSpec, assets: list[str], seq_by_year: dict[int, int]) -> list[list[str]]:
    """One AF pedimento per fixed asset, in the first days of the period."""
    rows = []
    for i, a in enumerate(assets):
        d = spec.start + timedelta(days=3 + i)
        seq = seq_by_year.get(d.year, 0) + 1
        seq_by_year[d.year] = seq
        ped = _ped_number(d.year, "47", "3012", 900_000 + seq)
        rows.append(
            [ped, "AF", d.isoformat(), a, "1", f"{250000 + 1000 * i:.2f}", "DEU", "", "17.5", ""]
        )
    return rows


def _shipment_rows(
    rng: np.random.Generator,
    spec: PlantSpec,
    prods: list[str],
    ships: _Shipments,
    lots: _Lots,
    bom_v1: list[tuple[np.ndarray, np.ndarray]],
    ped_of_lot: list[str],
) -> list[list[str]]:
    """Shipment rows, documents of a few lines, a few directed discharges."""
    ship_rows: list[list[str]] = []
    ppd = spec.lines_per_document
    lots_of_mat: dict[int, list[int]] = {}
    want_directed = rng.random(spec.shipments) < spec.directed
    if want_directed.any():
        for j, mat in enumerate(lots.mat.tolist()):
            lots_of_mat.setdefault(mat, []).append(j)
    for i in range(spec.shipments):
        d = spec.start + timedelta(days=int(ships.days[i]))
        kind = str(ships.kind[i])
        dest = {"export": "USA", "domestic": "MEX", "transfer": "MEX"}[kind]
        ped = ""
        if want_directed[i]:
            comps = bom_v1[int(ships.prod[i])][0]
            cands = [j for j in lots_of_mat.get(int(comps[0]), []) if lots.day[j] <= ships.days[i]]
            if cands:
                ped = ped_of_lot[cands[int(rng.integers(0, len(cands)))]]
        prefix = {"export": "EXP", "domestic": "NAC", "transfer": "V1T"}[kind]
        ship_rows.append(
            [
                f"{prefix}-{i // ppd:08d}",
                kind,
                d.isoformat(),
                prods[int(ships.prod[i])],
                str(int(ships.qty[i])),
                dest,
                f"{int(ships.qty[i]) * 12.5:.2f}",
                ped,
            ]
        )
    return ship_rows


def write_plant(spec: PlantSpec, out_dir: Path) -> dict[str, Path]:
    """Write the five CSV files (import them in the returned order)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = generate(spec)
    paths: dict[str, Path] = {}
    for name in ORDER:
        path = out_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(HEADERS[name])
            w.writerows(data[name])
        paths[name] = path
    (out_dir / "README.txt").write_text(
        "ILLUSTRATIVE synthetic IMMEX plant generated by immex.samples.plant_generator "
        f"({spec}).\nNot a real company; not real pedimentos.\n",
        encoding="utf-8",
    )
    return paths


def small_spec(seed: int = 7) -> PlantSpec:
    """A plant small enough for tests and the demo."""
    return replace(
        PlantSpec(seed=seed),
        materials=60,
        products=8,
        components=6,
        shipments=300,
        lots=600,
        days=760,
    )
