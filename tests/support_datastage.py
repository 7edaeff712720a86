"""Helpers for the Data Stage tests: rewrite members of a ZIP, count stored rows."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, func, select

from immex.store.tables import core, sat

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared/data/formats/datastage/synthetic_9990001_solicitudes.zip"
)
M3_SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared/data/formats/validacion_m3/m3999001.062.synthetic.txt"
)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def rewrite(src: Path, dst: Path, table: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy ``src`` to ``dst`` with the member of ``table`` (e.g. "551") changed."""
    files = members(src)
    name = next(n for n in files if n.endswith(f"_{table}.asc"))
    files[name] = change(files[name])
    return write_zip(dst, files)


def row_counts(engine: Engine) -> dict[str, int]:
    tables = [
        core.companies,
        sat.sat_import_batches,
        sat.sat_pedimentos,
        sat.sat_raw_rows,
        *sat.CHILD_TABLES.values(),
    ]
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables
        }
