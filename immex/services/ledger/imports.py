"""Importers of the Annex 24 ledger: materials, products, BOM, pedimentos, shipments.

Each reads a CSV (UTF-8, header row) or an XLSX (first sheet, header row), validates every
row and collects every problem as an :class:`ErrorRecord` (file:line, column, message,
value); if there is any, it raises :class:`BatchError` and writes nothing. A file already
imported for the company (same SHA-256) is not imported again: the result says so.
Large files load through bulk inserts (``executemany`` on SQLite, ``COPY`` on PostgreSQL).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select, update

from immex.domain.codes import parse_pedimento_number, parse_tariff_code
from immex.domain.errors import BatchError, ErrorRecord, ImmexError, InvalidInput
from immex.domain.ledger import MATERIAL_KINDS, SHIPMENT_KINDS
from immex.services.workspace.companies import Company, audit, current_actor, now_utc
from immex.store.database import inserted_id
from immex.store.tables import ledger as t

ENTITIES = ("materials", "products", "bom", "pedimentos", "shipments")
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # entity: (required columns, optional columns)
    "materials": (("part_number", "description", "kind", "fraccion", "umc"), ()),
    "products": (("part_number", "description", "fraccion", "umc"), ()),
    "bom": (("product", "component", "qty_per_unit"), ("scrap_pct", "valid_from", "valid_to")),
    "pedimentos": (
        ("pedimento", "clave", "date", "part_number", "quantity", "value_usd", "origin"),
        ("fraccion", "fx", "certificate", "start_date"),
    ),
    "shipments": (
        ("document", "kind", "date", "product", "quantity"),
        ("destination", "value_usd", "pedimento"),
    ),
}
#: stop collecting after this many errors (the file is obviously wrong)
MAX_ERRORS = 1000
CHUNK = 50_000
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    entity: str
    file: str
    sha256: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    already_imported: bool
    batch_id: int | None
    message: str


# --------------------------------------------------------------------------- reference data
# Small seams to the reference data (immex.refdata); each degrades to a format check when
# the compiled tables are not available.


@lru_cache(maxsize=1)
def _catalogs() -> Any:
    try:
        from immex.refdata.bundled import load_catalogs

        return load_catalogs()
    except (ImportError, OSError, ImmexError):
        return None


def check_unit(text: str) -> str:
    """The canonical unit (SAT UMT code) of a LIGIE abbreviation or Annex 22 code."""
    cats = _catalogs()
    if cats is None:
        if not text.strip():
            raise InvalidInput("empty unit", field="umc")
        return text.strip()
    return str(cats.normalize_unit(text))


def check_country(iso3: str) -> str:
    code = iso3.strip().upper()
    cats = _catalogs()
    ok = cats.is_country(code) if cats is not None else (len(code) == 3 and code.isalpha())
    if not ok:
        raise InvalidInput("unknown country; expected an ISO 3166 alpha-3 code such as USA, CHN")
    return code


def check_pedimento_key(code: str) -> str:
    key = code.strip().upper()
    cats = _catalogs()
    if cats is not None:
        cats.pedimento_key(key)
    elif len(key) != 2 or not key.isalnum():
        raise InvalidInput("a pedimento key has two characters (IN, AF, V1, A1 …)")
    return key


@lru_cache(maxsize=1)
def _tariff_book() -> Any:
    try:
        from immex.refdata.tariff_data import load_tariff_book

        return load_tariff_book()
    except (ImportError, OSError, ImmexError):
        return None


def check_fraccion(text: str) -> str:
    """The dotted fracción, checked against the tariff when it is available."""
    code = parse_tariff_code(text).dotted
    book = _tariff_book()
    if book is not None and code not in book:
        raise InvalidInput("fracción not in the bundled LIGIE tariff")
    return code


# --------------------------------------------------------------------------- reading


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header (lower-cased) and (line number, cells) of a CSV or XLSX file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_cell(c).lower() for c in next(rows, ())]

        def gen_x() -> Iterator[tuple[int, list[str]]]:
            for n, row in enumerate(rows, start=2):
                cells = [_cell(c) for c in row]
                if any(cells):
                    yield n, cells
            wb.close()

        return header, gen_x()
    fh = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.reader(fh)
    header = [h.strip().lower() for h in next(reader, [])]

    def gen_c() -> Iterator[tuple[int, list[str]]]:
        with fh:
            for row in reader:
                if any(row):
                    yield reader.line_num, row

    return header, gen_c()


# --------------------------------------------------------------------------- field parsers


def fixed(text: str, places: int) -> int:
    """A decimal text as an integer scaled by 10**places; refuses more decimals."""
    s = text.strip()
    head, dot, tail = s.partition(".")
    if head.isdigit() and (not dot or tail.isdigit()) and len(tail) <= places:
        return int(head) * int(10**places) + (int(tail.ljust(places, "0")) if tail else 0)
    try:
        value = Decimal(s.replace(",", "")) if s else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput("not a number")
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"more than {places} decimals")
    return int(scaled)


_DATES: dict[str, date] = {}


def parse_day(text: str) -> date:
    found = _DATES.get(text)
    if found is None:
        try:
            found = date.fromisoformat(text.strip()[:10])
        except ValueError:
            raise InvalidInput("not a date (expected YYYY-MM-DD)") from None
        if len(_DATES) < 100_000:
            _DATES[text] = found
    return found


class _Rows:
    """Row accessor that records errors with file:line and column."""

    def __init__(self, source: str, header: list[str], entity: str) -> None:
        self.source = source
        self.errors: list[ErrorRecord] = []
        self.count = 0  # every error, also those past MAX_ERRORS
        required, optional = COLUMNS[entity]
        self.index = {name: i for i, name in enumerate(header)}
        for name in required:
            if name not in self.index:
                self.error(1, name, f"missing column (expected {', '.join(required)})", None)
        self.optional = {name for name in optional if name in self.index}

    def error(self, line: int | None, field: str | None, message: str, value: str | None) -> None:
        self.count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ErrorRecord(self.source, line, field, message, value))

    def get(self, cells: list[str], name: str) -> str:
        i = self.index.get(name)
        if i is None or i >= len(cells):
            return ""
        return cells[i].strip()

    def need(self, line: int, cells: list[str], name: str) -> str:
        value = self.get(cells, name)
        if not value:
            self.error(line, name, "required value is empty", value)
        return value

    def parse(
        self,
        line: int,
        cells: list[str],
        name: str,
        fn: Callable[[str], Any],
        required: bool = True,
    ) -> Any:
        value = self.get(cells, name)
        if not value:
            if required:
                self.error(line, name, "required value is empty", value)
            return None
        try:
            return fn(value)
        except ImmexError as exc:
            self.error(line, name, exc.message, value)
        return None


def _positive(places: int) -> Callable[[str], int]:
    def fn(text: str) -> int:
        n = fixed(text, places)
        if n <= 0:
            raise InvalidInput("must be greater than zero")
        return n

    return fn


def _non_negative(places: int) -> Callable[[str], int]:
    def fn(text: str) -> int:
        n = fixed(text, places)
        if n < 0:
            raise InvalidInput("must not be negative")
        return n

    return fn


_PEDS: dict[str, str] = {}


def parse_pedimento(text: str) -> str:
    found = _PEDS.get(text)
    if found is None:
        found = parse_pedimento_number(text).compact
        if len(_PEDS) < 200_000:
            _PEDS[text] = found
    return found


# --------------------------------------------------------------------------- store helpers


def bulk_insert(
    conn: Connection, table: Table, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        dbapi = conn.connection.driver_connection
        with dbapi.cursor() as cur:  # type: ignore[union-attr]
            cols = ", ".join(columns)
            with cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if len(rows) >= 10_000:  # fresh statistics for the planner after a bulk load
                cur.execute(f"ANALYZE {table.name}")
        return
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), CHUNK * 4):
        conn.exec_driver_sql(sql, rows[start : start + CHUNK * 4])


def _batch(conn: Connection, company: Company, entity: str, path: Path, sha: str, rows: int) -> int:
    batch_id = inserted_id(
        conn.execute(
            insert(t.import_batches).values(
                company_id=company.id,
                entity=entity,
                file_name=path.name,
                sha256=sha,
                rows=rows,
                imported_at=now_utc(),
                actor=current_actor(),
            )
        )
    )
    return int(batch_id)


def _known(conn: Connection, table: Table, column: str, company: Company) -> set[str]:
    col = table.c[column]
    return set(
        conn.execute(select(col).where(table.c.company_id == company.id).distinct()).scalars()
    )


# --------------------------------------------------------------------------- entry point


def import_file(
    engine: Engine,
    company: Company,
    entity: str,
    path: Path | str,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate ``path`` and write it all, or raise :class:`BatchError` and write nothing."""
    if entity not in ENTITIES:
        raise InvalidInput(
            f"unknown import {entity!r}; one of {', '.join(ENTITIES)}", field="entity"
        )
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", field="file")
    sha = file_sha256(path)
    with engine.connect() as conn:
        previous = conn.execute(
            select(t.import_batches.c.id, t.import_batches.c.imported_at).where(
                t.import_batches.c.company_id == company.id,
                t.import_batches.c.entity == entity,
                t.import_batches.c.sha256 == sha,
            )
        ).first()
    if previous is not None:
        return ImportResult(
            entity,
            str(path),
            sha,
            0,
            0,
            0,
            0,
            True,
            int(previous.id),
            f"{path.name} was already imported (batch {previous.id}, "
            f"{previous.imported_at:%Y-%m-%d %H:%M}); nothing written",
        )
    header, rows = read_rows(path)
    acc = _Rows(str(path), header, entity)
    if acc.errors:
        raise BatchError(acc.errors)
    importer = _IMPORTERS[entity]
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        result = importer(conn, company, path, sha, acc, rows, progress)
    return result


def _fail_if(acc: _Rows) -> None:
    if acc.errors:
        raise BatchError(acc.errors)


def _result(
    entity: str, path: Path, sha: str, rows: int, ins: int, upd: int, same: int, batch: int | None
) -> ImportResult:
    msg = f"{path.name}: {rows} rows — {ins} new, {upd} updated, {same} unchanged"
    return ImportResult(entity, str(path), sha, rows, ins, upd, same, False, batch, msg)


def _import_master(
    conn: Connection,
    company: Company,
    path: Path,
    sha: str,
    acc: _Rows,
    rows: Iterator[tuple[int, list[str]]],
    progress: Progress | None,
    entity: str,
) -> ImportResult:
    table = t.materials if entity == "materials" else t.products
    parsed: dict[str, dict[str, Any]] = {}
    n = 0
    for line, cells in rows:
        n += 1
        part = acc.need(line, cells, "part_number")
        rec: dict[str, Any] = {
            "description": acc.need(line, cells, "description"),
            "fraccion": acc.parse(line, cells, "fraccion", check_fraccion),
            "umc": acc.parse(line, cells, "umc", check_unit),
        }
        if entity == "materials":
            kind = acc.need(line, cells, "kind").lower().replace("-", "_").replace(" ", "_")
            if kind and kind not in MATERIAL_KINDS:
                acc.error(line, "kind", f"unknown kind; one of {', '.join(MATERIAL_KINDS)}", kind)
            rec["kind"] = kind
        if part and len(part) > 80:
            acc.error(line, "part_number", "longer than 80 characters", part)
        if part in parsed:
            acc.error(line, "part_number", "repeated in this file", part)
        if part:
            parsed[part] = rec
    _fail_if(acc)
    existing = {
        r.part_number: r
        for r in conn.execute(select(table).where(table.c.company_id == company.id))
    }
    fields = list(next(iter(parsed.values())).keys()) if parsed else []
    new = [p for p in parsed if p not in existing]
    changed = [
        p
        for p in parsed
        if p in existing and any(getattr(existing[p], f) != parsed[p][f] for f in fields)
    ]
    batch = _batch(conn, company, entity, path, sha, n)
    if new:
        conn.execute(
            insert(table),
            [
                {"company_id": company.id, "part_number": p, "batch_id": batch, **parsed[p]}
                for p in new
            ],
        )
    for p in changed:
        conn.execute(
            update(table).where(table.c.id == existing[p].id).values(batch_id=batch, **parsed[p])
        )
    audit(
        conn,
        f"import.{entity}",
        {"file": path.name, "sha256": sha, "rows": n, "new": len(new), "updated": len(changed)},
        company.id,
    )
    return _result(entity, path, sha, n, len(new), len(changed), n - len(new) - len(changed), batch)


def _import_materials(
    conn: Connection,
    company: Company,
    path: Path,
    sha: str,
    acc: _Rows,
    rows: Iterator[tuple[int, list[str]]],
    progress: Progress | None,
) -> ImportResult:
    return _import_master(conn, company, path, sha, acc, rows, progress, "materials")


def _import_products(
    conn: Connection,
    company: Company,
    path: Path,
    sha: str,
    acc: _Rows,
    rows: Iterator[tuple[int, list[str]]],
    progress: Progress | None,
) -> ImportResult:
    return _import_master(conn, company, path, sha, acc, rows, progress, "products")


def _import_bom(
    conn: Connection,
    company: Company,
    path: Path,
    sha: str,
    acc: _Rows,
    rows: Iterator[tuple[int, list[str]]],
    progress: Progress | None,
) -> ImportResult:
    products = _known(conn, t.products, "part_number", company)
    materials = _known(conn, t.materials, "part_number", company)
    existing: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in conn.execute(select(t.bom).where(t.bom.c.company_id == company.id)):
        existing.setdefault((r.product, r.component), []).append(
            (r.qty_per_unit_micro, r.scrap_pct_e4, r.valid_from, r.valid_to)
        )
    new: list[tuple[int, tuple[str, str], tuple[Any, ...]]] = []
    n = 0
    for line, cells in rows:
        n += 1
        product = acc.need(line, cells, "product")
        component = acc.need(line, cells, "component")
        qpu = acc.parse(line, cells, "qty_per_unit", _positive(6))
        scrap = acc.parse(line, cells, "scrap_pct", _non_negative(4), required=False) or 0
        vf = acc.parse(line, cells, "valid_from", parse_day, required=False)
        vt = acc.parse(line, cells, "valid_to", parse_day, required=False)
        if product and product not in products:
            acc.error(
                line, "product", "unknown product; import it with `immex import products`", product
            )
        if component and component not in materials:
            acc.error(
                line,
                "component",
                "unknown material; import it with `immex import materials`",
                component,
            )
        if vf and vt and vt < vf:
            acc.error(line, "valid_to", f"ends before valid_from {vf.isoformat()}", vt.isoformat())
        if product and component and qpu is not None:
            new.append((line, (product, component), (qpu, scrap, vf, vt)))
    inserted = 0
    same = 0
    to_insert: list[dict[str, Any]] = []
    for line, key, rec in new:
        versions = existing.setdefault(key, [])
        if rec in versions:
            same += 1
            continue
        lo = rec[2] or date.min
        hi = rec[3] or date.max
        for other in versions:
            if lo <= (other[3] or date.max) and (other[2] or date.min) <= hi:
                acc.error(
                    line,
                    "valid_from",
                    f"overlaps another version of {key[0]} → {key[1]} "
                    f"({_span(other[2], other[3])}); close it with valid_to first",
                    _span(rec[2], rec[3]),
                )
                break
        versions.append(rec)
        to_insert.append(
            {
                "company_id": company.id,
                "product": key[0],
                "component": key[1],
                "qty_per_unit_micro": rec[0],
                "scrap_pct_e4": rec[1],
                "valid_from": rec[2],
                "valid_to": rec[3],
            }
        )
        inserted += 1
    _fail_if(acc)
    batch = _batch(conn, company, "bom", path, sha, n)
    if to_insert:
        conn.execute(insert(t.bom), [{**r, "batch_id": batch} for r in to_insert])
    audit(
        conn,
        "import.bom",
        {"file": path.name, "sha256": sha, "rows": n, "new": inserted},
        company.id,
    )
    return _result("bom", path, sha, n, inserted, 0, same, batch)


def _span(a: date | None, b: date | None) -> str:
    return f"{a.isoformat() if a else '…'} to {b.isoformat() if b else '…'}"


LOT_COLUMNS = [
    "company_id",
    "pedimento",
    "clave",
    "entry_date",
    "start_date",
    "part_number",
    "quantity_micro",
    "value_e4",
    "origin",
    "fraccion",
    "fx",
    "certificate",
    "source_line",
    "batch_id",
]


def _key_kind_mismatch(clave: str, kind: str | None) -> str | None:
    """IMMEX temporary imports: AF is the key of fixed assets, IN of everything else (Annex 22
    keys; LA 108-III gives fixed assets the program's validity, 108-I/II give inputs 18 months
    and containers 2 years) — a lot under the wrong key would get the wrong time limit."""
    if kind is None:
        return None
    if clave == "AF" and kind != "fixed_asset":
        return f"AF is the key of fixed assets (LA 108-III); the material is of kind {kind}"
    if clave == "IN" and kind == "fixed_asset":
        return "the material is a fixed asset: its temporary import takes key AF (LA 108-III)"
    return None


def _import_pedimentos(
    conn: Connection,
    company: Company,
    path: Path,
    sha: str,
    acc: _Rows,
    rows: Iterator[tuple[int, list[str]]],
    progress: Progress | None,
) -> ImportResult:
    mats: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for r in conn.execute(
        select(t.materials.c.part_number, t.materials.c.fraccion, t.materials.c.kind).where(
            t.materials.c.company_id == company.id
        )
    ):
        mats[r.part_number] = r.fraccion
        kinds[r.part_number] = r.kind
    known_peds = _known(conn, t.lots, "pedimento", company)
    again: dict[str, list[tuple[Any, ...]]] = {}  # rows of pedimentos already imported
    broken: set[str] = set()  # … of which a row has its own errors
    keys: dict[str, str | None] = {}
    countries: dict[str, str | None] = {}
    fracs: dict[str, str | None] = {}
    out: list[tuple[Any, ...]] = []
    ix = acc.index
    i_ped, i_key, i_date, i_part = ix["pedimento"], ix["clave"], ix["date"], ix["part_number"]
    i_qty, i_val, i_orig = ix["quantity"], ix["value_usd"], ix["origin"]
    has_opt = bool(acc.optional)
    width = max(ix.values()) + 1
    qty_fn = _positive(6)
    val_fn = _non_negative(4)
    cid = company.id
    n = 0
    for line, cells in rows:
        n += 1
        errors_before = acc.count
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        ped_s = cells[i_ped].strip()
        try:
            ped = parse_pedimento(ped_s)
        except ImmexError as exc:
            acc.error(line, "pedimento", exc.message, ped_s)
            ped = None
        key_s = cells[i_key].strip().upper()
        if key_s not in keys:
            try:
                keys[key_s] = check_pedimento_key(key_s)
            except ImmexError as exc:
                keys[key_s] = None
                acc.error(line, "clave", exc.message, key_s)
        elif keys[key_s] is None:
            acc.error(line, "clave", "unknown pedimento key", key_s)
        try:
            entry = parse_day(cells[i_date])
            if ped and abs(2000 + int(ped[:2]) - entry.year) > 1:
                acc.error(line, "date", f"pedimento {ped} is from 20{ped[:2]}", cells[i_date])
        except ImmexError as exc:
            acc.error(line, "date", exc.message, cells[i_date])
            entry = None
        part = cells[i_part].strip()
        if part not in mats:
            acc.error(
                line,
                "part_number",
                "unknown material; import it with `immex import materials`"
                if part
                else "required value is empty",
                part,
            )
        try:
            qty = qty_fn(cells[i_qty])
        except ImmexError as exc:
            acc.error(line, "quantity", exc.message, cells[i_qty])
            qty = 0
        try:
            val = val_fn(cells[i_val])
        except ImmexError as exc:
            acc.error(line, "value_usd", exc.message, cells[i_val])
            val = 0
        orig = cells[i_orig].strip().upper()
        if orig not in countries:
            try:
                countries[orig] = check_country(orig)
            except ImmexError as exc:
                countries[orig] = None
                acc.error(line, "origin", exc.message, orig)
        elif countries[orig] is None:
            acc.error(line, "origin", "unknown country", orig)
        kind_error = _key_kind_mismatch(key_s, kinds.get(part))
        if kind_error:
            acc.error(line, "clave", kind_error, key_s)
        frac = mats.get(part, "")
        fx = cert = start = None
        if has_opt:
            frac_s = acc.get(cells, "fraccion")
            if frac_s:
                if frac_s not in fracs:
                    try:
                        fracs[frac_s] = check_fraccion(frac_s)
                    except ImmexError as exc:
                        fracs[frac_s] = None
                        acc.error(line, "fraccion", exc.message, frac_s)
                frac = fracs[frac_s] or ""
            fx_s = acc.get(cells, "fx")
            if fx_s:
                try:
                    if fixed(fx_s, 6) <= 0:
                        raise InvalidInput("must be greater than zero")
                    fx = fx_s
                except ImmexError as exc:
                    acc.error(line, "fx", exc.message, fx_s)
            cert = acc.get(cells, "certificate") or None
            start = acc.parse(line, cells, "start_date", parse_day, required=False)
        if ped in known_peds or not acc.errors:
            row = _lot_row(
                cid, ped, keys[key_s], entry, start, part, qty, val, orig, frac, fx, cert, line
            )
            if ped not in known_peds:
                out.append(row)
            elif acc.count > errors_before:
                broken.add(str(ped))
            else:  # compared with the stored lines below
                again.setdefault(str(ped), []).append(row)
        if progress is not None and n % 100_000 == 0:
            progress("validated", n)
    for ped in broken:
        again.pop(ped, None)
    same = _same_as_stored(conn, company, again, acc) if again else 0
    _fail_if(acc)
    if not out:
        return _nothing_new("pedimentos", path, sha, n, same)
    batch = _batch(conn, company, "pedimentos", path, sha, n)
    rows_out = [r[:-1] + (batch,) for r in out]
    del out
    bulk_insert(conn, t.lots, LOT_COLUMNS, rows_out)
    audit(
        conn,
        "import.pedimentos",
        {"file": path.name, "sha256": sha, "rows": n, "pedimentos": len({r[1] for r in rows_out})},
        company.id,
    )
    return _result("pedimentos", path, sha, n, len(rows_out), 0, same, batch)


def _lot_row(cid: int, ped: Any, *fields: Any) -> tuple[Any, ...]:
    """A lot row as LOT_COLUMNS (batch id 0 until the batch exists)."""
    key, entry, start, part, qty, val, orig, frac, fx, cert, line = fields
    return (
        cid,
        ped,
        key,
        entry.isoformat() if entry else None,
        start.isoformat() if start else None,
        part,
        qty,
        val,
        orig,
        frac,
        fx,
        cert,
        line,
        0,
    )


def _lot_content(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a pedimento row says (clave … certificate), comparable with a stored lot."""
    clave, entry, start, part, qty, val, orig, frac, fx, cert = row
    return (
        clave,
        str(entry)[:10],
        str(start)[:10] if start else None,
        part,
        int(qty),
        int(val),
        orig,
        frac,
        fixed(fx, 6) if fx else None,
        cert or None,
    )


def _same_as_stored(
    conn: Connection, company: Company, again: dict[str, list[tuple[Any, ...]]], acc: _Rows
) -> int:
    """Rows of pedimentos already imported: identical lines are left as they are (their
    count is returned); a pedimento whose lines differ from the stored ones is an error."""
    cols = [
        t.lots.c.clave,
        t.lots.c.entry_date,
        t.lots.c.start_date,
        t.lots.c.part_number,
        t.lots.c.quantity_micro,
        t.lots.c.value_e4,
        t.lots.c.origin,
        t.lots.c.fraccion,
        t.lots.c.fx,
        t.lots.c.certificate,
    ]
    stored: dict[str, Counter[tuple[Any, ...]]] = {}
    peds = sorted(again)
    for i in range(0, len(peds), 5000):
        q = select(t.lots.c.pedimento, *cols).where(
            t.lots.c.company_id == company.id, t.lots.c.pedimento.in_(peds[i : i + 5000])
        )
        for r in conn.execute(q):
            stored.setdefault(r[0], Counter())[_lot_content(tuple(r[1:]))] += 1
    same = 0
    for ped, rows in again.items():
        mine = Counter(_lot_content(r[2:12]) for r in rows)
        if mine == stored.get(ped):
            same += len(rows)
            continue
        theirs = sum(stored.get(ped, Counter()).values())
        acc.error(
            rows[0][12],
            "pedimento",
            f"already imported for this company with different lines ({theirs} stored, "
            f"{len(rows)} in this file); a re-import never changes a stored pedimento",
            ped,
        )
    return same


def _nothing_new(entity: str, path: Path, sha: str, rows: int, same: int) -> ImportResult:
    """Every row is already in the store, identical: nothing is written."""
    msg = (
        f"{path.name}: {rows} rows, all already imported with the same content; nothing written"
        if rows
        else f"{path.name}: no rows; nothing written"
    )
    return ImportResult(entity, str(path), sha, rows, 0, 0, same, rows > 0, None, msg)


SHIP_COLUMNS = [
    "company_id",
    "document",
    "line",
    "kind",
    "ship_date",
    "product",
    "quantity_micro",
    "destination",
    "value_e4",
    "pedimento",
    "source_line",
    "batch_id",
]


def _import_shipments(
    conn: Connection,
    company: Company,
    path: Path,
    sha: str,
    acc: _Rows,
    rows: Iterator[tuple[int, list[str]]],
    progress: Progress | None,
) -> ImportResult:
    products = _known(conn, t.products, "part_number", company)
    known_docs = _known(conn, t.shipments, "document", company)
    known_peds = _known(conn, t.lots, "pedimento", company)
    again: dict[str, list[tuple[Any, ...]]] = {}  # lines of documents already imported
    broken: set[str] = set()  # … of which a line has its own errors
    lines: dict[str, int] = {}
    out: list[tuple[Any, ...]] = []
    n = 0
    for line, cells in rows:
        n += 1
        errors_before = acc.count
        doc = acc.need(line, cells, "document")
        kind = acc.need(line, cells, "kind").lower()
        if kind and kind not in SHIPMENT_KINDS:
            acc.error(line, "kind", f"unknown kind; one of {', '.join(SHIPMENT_KINDS)}", kind)
        when = acc.parse(line, cells, "date", parse_day)
        product = acc.need(line, cells, "product")
        if product and product not in products:
            acc.error(
                line, "product", "unknown product; import it with `immex import products`", product
            )
        qty = acc.parse(line, cells, "quantity", _positive(6))
        dest = acc.parse(line, cells, "destination", check_country, required=False)
        value = acc.parse(line, cells, "value_usd", _non_negative(4), required=False)
        ped = acc.parse(line, cells, "pedimento", parse_pedimento, required=False)
        if ped and ped not in known_peds:
            acc.error(
                line,
                "pedimento",
                "directed discharge names a pedimento not imported",
                acc.get(cells, "pedimento"),
            )
        seq = lines.get(doc, 0) + 1
        lines[doc] = seq
        if doc in known_docs:  # compared with the stored lines below
            if acc.count > errors_before:
                broken.add(doc)
            else:
                again.setdefault(doc, []).append(
                    (company.id, doc, seq, kind, when.isoformat(), product, qty, dest, value, ped)
                    + (line, 0)
                )
        elif not acc.errors:
            row = (company.id, doc, seq, kind, when.isoformat(), product, qty, dest, value, ped)
            out.append(row + (line, 0))
    for doc in broken:
        again.pop(doc, None)
    same = _same_shipments(conn, company, again, acc) if again else 0
    _fail_if(acc)
    if not out:
        return _nothing_new("shipments", path, sha, n, same)
    batch = _batch(conn, company, "shipments", path, sha, n)
    bulk_insert(conn, t.shipments, SHIP_COLUMNS, [r[:-1] + (batch,) for r in out])
    audit(conn, "import.shipments", {"file": path.name, "sha256": sha, "rows": n}, company.id)
    return _result("shipments", path, sha, n, len(out), 0, same, batch)


def _same_shipments(
    conn: Connection, company: Company, again: dict[str, list[tuple[Any, ...]]], acc: _Rows
) -> int:
    """Lines of documents already imported: a document identical to the stored one is left
    as it is (its lines are counted as unchanged); one that differs is an error."""
    s = t.shipments
    stored: dict[str, list[tuple[Any, ...]]] = {}
    docs = sorted(again)
    for i in range(0, len(docs), 5000):
        q = (
            select(
                s.c.document,
                s.c.line,
                s.c.kind,
                s.c.ship_date,
                s.c.product,
                s.c.quantity_micro,
                s.c.destination,
                s.c.value_e4,
                s.c.pedimento,
            )
            .where(s.c.company_id == company.id, s.c.document.in_(docs[i : i + 5000]))
            .order_by(s.c.document, s.c.line)
        )
        for r in conn.execute(q):
            stored.setdefault(r[0], []).append(
                (r[1], r[2], str(r[3])[:10], r[4], int(r[5]), r[6] or None, r[7], r[8] or None)
            )
    same = 0
    for doc, rows in again.items():
        mine = [
            (r[2], r[3], r[4][:10], r[5], int(r[6]), r[7] or None, r[8], r[9] or None) for r in rows
        ]
        if mine == stored.get(doc):
            same += len(rows)
            continue
        acc.error(
            rows[0][10],
            "document",
            f"already imported for this company with different lines "
            f"({len(stored.get(doc, []))} stored, {len(rows)} in this file); a shipment "
            "document's stored lines are never changed by a re-import",
            doc,
        )
    return same


_IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "materials": _import_materials,
    "products": _import_products,
    "bom": _import_bom,
    "pedimentos": _import_pedimentos,
    "shipments": _import_shipments,
}


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """A CSV document (helper for tests and the generator)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
