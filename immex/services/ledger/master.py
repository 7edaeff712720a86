"""Import the master data of the ledger: materials, products and their bill of materials.

A part number is the key: a re-imported part with other values is updated, an identical one
left as it is; the version it replaces stays in the part's history (``immex part history``).
A BOM line is versioned by its validity: a new version may not overlap a stored one of the
same product and component. A component is a material or, for a sub-assembly, a product
(:mod:`immex.domain.discharge.bom_tree`); a line that would make a product contain itself is
refused with the cycle's path.

A rectification (``--rectify --reason``, as for pedimentos) corrects data already stored and
says why: for materials and products it updates only parts already stored (each earlier
version kept, naming the correction); for the BOM, the lines of each product in the file
replace the product's stored lines whose validity overlaps theirs (the replaced lines are
withdrawn, not deleted: :mod:`.corrections`). Either makes the current discharge run stale.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from immex.domain.discharge.bom_tree import BomCycle, route_between
from immex.domain.ledger import MATERIAL_KINDS
from immex.domain.messages import Template
from immex.services.ledger.corrections import RECTIFY, STALE_NOTE
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
from immex.store.repositories.corrections import BomLine
from immex.store.repositories.ledger_records import MasterData, StoredPart

UNKNOWN_KIND = Template("import.unknown_kind", "unknown kind; one of {kinds}")
OVERLAPS_VERSION = Template(
    "import.overlaps_version",
    "overlaps another version of {product} → {component} ({span}); close it with valid_to first",
)
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

PART_NOT_STORED = Template(
    "import.rectify_part_not_stored",
    "not stored for this company (or withdrawn), so there is nothing to rectify; import it "
    "without --rectify",
)
BOM_NOT_STORED = Template(
    "import.rectify_bom_not_stored",
    "{product} has no stored BOM line in force over {span}, so there is nothing to rectify; "
    "import the line without --rectify",
)
PARTS_RECTIFIED = Template(
    "import.parts_rectified",
    "{count} part(s) of {entity} rectified ({parts}): each earlier version stays in its "
    "history (`immex part history PART`)",
)
BOM_RECTIFIED = Template(
    "import.bom_rectified",
    "BOM of {count} product(s) rectified ({products}): {withdrawn} earlier line(s) withdrawn "
    "and kept in their history (`immex part history PRODUCT`)",
)

BomVersion = tuple[int, int, date | None, date | None]


def import_parts(uow: UnitOfWork, job: ImportJob) -> ImportResult:
    """Materials or products (the job's entity): new parts inserted, changed ones updated."""
    master = MasterData(job.entity.value)
    parsed, lines, n = _read_parts(job)
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
    if job.rectify is not None:
        return _rectify_parts(uow, job, master, parsed, lines, n, existing, new + changed)
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


def _rectify_parts(
    uow: UnitOfWork, job: ImportJob, master: MasterData, parsed: dict[str, dict[str, Any]],
    lines: dict[str, int], n: int, existing: dict[str, StoredPart], touched: list[str],
) -> ImportResult:  # fmt: skip
    """New versions of parts already stored (current): each earlier one kept, naming the
    correction; a part not stored (or withdrawn) is an error."""
    for p in touched:
        if p not in existing or existing[p].withdrawn_by is not None:
            job.fields.error(lines[p], "part_number", PART_NOT_STORED(), p)
    job.fields.fail_if_errors()
    if not touched:
        return job.nothing_new(n, n)
    batch = open_batch(uow, job, n)
    parts = sorted(touched)
    correction, stale = _correction(uow, job, batch, {"entity": master.value, "parts": parts})
    ws = uow.workspace
    for p in parts:
        old = existing[p]
        uow.repos.corrections.keep_version(
            master, job.company_id, p, old.values, old.batch_id, replaced_by=batch,
            correction_id=correction, at=ws.now(), actor=ws.actor,
        )  # fmt: skip
        uow.repos.ledger.update_part(master, old.id, {"batch_id": batch, **parsed[p]})
    uow.audit(
        "import.rectify",
        job.audit_detail(n, entity=master.value, parts=parts, reason=job.rectify,
                         stale_run=stale),
    )  # fmt: skip
    job.notes.append(PARTS_RECTIFIED(count=len(parts), entity=master.value, parts=_few(parts)))
    if stale is not None:
        job.notes.append(STALE_NOTE(run=stale))
    return job.result(n, 0, len(parts), n - len(parts), batch)


def _correction(
    uow: UnitOfWork, job: ImportJob, batch: int, detail: dict[str, Any]
) -> tuple[int, int | None]:
    """Record the rectification of ``batch`` (its reason, the run it makes stale)."""
    run = uow.repos.journal.current_run(job.company_id)
    stale = None if run is None else run.id
    ws = uow.workspace
    correction = uow.repos.corrections.add(
        company_id=job.company_id, kind=RECTIFY, batch_id=batch, reason=job.rectify or "",
        actor=ws.actor, created_at=ws.now(), stale_run=stale, detail=detail,
    )  # fmt: skip
    return correction, stale


def _few(names: list[str], most: int = 5) -> str:
    return ", ".join(names[:most]) + (" …" if len(names) > most else "")


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


def _read_parts(job: ImportJob) -> tuple[dict[str, dict[str, Any]], dict[str, int], int]:
    """The parts of the file (part number → columns), the line of each and the number of
    rows."""
    acc = job.fields
    parsed: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
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
            lines.setdefault(part, line)
    return parsed, lines, n


def import_bom(uow: UnitOfWork, job: ImportJob) -> ImportResult:
    """BOM lines: a version already stored is unchanged; a new one must not overlap. A
    rectification replaces the stored lines of each product that overlap the file's."""
    ledger = uow.repos.ledger
    products = ledger.part_numbers(MasterData.PRODUCTS, job.company_id)
    materials = ledger.part_numbers(MasterData.MATERIALS, job.company_id)
    lines, n = _read_bom(job, products, materials)
    existing = ledger.bom_versions(job.company_id)
    replaced: list[BomLine] = []
    same = 0
    if job.rectify is not None:
        replaced, unchanged = _bom_to_replace(uow, job, lines)
        for r in replaced:
            existing[(r.product, r.component)].remove(r.version)
        same = sum(1 for _, key, _ in lines if key[0] in unchanged)
        lines = [x for x in lines if x[1][0] not in unchanged]
    _refuse_cycles(job, lines, existing, products)
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
                OVERLAPS_VERSION(
                    product=key[0], component=key[1], span=_span(overlapping[2], overlapping[3])
                ),
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
    if job.rectify is not None and not to_insert:
        return job.nothing_new(n, same)
    batch = open_batch(uow, job, n)
    ledger.add_bom_lines([{**r, "batch_id": batch} for r in to_insert])
    if job.rectify is None:
        uow.audit("import.bom", job.audit_detail(n, new=len(to_insert)))
        return job.result(n, len(to_insert), 0, same, batch)
    rectified = sorted({r["product"] for r in to_insert})
    correction, stale = _correction(uow, job, batch, {"entity": "bom", "products": rectified})
    withdrawn = uow.repos.corrections.withdraw_bom_lines(
        job.company_id, [r.id for r in replaced], correction
    )
    uow.audit(
        "import.rectify",
        job.audit_detail(n, entity="bom", products=rectified, reason=job.rectify,
                         withdrawn=withdrawn, stale_run=stale),
    )  # fmt: skip
    job.notes.append(
        BOM_RECTIFIED(count=len(rectified), products=_few(rectified), withdrawn=withdrawn)
    )
    if stale is not None:
        job.notes.append(STALE_NOTE(run=stale))
    return job.result(n, 0, len(to_insert), same, batch)


def _bom_to_replace(
    uow: UnitOfWork, job: ImportJob, lines: list[tuple[int, tuple[str, str], BomVersion]]
) -> tuple[list[BomLine], set[str]]:
    """For a rectification: the stored lines the file replaces (those of each of its
    products whose validity overlaps one of the product's lines in the file) and the
    products whose file lines are the very lines they would replace (unchanged). A file
    line that overlaps no stored line of its product is an error: nothing to rectify."""
    by_product: dict[str, list[tuple[int, str, BomVersion]]] = {}
    for line, (product, component), rec in lines:
        by_product.setdefault(product, []).append((line, component, rec))
    stored: dict[str, list[BomLine]] = {}
    for s in uow.repos.corrections.bom_lines(job.company_id, sorted(by_product)):
        stored.setdefault(s.product, []).append(s)
    replaced: list[BomLine] = []
    unchanged: set[str] = set()
    for product, mine in by_product.items():
        theirs = stored.get(product, [])
        hit = [s for s in theirs if any(_overlaps(s.version, rec) for _, _, rec in mine)]
        for line, _component, rec in mine:
            if not any(_overlaps(s.version, rec) for s in theirs):
                job.fields.error(
                    line, "valid_from",
                    BOM_NOT_STORED(product=product, span=_span(rec[2], rec[3])),
                    _span(rec[2], rec[3]),
                )  # fmt: skip
        given = Counter((component, rec) for _, component, rec in mine)
        if given == Counter((s.component, s.version) for s in hit):
            unchanged.add(product)
        else:
            replaced.extend(hit)
    return replaced, unchanged


def _overlaps(a: BomVersion | tuple[Any, ...], b: BomVersion) -> bool:
    return (a[2] or date.min) <= (b[3] or date.max) and (b[2] or date.min) <= (a[3] or date.max)


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
