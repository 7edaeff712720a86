"""A pedimento as SAT has it (``immex pedimento show``)."""

from __future__ import annotations

import re
from typing import Any

from immex.datastage.keys import SatKey
from immex.domain.codes import parse_pedimento_number
from immex.domain.errors import InvalidFormat, InvalidInput, NotFound
from immex.domain.messages import Template
from immex.services.workspace.context import Workspace
from immex.store.unit import Repositories

NOT_A_NUMBER = Template(
    "sat.not_a_number",
    "not a pedimento number: {number}; give the 15 digits 'AA AD PPPP NNNNNNN' (e.g. 25 24 "
    "3999 5000101) or the 7-digit number",
)
NOT_IN_SAT_DATA = Template(
    "sat.not_in_sat_data",
    "pedimento {number} is not in the SAT data of this workspace; import the Data Stage "
    "extraction that holds it with `immex import datastage`",
)


#: child tables shown, by Data Stage table
_SHOWN = {"fechas": "506", "identificadores": "507", "facturas": "505", "tasas": "509",
          "contribuciones": "510"}  # fmt: skip


def _find(repos: Repositories, number: str, company_id: int | None) -> list[Any]:
    digits = re.sub(r"[\s.\-]", "", number)
    if len(digits) == 15 and digits.isdigit():
        ped = parse_pedimento_number(digits, check_year=False)
        return repos.sat.find_pedimentos(
            company_id=company_id, pedimento=ped.number, year2=int(ped.year),
            patente=ped.patent, office=ped.office,
        )  # fmt: skip
    if len(digits) == 7 and digits.isdigit():
        return repos.sat.find_pedimentos(company_id=company_id, pedimento=digits)
    raise InvalidFormat(
        NOT_A_NUMBER(number=repr(number)),
        field="number",
    )


def _chain(repos: Repositories, ped_id: int) -> list[dict[str, Any]]:
    """The rectification chain through ``ped_id``: oldest first."""
    sat = repos.sat
    back: list[int] = []
    seen = {ped_id}
    cur = ped_id
    while True:
        prev = sat.rectified_by(cur)
        if prev is None or prev in seen:
            break
        seen.add(prev)
        back.append(prev)
        cur = prev
    forward: list[int] = []
    cur_row = sat.chain_info(ped_id)
    while cur_row is not None and cur_row.superseded_by_id and cur_row.superseded_by_id not in seen:
        seen.add(cur_row.superseded_by_id)
        forward.append(cur_row.superseded_by_id)
        cur_row = sat.chain_info(cur_row.superseded_by_id)
    out = []
    for pid in [*reversed(back), ped_id, *forward]:
        row = sat.chain_info(pid)
        out.append({
            "number": row.number, "clave": row.clave_documento,
            "tipo_pedimento": row.tipo_pedimento, "fecha_pago": row.fecha_pago,
            "superseded_by": None if row.superseded_by_id is None else sat.chain_info(
                row.superseded_by_id).number,
            "current": row.superseded_by_id is None, "this": pid == ped_id,
        })  # fmt: skip
    # rectifications naming a pedimento that is not stored
    missing = sat.unresolved_rectification(back[-1] if back else ped_id)
    if missing is not None:
        key = SatKey(missing.year_anterior, missing.aduana_anterior, missing.patente_anterior,
                     missing.pedimento_anterior)  # fmt: skip
        out.insert(0, {"number": key.number, "clave": None, "tipo_pedimento": None,
                       "fecha_pago": None, "superseded_by": out[0]["number"], "current": False,
                       "this": False, "not_stored": True})  # fmt: skip
    return out


def pedimento_show(ws: Workspace, number: str) -> dict[str, Any]:
    """A pedimento as SAT has it: header, dates, identifiers, invoices, contributions,
    lines (with their rates and contributions), discharges made by it and from it, and
    the rectification chain. Data Stage data is preferred to validation-file data. With a
    company in ``ws``, only that company's pedimentos are looked at."""
    company_id = ws.company.id if ws.company else None
    with ws.read() as repos:
        found = _find(repos, number, company_id)
        if not found:
            raise NotFound(
                NOT_IN_SAT_DATA(number=repr(number)),
                field="number",
            )
        keys = {(r.company_id, r.year, r.patente, r.pedimento, r.aduana) for r in found}
        if len(keys) > 1:
            raise InvalidInput(
                f"{number!r} matches {len(keys)} pedimentos: "
                + ", ".join(sorted({r.number for r in found}))
                + "; give the full 15-digit number (or --company)",
                field="number",
            )
        head = found[0]
        return _shown(repos, head, found)


def _shown(repos: Repositories, head: Any, found: list[Any]) -> dict[str, Any]:
    sat, pid = repos.sat, head.id
    lines = sat.rows_of(pid, "551")
    tasas = sat.rows_of(pid, "556")
    contrib = sat.rows_of(pid, "557")
    for line in lines:
        line["tasas"] = [t for t in tasas if t["secuencia"] == line["secuencia"]]
        line["contribuciones"] = [c for c in contrib if c["secuencia"] == line["secuencia"]]
    header = {k: v for k, v in head._mapping.items()
              if k not in ("id", "batch_id", "superseded_by_id")}  # fmt: skip
    shown = {name: sat.rows_of(pid, code) for name, code in _SHOWN.items()}
    return {
        "number": head.number,
        "display": str(SatKey(head.year, head.aduana, head.patente, head.pedimento)),
        "company": sat.company_rfc(head.company_id),
        "source": head.source,
        "other_sources": sorted({r.source for r in found} - {head.source}),
        "status": "current" if head.superseded_by_id is None else "rectified",
        "header": header,
        "fechas": shown["fechas"],
        "identificadores": shown["identificadores"],
        "facturas": shown["facturas"],
        "tasas": shown["tasas"],
        "contribuciones": shown["contribuciones"],
        "partidas": lines,
        "descargos": sat.rows_of(pid, "512"),
        "descargado_por": sat.discharged_from(head),
        "rectificaciones": sat.rows_of(pid, "701"),
        "chain": _chain(repos, pid),
    }
