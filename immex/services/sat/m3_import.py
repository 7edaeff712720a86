"""Import pedimento validation files (archivo M, ``immex import m3``).

Stored with ``source = 'm3'`` beside the Data Stage data (a broker's validation file is not
SAT's record). All-or-nothing like the Data Stage import
(:mod:`immex.services.sat.import_batch`); a pedimento already stored from a validation file
is a duplicate. The year of each pedimento comes from its 506 dates (payment first), else
its invoice date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from immex.datastage.keys import SatKey, pedimento_year
from immex.datastage.layout import LAYOUTS
from immex.datastage.m3 import M3File, M3Pedimento, parse_m3
from immex.datastage.messages import M3_YEAR_ASSUMED
from immex.datastage.reader import CONVERTERS
from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Template
from immex.services.sat.import_batch import COUNTED, RFC, ImportBatch, refused, sha256_of
from immex.services.workspace.context import Workspace

NOT_AN_RFC = Template("sat.not_an_rfc", "not an RFC")
NO_YEAR = Template(
    "sat.no_year",
    "pedimento {pedimento} has no 506 date nor invoice date: its year is unknown",
)
OTHER_COMPANY_M3 = Template("sat.other_company_m3", "pedimento of another company than {only}")


_KEYS3 = ("patente", "pedimento", "aduana")
#: one pedimento to write: its file, the pedimento, the RFC of its 501 row, its year
Plan = tuple[M3File, M3Pedimento, str, int]


def _typed(code: str, rec: dict[str, Any]) -> dict[str, Any]:
    """An M3 record (canonical strings) as values for the Data Stage table ``code``."""
    out: dict[str, Any] = {}
    for f in LAYOUTS[code].fields:
        if f.column in _KEYS3 or f.column not in rec:
            continue
        v = rec[f.column]
        conv = CONVERTERS.get(f.kind)
        out[f.column] = v if v is None or conv is None else conv(v)
    return out


def _m3_payment_date(ped: M3Pedimento) -> str | None:
    fechas = ped.records.get("506", [])
    for rec in sorted(fechas, key=lambda r: r["tipo_fecha"] != "2"):
        return str(rec["fecha"])
    for rec in ped.records.get("505", []):
        if rec.get("fecha_factura"):
            return str(rec["fecha_factura"])
    return None


def _plans(parsed: list[M3File]) -> tuple[list[Plan], list[ErrorRecord], list[str]]:
    """The pedimentos to write, with the errors and warnings of the files."""
    errors = [e for f in parsed for e in f.errors]
    warnings = [w for f in parsed for w in f.warnings]
    plans: list[Plan] = []
    for f in parsed:
        for ped in f.pedimentos:
            rec501 = ped.records.get("501", [{}])[0]
            rfc = (rec501.get("rfc") or "").upper()
            if rec501 and not RFC.match(rfc):
                errors.append(ErrorRecord(f.name, rec501["_line"], "rfc", NOT_AN_RFC(), rfc))
                continue
            when = _m3_payment_date(ped)
            if when is None:
                no_year = NO_YEAR(pedimento=ped.pedimento)
                errors.append(ErrorRecord(f.name, ped.line, None, no_year))
                continue
            year, ok = pedimento_year(ped.pedimento, int(when[:4]))
            if not ok:
                found = M3_YEAR_ASSUMED(file=f.name, line=ped.line, pedimento=ped.pedimento,
                                        paid=when[:4], year=year)  # fmt: skip
                warnings.append(found)
            plans.append((f, ped, rfc, year))
    return plans, errors, warnings


def import_m3(
    ws: Workspace, paths: Sequence[str | Path], *, dry_run: bool = False
) -> dict[str, Any]:
    """Import validation files; returns the summary (see module docstring). With a company
    in ``ws``, only pedimentos of that company may be in the files. With
    ``dry_run`` everything is read, checked and written in a transaction that is rolled
    back."""
    parsed = [parse_m3(p) for p in paths]
    plans, errors, warnings = _plans(parsed)
    only = ws.company.rfc if ws.company is not None else None
    errors += [
        ErrorRecord(f.name, ped.line, "rfc", OTHER_COMPANY_M3(only=only), rfc)
        for f, ped, rfc, _year in plans
        if only is not None and rfc != only
    ]
    if errors:
        raise BatchError(errors)
    try:
        summary = _write_m3(ws, paths, parsed, plans, warnings, dry_run)
    except ws.store.refusal_errors as exc:
        raise refused(paths, exc) from None
    return summary | {"dry_run": True} if dry_run else summary


def _write_m3(
    ws: Workspace,
    paths: Sequence[str | Path],
    parsed: list[M3File],
    plans: list[Plan],
    warnings: list[str],
    dry_run: bool,
) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    duplicates = 0
    with ws.write(dry_run=dry_run) as uow:
        ctx = ImportBatch(uow, None, [])
        for f, f_path in zip(parsed, paths, strict=True):
            batch_id: int | None = None
            for _f, ped, rfc, year in (pl for pl in plans if pl[0] is f):
                rec501 = ped.records["501"][0]
                where = (f.name, rec501.get("_line"))
                cid = ctx.company_id(rfc, rec501.get("nombre"), where)
                existing = ctx.repo.existing_keys([cid], "m3")
                if (cid, year, ped.patente, ped.pedimento, ped.aduana) in existing:
                    duplicates += 1
                    continue
                if batch_id is None:
                    batch_id = ctx.add_batch("m3", f.name, sha256_of(Path(f_path)), None)
                _write_pedimento(ctx, batch_id, cid, ped, year, counts)
        summary = {
            "pedimentos": counts["pedimentos"],
            "partidas": counts["partidas"],
            "descargos": counts["descargos"],
            "rectificaciones": counts["rectificaciones"],
            "duplicates": duplicates,
            "rectifications_linked": ctx.repo.link_rectifications(),
            "companies_registered": ctx.registered,
            "files": [f.name for f in parsed],
            "warnings": warnings + ctx.warnings,
        }
        for cid in sorted(ctx.touched):
            uow.audit(
                "sat.import_m3",
                {"files": summary["files"], "pedimentos": summary["pedimentos"]},
                cid,
            )
    return summary


def _write_pedimento(
    ctx: ImportBatch, batch_id: int, cid: int, ped: M3Pedimento, year: int, counts: Counter[str]
) -> None:
    """One pedimento of a validation file: its 501 head, typed rows and raw records."""
    repo = ctx.repo
    rec501 = ped.records["501"][0]
    when = _m3_payment_date(ped)
    head = _typed("501", rec501 | {"fecha_pago": f"{when} 00:00:00"})
    decs = [rec501.get(k) for k in ("dec_fletes", "dec_seguros", "dec_carga",
                                    "dec_descarga", "dec_otros")]  # fmt: skip
    head["total_deducibles"] = sum((Decimal(x) for x in decs if x), Decimal(0))
    pid = repo.add_pedimento(
        dict(company_id=cid, batch_id=batch_id, source="m3", year=year,
             number=SatKey(year, ped.aduana, ped.patente, ped.pedimento).number,
             patente=ped.patente, pedimento=ped.pedimento, aduana=ped.aduana, **head)
    )  # fmt: skip
    ctx.touched.add(cid)
    counts["pedimentos"] += 1
    for code, recs in ped.records.items():
        if code == "501" or not repo.is_typed(code):
            for rec in recs if code not in ("501",) else []:
                data = "|".join("" if v is None else str(v) for k, v in rec.items() if k != "_line")
                repo.add_raw_row(batch_id, pid, f"M{code}", data)
            continue
        rows = []
        for rec in recs:
            row = _typed(code, rec) | {"pedimento_id": pid}
            if code == "551":
                row["tipo_operacion"] = head.get("tipo_operacion")
                row["clave_documento"] = head.get("clave_documento")
            if code == "512":
                row["year_orig"] = pedimento_year(
                    rec["pedimento_orig"], int(str(rec["fecha_orig"])[:4])
                )[0]
            if code == "701":
                row["year_anterior"] = pedimento_year(
                    rec["pedimento_anterior"], int(str(rec["fecha_anterior"])[:4])
                )[0]
            rows.append(row)
        repo.add_rows(code, rows)
        counts[COUNTED.get(code, code)] += len(rows)
    for rtype, line in ped.raw:
        repo.add_raw_row(batch_id, pid, f"M{rtype}", line)
