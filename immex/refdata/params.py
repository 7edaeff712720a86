"""Compile the curated, effective-dated parameters (``sources/parameters.yaml``).

Checks each record (dates, confidence, a numeric value where the type is decimal, no
overlap between records of one parameter) and writes ``parameters.json``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from immex.domain.dated import CONFIDENCE_LEVELS
from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Template
from immex.refdata.framework import BuiltTable, SourceFile, sha256_file, write_json

PARAMETERS_YAML = Path(__file__).resolve().parent / "sources" / "parameters.yaml"
PARAMETERS_REL = "immex/refdata/sources/parameters.yaml"
TYPES = ("decimal", "text")

NOT_A_TYPE = Template("refdata.build.not_a_type", "must be one of {types}")
BAD_DATE = Template(
    "refdata.build.bad_date",
    "valid_from missing, or valid_from or valid_to not a date (YYYY-MM-DD)",
)
TO_BEFORE_FROM = Template("refdata.build.to_before_from", "valid_to before valid_from")
NOT_QUOTED = Template("refdata.build.not_quoted", "value must be a quoted string")
NOT_A_NUMBER = Template("refdata.build.not_a_number", "not a number")
BAD_CONFIDENCE = Template("refdata.build.bad_confidence", "confidence must be one of {levels}")
NO_SOURCE = Template("refdata.build.no_param_source", "source (law, article, DOF) missing")
OVERLAP = Template("refdata.build.overlap", "records overlap: {first} and {second}")
NO_VALUES = Template("refdata.build.no_values", "no values")
ERRORS_IN = Template("refdata.build.errors_in", "{n} error in {where}", "{n} errors in {where}")
LATE_RATE = Template(
    "refdata.build.late_rate",
    "{value} on {day} disagrees with the LIF rate {lif} + {increase} % (CFF 21) = {expected}",
)


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


def compile_parameters(raw: dict[str, Any], where: str = PARAMETERS_REL) -> dict[str, Any]:
    """Validate the YAML structure; return the JSON-ready document (all values as strings)."""
    errors: list[ErrorRecord] = []
    params: dict[str, Any] = {}
    for name, spec in sorted((raw.get("parameters") or {}).items()):
        kind = spec.get("type", "decimal")
        if kind not in TYPES:
            errors.append(
                ErrorRecord(where, None, f"{name}.type", NOT_A_TYPE(types=", ".join(TYPES)), kind)
            )
        values = []
        for i, rec in enumerate(spec.get("values") or []):
            field = f"{name}.values[{i}]"
            try:
                start = _day(rec["valid_from"])
                end = _day(rec.get("valid_to"))
            except (KeyError, ValueError):
                errors.append(ErrorRecord(where, None, field, BAD_DATE()))
                continue
            if end is not None and start is not None and end < start:
                errors.append(ErrorRecord(where, None, field, TO_BEFORE_FROM()))
            value = rec.get("value")
            if not isinstance(value, str):
                errors.append(ErrorRecord(where, None, field, NOT_QUOTED(), repr(value)))
                continue
            if kind == "decimal":
                try:
                    Decimal(value)
                except InvalidOperation:
                    errors.append(ErrorRecord(where, None, field, NOT_A_NUMBER(), value))
            conf = rec.get("confidence")
            if conf not in CONFIDENCE_LEVELS:
                errors.append(
                    ErrorRecord(
                        where,
                        None,
                        field,
                        BAD_CONFIDENCE(levels=", ".join(CONFIDENCE_LEVELS)),
                        conf,  # fmt: skip
                    )
                )
            if not rec.get("source"):
                errors.append(ErrorRecord(where, None, field, NO_SOURCE()))
            values.append(
                {
                    "valid_from": start,
                    "valid_to": end,
                    "value": value,
                    "source": rec.get("source", ""),
                    "confidence": conf,
                    "note": rec.get("note", ""),
                }
            )
        values.sort(key=lambda v: v["valid_from"])
        for a, b in zip(values, values[1:], strict=False):
            if a["valid_to"] is None or a["valid_to"] >= b["valid_from"]:
                errors.append(
                    ErrorRecord(
                        where,
                        None,
                        name,
                        OVERLAP(first=a["valid_from"], second=b["valid_from"]),
                    )
                )
        if not values:
            errors.append(ErrorRecord(where, None, name, NO_VALUES()))
        params[name] = {
            "description": spec.get("description", ""),
            "unit": spec.get("unit", ""),
            "type": kind,
            "values": values,
        }
    observations: dict[str, Any] = {}
    for name, spec in sorted((raw.get("observations") or {}).items()):
        observations[name] = {
            "source": spec.get("source", ""),
            "confidence": spec.get("confidence", ""),
            "note": spec.get("note", ""),
            "values": [
                {"year": int(v["year"]), "value": str(v["value"])} for v in spec.get("values") or []
            ],
        }
    errors.extend(_check_late_payment_rate(params, where))
    if errors:
        raise BatchError(errors, ERRORS_IN(n=len(errors), where=where))
    return {"parameters": params, "observations": observations}


def _value_at(params: dict[str, Any], name: str, day: str) -> Decimal | None:
    for v in (params.get(name) or {}).get("values", []):
        if v["valid_from"] <= day and (v["valid_to"] is None or day <= v["valid_to"]):
            return Decimal(v["value"])
    return None


def _check_late_payment_rate(params: dict[str, Any], where: str) -> list[ErrorRecord]:
    """The curated late-payment rate must equal LIF rate + CFF 21 increase on each record."""
    from immex.domain.duties import cff21_monthly_rate

    errors = []
    for v in (params.get("recargos.late_payment_rate") or {}).get("values", []):
        day = v["valid_from"]
        lif = _value_at(params, "recargos.lif_monthly_rate", day)
        increase = _value_at(params, "recargos.cff21_increase", day)
        if lif is None or increase is None:
            continue
        expected = cff21_monthly_rate(lif, increase)
        if Decimal(v["value"]) != expected:
            errors.append(
                ErrorRecord(
                    where,
                    None,
                    "recargos.late_payment_rate",
                    LATE_RATE(
                        value=v["value"], day=day, lif=lif, increase=increase, expected=expected
                    ),  # fmt: skip
                    v["value"],
                )
            )
    return errors


#: the consolidated texts the parameters cite
LAWS = (
    "laws/codigo_fiscal_federacion.txt",
    "laws/ley_aduanera.txt",
    "laws/ley_federal_derechos.txt",
    "laws/ley_ingresos_2026.txt",
    "laws/ley_iva.txt",
)


def law_sources(source: Path) -> list[SourceFile]:
    """The law texts read, each with the DOF date its header states."""
    out = []
    for rel in LAWS:
        path = source / rel
        head = "\n".join(path.read_text(encoding="utf-8").splitlines()[:12])
        m = re.search(r"DOF \d\d-\d\d-\d{4}", head)
        as_of = m.group(0) if m else "unknown"
        out.append(SourceFile(rel, sha256_file(path), as_of, ""))
    return out


def build(source: Path, out: Path, yaml_path: Path = PARAMETERS_YAML) -> list[BuiltTable]:
    raw = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    doc = compile_parameters(raw)
    write_json(out / "parameters.json", doc)
    n = sum(len(p["values"]) for p in doc["parameters"].values())
    src = SourceFile(
        PARAMETERS_REL,
        sha256_file(yaml_path),
        "curated from laws up to DOF 19-11-2025",
        "immex project, curated from ../shared/data/laws (Cámara de Diputados consolidated "
        "texts: LIVA DOF 12-11-2021, LFD 19-12-2024, CFF 14-11-2025, LA 19-11-2025, LIF 2026)",
    )
    return [
        BuiltTable(
            "parameters.json",
            n,
            (src, *law_sources(source)),
            "laws up to DOF 19-11-2025",
            f"{len(doc['parameters'])} effective-dated legal parameters ({n} dated values) "
            f"and {len(doc['observations'])} observation series",
        )
    ]
