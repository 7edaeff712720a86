"""A small plant for the decision tools' scenarios, figures worked by hand.

One input M1 (8501.52.04, three-phase asynchronous motors; LIGIE rate 15 %, the bundled
LIGIE 2022 rate — no test double), one product P1 made of one M1 (no scrap), and
two IN lots of M1 (ILLUSTRATIVE pedimentos):

- L0 ``23 47 3012 3000001`` entered 2023-05-15, 50 units, USD 5,000 — 18-month limit
  2024-11-15 (RULES I-2): on 2025-01-15 it is 61 days past it;
- L1 ``24 47 3012 4000001`` entered 2024-06-10, 200 units, USD 20,000 (FIX 17.5335) —
  limit 2025-12-10 (329 days after 2025-01-15).

A recorded export of 20 P1 to DEU on 2024-07-01 takes 20 units of L0 (FIFO: first in), so
30 units of L0 stay open past its limit and all 200 of L1 are open. The PROSEC row
(sector XIX, 8501.52.04 Ex.) is ILLUSTRATIVE.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from immex.services.ledger.importer import import_file
from immex.services.rates.loading import load_rates
from immex.services.workspace import companies as workspace

RFC = "EKU9003173C9"
L0 = "234730123000001"
L1 = "244730124000001"
FILES: dict[str, list[list[str]]] = {
    "materials": [
        ["part_number", "description", "kind", "fraccion", "umc"],
        ["M1", "Rotor (ILLUSTRATIVE)", "input", "8501.52.04", "Pza"],
    ],
    "products": [
        ["part_number", "description", "fraccion", "umc"],
        ["P1", "Motor (ILLUSTRATIVE)", "8501.52.99", "Pza"],
    ],
    "bom": [
        ["product", "component", "qty_per_unit", "scrap_pct", "valid_from", "valid_to"],
        ["P1", "M1", "1", "0", "", ""],
    ],
    "pedimentos": [
        [
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
        [L0, "IN", "2023-05-15", "M1", "50", "5000", "CHN", "8501.52.04", "", ""],
        [L1, "IN", "2024-06-10", "M1", "200", "20000", "CHN", "8501.52.04", "", ""],
    ],
    "shipments": [
        [
            "document",
            "kind",
            "date",
            "product",
            "quantity",
            "destination",
            "value_usd",
            "pedimento",
        ],
        ["EXP-1", "export", "2024-07-01", "P1", "20", "DEU", "3000", ""],
    ],
}
PROSEC_ROWS = [
    ["sector", "sector_name", "fraccion", "arancel", "vigencia_desde", "acotacion", "fuente"],
    [
        "XIX",
        "Automotriz y de Autopartes",
        "8501.52.04",
        "Ex.",
        "2020-01-01",
        "",
        "ILLUSTRATIVE row (test)",
    ],
]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


#: a domestic sale of 10 P1 in September 2024 and an export of 10 P1 to the US in October
#: 2024 (each takes 10 units of L0, USD 1,000: FIFO, before L0's limit)
SALES_2024 = [
    ["NAC-1", "domestic", "2024-09-10", "P1", "10", "", "", ""],
    ["EXP-2", "export", "2024-10-15", "P1", "10", "USA", "1500", ""],
]


def small_plant(
    url: str,
    tmp: Path,
    *,
    prosec: bool = False,
    held: bool | None = None,
    shipments: list[list[str]] = (),  # type: ignore[assignment]
) -> Any:
    """The workspace of the small plant: the PROSEC row loaded with ``prosec``, the company
    registered in sector XIX with ``held`` (default: as ``prosec``); extra ``shipments``."""
    tmp.mkdir(parents=True, exist_ok=True)
    space = workspace.create_workspace(url, actor="tester")
    company = workspace.add_company(
        space,
        RFC,
        "Motores Ilustrativos",
        prosec=("XIX",) if (prosec if held is None else held) else (),
    )
    ws = space.with_company(company)
    for name in ("materials", "products", "bom", "pedimentos", "shipments"):
        rows = FILES[name] + (list(shipments) if name == "shipments" else [])
        import_file(ws, name, _write(tmp / f"{name}.csv", rows))
    if prosec:
        load_rates(ws, "prosec", _write(tmp / "prosec.csv", PROSEC_ROWS))
    return ws
