"""Import the master data of the ledger: materials, products and their bill of materials.

A part number is the key: a re-imported part with other values is updated, an identical one
left as it is. A BOM line is versioned by its validity: a new version may not overlap a
stored one of the same product and component. A component is a material or, for a
sub-assembly, a product (:mod:`immex.domain.discharge.bom_tree`); a line that would make a
product contain itself is refused with the cycle's path.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from immex.domain.discharge.bom_tree import BomCycle, route_between
from immex.domain.ledger import MATERIAL_KINDS
from immex.domain.messages import Template
from immex.services.ledger.field_checks import (
    QUANTITY_PLACES,
    VALUE_PLACES,
    check_fraccion,
    check_unit,
    non_negative,
    parse_day,
    positive,
)
from immex.services.ledger.import_job import Entity, ImportJob, ImportResult, open_batch
from immex.services.workspace.context import UnitOfWork
from immex.store.repositories.ledger_records import MasterData, StoredPart

UNKNOWN_KIND = Template("import.unknown_kind", "unknown kind; one of {kinds}")
TOO_LONG = Template("import.too_long", "longer than {n} characters")
REPEATED = Template("import.repeated", "repeated in this file")
ENDS_BEFORE = Template("import.ends_before", "ends before valid_from {day}")


#: the longest part number the store keeps
PART_NUMBER_MAX = 80
UNKNOWN_PRODUCT = Template(
    "import.unknown_product", "unknown product; import it with `immex import products`"
)()
UNKNOWN_COMPONENT = Template(
    "bom.unknown_component",
    "unknown component: neither a material nor a product; import it with `immex import "
    "materials` (or, for a sub-assembly, `immex import products`)",
)
BOTH_KINDS = Template(
    "bom.both_kinds",
    "is both a material and a product: a component must be one or the other (a product "
    "as a component is a sub-assembly, exploded through its own BOM)",
)

BomVersion = tuple[int, int, date | None, date | None]


def import_parts(uow: UnitOfWork, job: ImportJob) -> ImportResult:
    """Materials or products (the job's entity): new parts inserted, changed ones updated."""
    master = MasterData(job.entity.value)
    parsed, n = _read_parts(job)
    job.fields.fail_if_errors()
    ledger = uow.repos.ledger
    existing = ledger.stored_parts(master, job.company_id)
    fields = list(next(iter(parsed.values())).keys()) if parsed else []
    new = [p for p in parsed if p not in existing]
    changed = [
        p
        for p in parsed
        if p in existing
        and (
            existing[p].withdrawn_by is not None
            or any(existing[p].values[f] != parsed[p][f] for f in fields)
        )
    ]
    batch = open_batch(uow, job, n)
    ledger.add_parts(
        master,
        [
            {"company_id": job.company_id, "part_number": p, "batch_id": batch, **parsed[p]}
            for p in new
        ],
    )
    for p in changed:
        _keep_version(uow, master, job.company_id, p, existing[p], batch)
        ledger.update_part(
            master, existing[p].id, {"batch_id": batch, "withdrawn_by": None, **parsed[p]}
        )
    uow.audit(f"import.{job.entity}", job.audit_detail(n, new=len(new), updated=len(changed)))
    return job.result(n, len(new), len(changed), n - len(new) - len(changed), batch)


def _keep_version(
    uow: UnitOfWork, master: MasterData, company_id: int, part: str, old: StoredPart, batch: int
) -> None:
    """The version an import replaces stays in the part's history (a withdrawn part's
    was kept by the void that withdrew it)."""
    if old.withdrawn_by is None:
        ws = uow.workspace
        uow.repos.corrections.keep_version(
            master, company_id, part, old.values, old.batch_id, replaced_by=batch,
            correction_id=None, at=ws.now(), actor=ws.actor,
        )  # fmt: skip


def _read_parts(job: ImportJob) -> tuple[dict[str, dict[str, Any]], int]:
    """The parts of the file (part number → columns) and the number of rows."""
    acc = job.fields
    parsed: dict[str, dict[str, Any]] = {}
    n = 0
    for line, cells in job.rows:
        n += 1
        part = acc.need(line, cells, "part_number")
        rec: dict[str, Any] = {
            "description": acc.need(line, cells, "description"),
            "fraccion": acc.parse(line, cells, "fraccion", check_fraccion),
            "umc": acc.parse(line, cells, "umc", check_unit),
        }
        if job.entity is Entity.MATERIALS:
            kind = acc.need(line, cells, "kind").lower().replace("-", "_").replace(" ", "_")
            if kind and kind not in MATERIAL_KINDS:
                acc.error(line, "kind", UNKNOWN_KIND(kinds=", ".join(MATERIAL_KINDS)), kind)
            rec["kind"] = kind
        if part and len(part) > PART_NUMBER_MAX:
            acc.error(line, "part_number", TOO_LONG(n=PART_NUMBER_MAX), part)
        if part in parsed:
            acc.error(line, "part_number", REPEATED(), part)
        if part:
            parsed[part] = rec
    return parsed, n


def import_bom(uow: UnitOfWork, job: ImportJob) -> ImportResult:
    """BOM lines: a version already stored is unchanged; a new one must not overlap."""
    ledger = uow.repos.ledger
    products = ledger.part_numbers(MasterData.PRODUCTS, job.company_id)
    materials = ledger.part_numbers(MasterData.MATERIALS, job.company_id)
    lines, n = _read_bom(job, products, materials)
    existing = ledger.bom_versions(job.company_id)
    _refuse_cycles(job, lines, existing, products)
    same = 0
    to_insert: list[dict[str, Any]] = []
    for line, key, rec in lines:
        versions = existing.setdefault(key, [])
        if rec in versions:
            same += 1
            continue
        overlapping = _overlapping(rec, versions)
        if overlapping is not None:
            job.fields.error(
                line,
                "valid_from",
                f"overlaps another version of {key[0]} → {key[1]} "
                f"({_span(overlapping[2], overlapping[3])}); close it with valid_to first",
                _span(rec[2], rec[3]),
            )
        versions.append(rec)
        to_insert.append(
            {
                "company_id": job.company_id,
                "product": key[0],
                "component": key[1],
                "qty_per_unit_micro": rec[0],
                "scrap_pct_e4": rec[1],
                "valid_from": rec[2],
                "valid_to": rec[3],
            }
        )
    job.fields.fail_if_errors()
    batch = open_batch(uow, job, n)
    ledger.add_bom_lines([{**r, "batch_id": batch} for r in to_insert])
    uow.audit("import.bom", job.audit_detail(n, new=len(to_insert)))
    return job.result(n, len(to_insert), 0, same, batch)


def _read_bom(
    job: ImportJob, products: set[str], materials: set[str]
) -> tuple[list[tuple[int, tuple[str, str], BomVersion]], int]:
    """(line, (product, component), version) of each usable row; the number of rows."""
    acc = job.fields
    qty_check = positive(QUANTITY_PLACES)
    scrap_check = non_negative(VALUE_PLACES)
    lines: list[tuple[int, tuple[str, str], BomVersion]] = []
    n = 0
    for line, cells in job.rows:
        n += 1
        product = acc.need(line, cells, "product")
        component = acc.need(line, cells, "component")
        qpu = acc.parse(line, cells, "qty_per_unit", qty_check)
        scrap = acc.parse(line, cells, "scrap_pct", scrap_check, required=False) or 0
        vf = acc.parse(line, cells, "valid_from", parse_day, required=False)
        vt = acc.parse(line, cells, "valid_to", parse_day, required=False)
        if product and product not in products:
            acc.error(line, "product", UNKNOWN_PRODUCT, product)
        if component and component not in materials and component not in products:
            acc.error(line, "component", UNKNOWN_COMPONENT(), component)
        elif component in materials and component in products:
            acc.error(line, "component", BOTH_KINDS(), component)
        if vf and vt and vt < vf:
            acc.error(line, "valid_to", ENDS_BEFORE(day=vf.isoformat()), vt.isoformat())
        if product and component and qpu is not None:
            lines.append((line, (product, component), (qpu, scrap, vf, vt)))
    return lines, n


def _refuse_cycles(
    job: ImportJob,
    lines: list[tuple[int, tuple[str, str], BomVersion]],
    existing: dict[tuple[str, str], list[BomVersion]],
    products: set[str],
) -> None:
    """A row whose sub-assembly contains, at some level, the row's product closes a cycle:
    refused at that row with the path (whatever the versions' dates)."""
    edges: dict[str, set[str]] = {}
    for product, component in existing:
        if component in products:
            edges.setdefault(product, set()).add(component)
    for line, (product, component), _rec in lines:
        if component not in products or component in edges.get(product, ()):
            continue
        back = route_between(edges, component, product)
        if back is not None:
            err = BomCycle((product, *back))
            job.fields.error(line, "component", err.message, component)
            continue
        edges.setdefault(product, set()).add(component)


def _overlapping(rec: BomVersion, versions: list[BomVersion]) -> BomVersion | None:
    """The first stored version whose validity overlaps ``rec``'s."""
    lo = rec[2] or date.min
    hi = rec[3] or date.max
    for other in versions:
        if lo <= (other[3] or date.max) and (other[2] or date.min) <= hi:
            return other
    return None


def _span(a: date | None, b: date | None) -> str:
    return f"{a.isoformat() if a else '…'} to {b.isoformat() if b else '…'}"
