"""Shared by the demo, report and browser tests: the demo run once per test process.

``demo_run()`` runs ``immex demo`` (the service) into a temporary folder the first time it
is called and returns the same summary afterwards, so the HTML/PDF/Excel tests check the
real reports without paying for the demo more than once.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from immex.reports.model import Chart, Column, Report, ReportMeta, Section, SummaryItem, Table


@cache
def demo_run() -> Any:
    from immex.samples.showcase import run_demo

    folder = Path(tempfile.mkdtemp(prefix="immex-demo-test-"))
    atexit.register(shutil.rmtree, folder, True)
    return run_demo(folder, formats=("xlsx", "html", "pdf"))


def small_report(lang: str = "es", illustrative: bool = True) -> Report:
    """A hand-made report (no store, no services) to test the renderers alone."""
    meta = ReportMeta(
        "Empresa de Prueba (ilustrativa)",
        "EKU9003173C9",
        "2026-02",
        "v1-test",
        datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        illustrative,
        lang,
        ("una advertencia de prueba",),
    )
    cols = (
        Column("fraccion", "col.fraccion"),
        Column("entry_date", "col.entry_date", "date"),
        Column("quantity", "col.quantity", "qty"),
        Column("total", "col.total", "money"),
    )
    rows = tuple(
        {
            "fraccion": f"8542.31.0{i}",
            "entry_date": date(2025, 1, i + 1),
            "quantity": Decimal(i * 10),
            "total": Decimal("1234.5") * i,
        }
        for i in range(1, 6)
    )
    table = Table("f4", "sec.f4", cols, rows, {"total": sum(r["total"] for r in rows)})
    charts = (
        Chart(
            "savings_by_sector",
            "chart.savings_by_sector",
            ("II", "I"),
            (Decimal(5), Decimal(3)),
            True,
        ),
        Chart(
            "expiry_radar", "chart.expiry_radar", ("2026-03", "2026-04"), (Decimal(10), Decimal(20))
        ),
        Chart(
            "balance_by_fraction", "chart.balance_by_fraction", ("7225.19.99",), (Decimal(7),), True
        ),
    )
    return Report(
        meta,
        (
            SummaryItem("sum.f4_total", Decimal("1000.00")),
            SummaryItem("sum.expiring_lots", 3, "int"),
        ),
        (
            Section("f4", "sec.f4", (table,), charts[:1]),
            Section("expiry", "sec.expiry", (), charts[1:]),
        ),
    )
