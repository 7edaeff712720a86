"""Pedimento validation files ("archivo M", SAAI M3 / VOCE layout v9).

What a customs broker sends to validation: ASCII, one record per line, ``|``-separated,
first field the record type; 500 opens a pedimento, 501 its general data, then its
pedimento-level records, each 551 followed by its 552–558, 800 closes it; one 801 closes
the file (file name, number of pedimentos, number of records without the 801). The file
is named ``mPPPPNNN.DDD`` (patent, daily consecutive, day of the year). Records carry only
the 7-digit pedimento: patent and customs office come from its 500/501.

Field lists: ``../shared/data/formats/validacion_m3/layout_v9_fields.tsv`` (v9.0). Dates
appear as ``DDMMAAAA`` and as ``AAAAMMDD``: both are accepted, with range checks (years
1990–2099; with that range the two forms can never be confused).

The parsed records are mapped onto the columns of the Data Stage tables of the same
number (see :mod:`immex.datastage.layout`), so a validation file and an extraction can be
compared field by field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from immex.datastage.layout import KIND_RE
from immex.datastage.messages import (
    EXPECTED,
    KIND_HELP,
    M3_AFTER_TRAILER,
    M3_BAD_DATE,
    M3_BEFORE_OPEN,
    M3_FIELD_COUNT,
    M3_FILE_NOTE,
    M3_NAME,
    M3_NO_501,
    M3_NOT_OPENED,
    M3_PATENT_DIFFERS,
    M3_READ_AS,
    M3_TRAILER_NAME,
    M3_TRAILER_PEDIMENTOS,
    M3_TRAILER_RECORDS,
    M3_UNKNOWN_RECORD,
    REQUIRED_EMPTY,
)
from immex.domain.errors import ErrorRecord
from immex.domain.messages import Template
from immex.files import UnreadableFile, decode_bytes

CANNOT_READ = Template("m3.cannot_read", "cannot read: {exc}")
NO_TRAILER = Template("m3.no_trailer", "no 801 trailer: truncated file?")


_FILE_NAME = re.compile(r"^m(?P<patente>\d{4})(?P<seq>\d{3})\.(?P<day>\d{3})$", re.IGNORECASE)
_DATE_RANGE = (1990, 2099)

#: record → fields (column name or "" to skip, kind); "F" = an M3 date. Records not listed
#: are kept raw. Column names are those of the Data Stage table with the same number.
SPECS: dict[str, list[tuple[str, str]]] = {
    "500": [("", "t"), ("tipo_movimiento", "i"), ("patente", "k4"), ("pedimento", "k7"),
            ("aduana", "k3"), ("acuse", "t")],
    "501": [("", "t"), ("patente", "k4"), ("pedimento", "k7"), ("aduana", "k3"),
            ("tipo_operacion", "i!"), ("clave_documento", "t!"), ("aduana_entrada", "t"),
            ("curp_contribuyente", "t"), ("rfc", "t!"), ("curp_agente", "t"),
            ("tipo_cambio", "r"), ("total_fletes", "w"), ("total_seguros", "w"),
            ("total_embalajes", "w"), ("total_incrementables", "w"), ("", "t"),
            ("peso_bruto", "n"), ("medio_salida", "i"), ("medio_arribo", "i"),
            ("medio_entrada_salida", "i"), ("destino", "i"), ("nombre", "x"), ("calle", "x"),
            ("num_interior", "t"), ("num_exterior", "t"), ("cp", "t"), ("municipio", "x"),
            ("entidad", "t"), ("pais", "t"), ("rfc_cfdi", "t"), ("dec_fletes", "w"),
            ("dec_seguros", "w"), ("dec_carga", "w"), ("dec_descarga", "w"), ("dec_otros", "w")],
    "505": [("", "t"), ("pedimento", "k7"), ("fecha_factura", "F"), ("numero_factura", "x"),
            ("incoterm", "t"), ("moneda", "t"), ("valor_dolares", "m"), ("valor_moneda", "m"),
            ("pais", "t"), ("entidad", "t"), ("id_fiscal_proveedor", "t"), ("proveedor", "x"),
            ("calle", "x"), ("num_interior", "t"), ("num_exterior", "t"), ("cp", "t"),
            ("municipio", "x")],
    "506": [("", "t"), ("pedimento", "k7"), ("tipo_fecha", "i!"), ("fecha", "F!")],
    "507": [("", "t"), ("pedimento", "k7"), ("clave", "t!"), ("identificador", "x"),
            ("complemento", "x"), ("complemento3", "x")],
    "509": [("", "t"), ("pedimento", "k7"), ("clave_contribucion", "i!"), ("tasa", "R"),
            ("tipo_tasa", "i")],
    "510": [("", "t"), ("pedimento", "k7"), ("clave_contribucion", "i!"), ("forma_pago", "i"),
            ("importe", "w")],
    "512": [("", "t"), ("pedimento", "k7"), ("patente_orig", "u4"), ("pedimento_orig", "u7"),
            ("aduana_orig", "u3"), ("documento_orig", "t"), ("fecha_orig", "F!"),
            ("fraccion_orig", "f"), ("unidad", "i"), ("cantidad", "n")],
    "551": [("", "t"), ("pedimento", "k7"), ("fraccion", "f!"), ("secuencia", "i!"),
            ("nico", "t"), ("descripcion", "x"), ("precio_unitario", "n"),
            ("valor_aduana", "w"), ("valor_comercial", "w"), ("valor_dolares", "m"),
            ("cantidad_umc", "n"), ("umc", "i"), ("cantidad_umt", "n"), ("umt", "i"),
            ("valor_agregado", "w"), ("vinculacion", "i"), ("metodo_valoracion", "i"),
            ("codigo_producto", "x"), ("marca", "x"), ("modelo", "x"),
            ("pais_origen_destino", "t"), ("pais_comprador_vendedor", "t"),
            ("entidad_origen", "t"), ("entidad_destino", "t"), ("entidad_comprador", "t"),
            ("entidad_vendedor", "t")],
    "556": [("", "t"), ("pedimento", "k7"), ("fraccion", "f!"), ("secuencia", "i!"),
            ("clave_contribucion", "i!"), ("tasa", "R"), ("tipo_tasa", "i")],
    "557": [("", "t"), ("pedimento", "k7"), ("fraccion", "f!"), ("secuencia", "i!"),
            ("clave_contribucion", "i!"), ("forma_pago", "i"), ("importe", "w")],
    "701": [("", "t"), ("patente", "k4"), ("pedimento", "k7"), ("aduana", "k3"),
            ("clave_documento", "t"), ("fecha_pago_rect", "F"), ("pedimento_anterior", "u7"),
            ("patente_anterior", "u4"), ("aduana_anterior", "u3"),
            ("documento_anterior", "t"), ("fecha_anterior", "F!")],
    "800": [("", "t"), ("pedimento", "k7"), ("tipo_figura", "i"), ("firma", "t"),
            ("serie_certificado", "t")],
    "801": [("", "t"), ("nombre_archivo", "t"), ("pedimentos", "i!"), ("registros", "i!"),
            ("prevalidador", "t")],
}  # fmt: skip
#: record types of the layout (pedimento-level and line-level), 500…801
KNOWN = frozenset(
    str(n) for n in (301, 302, 351, 352, 353, 355, 358, 500, 501, 502, 503, 504, 505, 506, 507,
                     508, 509, 510, 511, 512, 513, 514, 515, 516, 520, 551, 552, 553, 554, 555,
                     556, 557, 558, 560, 601, 701, 702, 800, 801)
)  # fmt: skip
_EXTRA = {"R": r"(-?(?:\d{1,6}(?:\.\d{0,10})?|\.\d{1,10}))", "F": r"(\d{8})"}


def parse_m3_date(text: str) -> date | None:
    """``DDMMAAAA`` or ``AAAAMMDD`` (whichever is a valid date with a 1990–2099 year)."""
    if len(text) != 8 or not text.isdigit():
        return None
    lo, hi = _DATE_RANGE
    for y, m, d in ((text[:4], text[4:6], text[6:]), (text[4:], text[2:4], text[:2])):
        if lo <= int(y) <= hi:
            try:
                return date(int(y), int(m), int(d))
            except ValueError:
                continue
    return None


def _regex(kind: str) -> re.Pattern[str]:
    base = kind.rstrip("!")
    required = kind.endswith("!")
    pat = _EXTRA.get(base) or KIND_RE[base].replace("{q}", "")
    if not required and base in _EXTRA:
        pat = f"(?:{pat}|[ \\x00]*)"
    elif not required and "{q}" in KIND_RE.get(base, ""):
        pat = KIND_RE[base].replace("{q}", r"|[ \x00]*")
    return re.compile(pat)


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _value(kind: str, raw: str) -> tuple[Any, str | None]:
    """(canonical value, error message)."""
    rx = _REGEX_CACHE.get(kind)
    if rx is None:
        rx = _REGEX_CACHE[kind] = _regex(kind)
    base = kind.rstrip("!")
    m = rx.fullmatch(raw)
    if m is None:
        return None, EXPECTED(what=KIND_HELP.get(base, KIND_HELP["date_m3"]))
    v = m.group(1) if m.groups() else raw
    if base in ("t", "x"):
        v = raw.replace("\x00", "").strip(" ") or None
    if v is None or v == "":
        if kind.endswith("!"):
            return None, REQUIRED_EMPTY
        return None, None
    if base in ("n", "m", "r", "R") and (v[0] == "." or v[:2] == "-."):
        v = v.replace(".", "0.", 1)
    if base in ("u4", "u7", "u3"):
        v = v.zfill(int(base[1]))
    if base == "F":
        d = parse_m3_date(v)
        if d is None:
            return None, M3_BAD_DATE
        return d.isoformat(), None
    return v, None


@dataclass
class M3Pedimento:
    patente: str
    pedimento: str
    aduana: str
    line: int
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    raw: list[tuple[str, str]] = field(default_factory=list)  # (record type, line text)


@dataclass
class M3File:
    name: str
    pedimentos: list[M3Pedimento] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    trailer: dict[str, Any] | None = None


def parse_m3(path: str | Path) -> M3File:
    """Parse a validation file; every problem is an ErrorRecord (file, line, field)."""
    path = Path(path)
    out = M3File(path.name)
    if not _FILE_NAME.match(path.name):
        out.warnings.append(M3_NAME(file=path.name))
    try:
        data = path.read_bytes()
    except OSError as exc:
        out.errors.append(ErrorRecord(path.name, None, None, CANNOT_READ(exc=exc)))
        return out
    try:
        text, encoding = decode_bytes(data, path.name)
    except UnreadableFile as exc:
        out.errors.extend(exc.errors)
        return out
    if encoding.label not in ("UTF-8", "Windows-1252", "Latin-1 (ISO-8859-1)"):
        note = encoding.note or M3_READ_AS(encoding=encoding.label)
        out.warnings.append(M3_FILE_NOTE(file=path.name, note=note))
    current: M3Pedimento | None = None
    by_number: dict[str, M3Pedimento] = {}
    count = 0

    def err(line: int, fld: str | None, msg: str, val: str = "") -> None:
        out.errors.append(ErrorRecord(path.name, line, fld, msg, val or None))

    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for no, raw_line in enumerate(lines, start=1):
        line = raw_line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("|")
        rtype = parts[0].strip()
        if rtype not in KNOWN:
            err(no, "registro", M3_UNKNOWN_RECORD(), rtype)
            continue
        if out.trailer is not None:
            err(no, "registro", M3_AFTER_TRAILER(), rtype)
            continue
        spec = SPECS.get(rtype)
        if rtype != "801":
            count += 1
        if spec is None:
            number = parts[1].strip() if len(parts) > 1 else ""
            target = by_number.get(number) or current
            if target is None:
                err(no, "registro", M3_BEFORE_OPEN(), rtype)
            else:
                target.raw.append((rtype, line))
            continue
        if len(parts) != len(spec):
            err(no, None, M3_FIELD_COUNT(rtype=rtype, found=len(parts), n=len(spec)))
            continue
        rec: dict[str, Any] = {}
        bad = False
        for (col, kind), raw in zip(spec, parts, strict=True):
            if not col:
                continue
            value, problem = _value(kind, raw)
            if problem:
                err(no, col, problem, raw)
                bad = True
                break
            rec[col] = value
        if bad:
            continue
        if rtype == "801":
            out.trailer = rec | {"line": no}
            continue
        if rtype in ("500", "501", "701"):
            key = rec["pedimento"]
            ped_obj = by_number.get(key)
            if ped_obj is None:
                ped_obj = M3Pedimento(rec["patente"], key, rec["aduana"], no)
                by_number[key] = ped_obj
                out.pedimentos.append(ped_obj)
            elif (ped_obj.patente, ped_obj.aduana) != (rec["patente"], rec["aduana"]):
                err(no, "patente", M3_PATENT_DIFFERS(),
                    f"{rec['patente']}/{rec['aduana']}")  # fmt: skip
                continue
            current = ped_obj
            if rtype == "500":
                continue
        else:
            key = rec["pedimento"]
            ped_obj = by_number.get(key)
            if ped_obj is None:
                err(no, "pedimento", M3_NOT_OPENED(), key)
                continue
        ped_obj.records.setdefault(rtype, []).append(rec | {"_line": no})
    if out.trailer is None:
        out.errors.append(ErrorRecord(path.name, None, None, NO_TRAILER()))
    else:
        tl = out.trailer["line"]
        if int(out.trailer["pedimentos"]) != len(out.pedimentos):
            err(tl, "pedimentos", M3_TRAILER_PEDIMENTOS(said=out.trailer["pedimentos"],
                                                        found=len(out.pedimentos)))  # fmt: skip
        if int(out.trailer["registros"]) != count:
            err(tl, "registros", M3_TRAILER_RECORDS(said=out.trailer["registros"],
                                                    found=count))  # fmt: skip
        if (out.trailer.get("nombre_archivo") or "").lower() != path.name.lower():
            named = repr(out.trailer.get("nombre_archivo"))
            out.warnings.append(M3_TRAILER_NAME(file=path.name, line=tl, name=named))
    for ped in out.pedimentos:
        if "501" not in ped.records:
            err(ped.line, None, M3_NO_501(pedimento=ped.pedimento))
    return out
