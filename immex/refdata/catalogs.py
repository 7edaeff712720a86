"""Catalogs: units (UMT), countries, customs offices and the pedimento-key catalog.

Sources (see ``../shared/data/PROVENANCE.md``):
- ``sat/cce_20_unidades_medida.csv`` — SAT UMT codes (01 KILO …), the canonical units;
- ``ligie/ligie_2022_consolidated.txt`` — complementary rule 5ª, the Tarifa's abbreviations
  (Kg, Pza, L, M2 …), mapped here onto the UMT codes;
- ``anexo22/36_apendice_7.json`` — Annex 22 appendix 7 UMC codes (1 Kilo …);
- ``sat/cfdi_40_paises.csv`` (ISO-3) and ``anexo22/33_apendice_4.json`` (SAAI FIII codes);
- ``sat/cfdi_40_aduanas.csv`` and ``anexo22/30_apendice_1.json`` (aduana + sección);
- the project's own **pedimento-key catalog** below (RULES.md §5), cross-checked against
  ``anexo22/31_apendice_2.json`` — differences are written to ``pedimento_keys_crosscheck.csv``.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immex.refdata.framework import BuiltTable, SourceFile, source_file, write_csv

SAT_UNITS = "sat/cce_20_unidades_medida.csv"
SAT_COUNTRIES = "sat/cfdi_40_paises.csv"
SAT_OFFICES = "sat/cfdi_40_aduanas.csv"
LIGIE_TEXT = "ligie/ligie_2022_consolidated.txt"
A22_KEYS = "anexo22/31_apendice_2.json"
A22_UNITS = "anexo22/36_apendice_7.json"
A22_COUNTRIES = "anexo22/33_apendice_4.json"
A22_OFFICES = "anexo22/30_apendice_1.json"
A22_REGIMES = "anexo22/45_apendice_16.json"

SAT_ATTR = "SAT catalogs packaged by phpcfdi/resources-sat-catalogs @675be01; Unlicense"
LIGIE_ATTR = (
    "LIGIE 2022, Cámara de Diputados texto vigente (last reform DOF 21-07-2025); Mexican "
    "legislative text, not subject to copyright (LFDA art. 14-VIII)"
)
A22_ATTR = (
    "RGCE Annex 22 appendices, third-party transcription cargoclaro/glosa @b8a15e0 (unlicensed); "
    "used only to cross-check the project's own catalog"
)

# --- units -----------------------------------------------------------------------------------

#: LIGIE Tarifa abbreviations → SAT UMT code. ``basis`` says why: "regla 5ª" = the abbreviation
#: is listed in LIGIE complementary rule 5ª (checked at build time against the text);
#: "tarifa" = used in the Tarifa's UMT column but not in the rule's list; "assumed" = the
#: project's own reading, confidence L.
LIGIE_UNIT_MAP: tuple[tuple[str, str, str], ...] = (
    ("Kg", "01", "regla 5ª"),
    ("G", "02", "regla 5ª"),
    ("M", "03", "regla 5ª"),
    ("M2", "04", "regla 5ª"),
    ("M3", "05", "regla 5ª"),
    ("Pza", "06", "regla 5ª"),
    ("Cbza", "07", "regla 5ª"),
    ("L", "08", "regla 5ª"),
    ("Par", "09", "tarifa"),
    ("kW", "10", "regla 5ª"),
    ("Mll", "11", "regla 5ª"),
    ("Jgo", "12", "assumed"),
    ("Kit", "12", "assumed"),
    ("KWH", "13", "regla 5ª"),
    ("t", "14", "regla 5ª"),
    ("Barr", "15", "regla 5ª"),
    ("CARAT", "22", "tarifa"),
)


def fold(text: str) -> str:
    """Upper case without accents or surrounding spaces (for matching names and codes)."""
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).strip().upper()


def ligie_abbreviations(ligie_text: str) -> dict[str, str]:
    """Parse LIGIE complementary rule 5ª a) 'De cantidad': abbreviation → meaning."""
    start = ligie_text.find("5ª Las abreviaturas empleadas en la Tarifa")
    if start < 0:
        return {}
    end = ligie_text.find("b) Otros:", start)
    block = ligie_text[start:end].splitlines()[2:]
    out: dict[str, str] = {}
    furniture = re.compile(
        r"^(\d+ de \d+|LEY DE LOS IMPUESTOS|CÁMARA DE DIPUTADOS|Secretaría General|"
        r"Secretaría de Servicios)"
    )
    for line in block:
        line = line.strip()
        if not line or furniture.match(line):
            continue
        m = re.match(r"^([^\s;]+)(?:;\s*([^\s;]+))?\s+(.+)$", line)
        if not m:
            continue
        for abbr in (m.group(1), m.group(2)):
            if abbr:
                out[abbr] = m.group(3).strip()
    return out


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def build_units(source: Path, out: Path) -> list[BuiltTable]:
    sat = _read_csv(source / SAT_UNITS)
    a22 = _load_json(source / A22_UNITS)["Unidades_de_medida"]
    a22_by_code = {f"{int(u['Clave']):02d}": u["Descripción"] for u in a22}
    rule5 = {
        fold(a) for a in ligie_abbreviations((source / LIGIE_TEXT).read_text(encoding="utf-8"))
    }
    notes: list[str] = []

    units = []
    for row in sorted(sat, key=lambda r: r["id"]):
        a22_name = a22_by_code.get(row["id"], "")
        if a22_name and fold(a22_name) != fold(row["texto"]):
            notes.append(f"unit {row['id']}: SAT '{row['texto']}' vs Annex 22 '{a22_name}'")
        if not a22_name:
            notes.append(f"unit {row['id']} {row['texto']}: not in Annex 22 appendix 7")
        units.append(
            (row["id"], row["texto"], a22_name, row["vigencia_desde"], row["vigencia_hasta"])
        )
    sat_codes = {u[0] for u in units}
    for code in sorted(set(a22_by_code) - sat_codes):
        notes.append(f"Annex 22 appendix 7 code {code} has no SAT UMT code")

    aliases: dict[str, tuple[str, str]] = {}

    def alias(text: str, code: str, kind: str) -> None:
        key = fold(text)
        if key in aliases and aliases[key][0] != code:
            notes.append(
                f"alias {text!r} is ambiguous ({aliases[key][0]} / {code}); kept the first"
            )
            return
        aliases.setdefault(key, (code, kind))

    for code, name, a22_name, _f, _t in units:
        alias(code, code, "sat_umt_code")
        alias(str(int(code)), code, "anexo22_umc_code")
        alias(name, code, "sat_umt_name")
        if a22_name:
            alias(a22_name, code, "anexo22_umc_name")
    for abbr, code, basis in LIGIE_UNIT_MAP:
        if basis == "regla 5ª" and fold(abbr) not in rule5:
            notes.append(f"LIGIE abbreviation {abbr!r} not found in complementary rule 5ª")
            basis = "assumed"
        alias(abbr, code, f"ligie_abbreviation ({basis})")

    n_units = write_csv(
        out / "units.csv",
        ("code", "name", "anexo22_name", "valid_from", "valid_to"),
        units,
    )
    n_alias = write_csv(
        out / "unit_aliases.csv",
        ("alias", "code", "kind"),
        sorted((k, v[0], v[1]) for k, v in aliases.items()),
    )
    srcs = (
        source_file(source, SAT_UNITS, "2024-01-18", SAT_ATTR),
        source_file(source, A22_UNITS, "≈2024", A22_ATTR),
        source_file(source, LIGIE_TEXT, "DOF 21-07-2025", LIGIE_ATTR),
    )
    return [
        BuiltTable(
            "units.csv", n_units, srcs[:2], "2024-01-18", "SAT UMT units (canonical)", tuple(notes)
        ),
        BuiltTable(
            "unit_aliases.csv",
            n_alias,
            srcs,
            "2024-01-18",
            "unit spellings (UMT codes/names, Annex 22 UMC codes, LIGIE abbreviations) → UMT",
        ),
    ]


# --- countries and customs offices -----------------------------------------------------------


def build_countries(source: Path, out: Path) -> list[BuiltTable]:
    sat = _read_csv(source / SAT_COUNTRIES)
    a22 = _load_json(source / A22_COUNTRIES)["Claves de países"]
    fiii = {c["Clave SAAI M3"]: c["Clave SAAI FIII"] for c in a22}
    rows = sorted((r["id"], r["texto"], r["agrupaciones"], fiii.get(r["id"], "")) for r in sat)
    missing = sorted(set(fiii) - {r[0] for r in rows})
    notes = [
        f"Annex 22 appendix 4 transcription lists {len(fiii)} countries (incomplete); "
        f"SAT lists {len(rows)}",
    ]
    if missing:
        notes.append("in Annex 22 but not SAT: " + ", ".join(missing))
    n = write_csv(out / "countries.csv", ("iso3", "name", "groups", "saai_fiii"), rows)
    srcs = (
        source_file(source, SAT_COUNTRIES, "2022", SAT_ATTR),
        source_file(source, A22_COUNTRIES, "≈2024", A22_ATTR),
    )
    return [BuiltTable("countries.csv", n, srcs, "2022", "countries (ISO-3)", tuple(notes))]


def build_offices(source: Path, out: Path) -> list[BuiltTable]:
    sat = _read_csv(source / SAT_OFFICES)
    n1 = write_csv(
        out / "customs_offices.csv",
        ("code", "name", "valid_from", "valid_to"),
        sorted((r["id"], r["texto"], r["vigencia_desde"], r["vigencia_hasta"]) for r in sat),
    )
    a22 = _load_json(source / A22_OFFICES)["Aduana_Sección"]
    sections = sorted(
        (f"{a['Aduana']}{a['Sección']}", a["Aduana"], a["Sección"], a["Denominación"]) for a in a22
    )
    sat_codes = {r["id"] for r in sat}
    a22_offices = {s[1] for s in sections}
    notes = []
    if a22_offices - sat_codes:
        notes.append(
            "aduanas in Annex 22 appendix 1 but not SAT: "
            + ", ".join(sorted(a22_offices - sat_codes))
        )
    if sat_codes - a22_offices:
        notes.append(
            "aduanas in SAT but not Annex 22 appendix 1: "
            + ", ".join(sorted(sat_codes - a22_offices))
        )
    n2 = write_csv(out / "customs_sections.csv", ("code", "aduana", "seccion", "name"), sections)
    return [
        BuiltTable(
            "customs_offices.csv",
            n1,
            (source_file(source, SAT_OFFICES, "2022", SAT_ATTR),),
            "2022",
            "customs offices (aduanas, 2 digits)",
        ),
        BuiltTable(
            "customs_sections.csv",
            n2,
            (source_file(source, A22_OFFICES, "≈2024", A22_ATTR),),
            "≈2024",
            "aduana-sección (3 digits) from Annex 22 appendix 1",
            tuple(notes),
        ),
    ]


# --- pedimento keys --------------------------------------------------------------------------

#: ledger effects of a pedimento on the IMMEX (Annex 24) inventory
LEDGER_EFFECTS = ("entry", "exit", "change_of_regime", "none")


@dataclass(frozen=True, slots=True)
class KeyDef:
    code: str
    description: str
    regime: str  # Annex 22 appendix 16 code(s)
    on_import: str  # ledger effect when declared as an import (operation type 1)
    on_export: str  # ledger effect when declared as an export (operation type 2)
    goods: str  # inputs | fixed_assets | any | —
    note: str = ""


#: The project's own catalog (RULES.md §5; RGCE Annex 22 appendix 2). Effects are the
#: project's reading for the Annex 24 ledger; keys not listed here carry "none".
PEDIMENTO_KEYS: tuple[KeyDef, ...] = (
    KeyDef(
        "IN",
        "Importación temporal de insumos IMMEX (elaboración, transformación o reparación)",
        "ITE",
        "entry",
        "none",
        "inputs",
        "opens a temporary lot; limit LA 108-I/II (18 months, containers 2 years)",
    ),
    KeyDef(
        "AF",
        "Importación temporal de activo fijo IMMEX (LA 108-III)",
        "ITE",
        "entry",
        "none",
        "fixed_assets",
        "opens a fixed-asset lot; limit = program validity",
    ),
    KeyDef(
        "RT",
        "Retorno al extranjero de mercancías IMMEX, transformadas o en su mismo estado",
        "ETE",
        "none",
        "exit",
        "any",
        "discharges IN/AF lots (FIFO)",
    ),
    KeyDef(
        "H1",
        "Retorno de mercancías en su mismo estado",
        "ITR/ETR",
        "none",
        "exit",
        "any",
        "discharges temporary lots returned unprocessed",
    ),
    KeyDef(
        "V1",
        "Transferencia virtual de mercancías IMMEX (importación temporal virtual)",
        "ITE",
        "entry",
        "exit",
        "any",
        "receiver: virtual temporary import (entry); transferor: virtual return (exit)",
    ),
    KeyDef(
        "V2",
        "Transferencia de mercancías importadas con cuenta aduanera a IMMEX/ECEX",
        "ITE",
        "entry",
        "none",
        "any",
        "receiver (IMMEX/ECEX): entry; the transferor imported with a cuenta aduanera, "
        "not under IMMEX, so its side moves no IMMEX lot",
    ),
    KeyDef(
        "V3",
        "Extracción de depósito fiscal para retorno o exportación virtual (IA)",
        "DFI",
        "none",
        "none",
        "—",
        "automotive bonded warehouse; outside the IMMEX ledger",
    ),
    KeyDef(
        "V4",
        "Retorno virtual por constancia de transferencia (IA)",
        "DFI",
        "none",
        "none",
        "—",
        "automotive bonded warehouse; outside the IMMEX ledger",
    ),
    KeyDef(
        "V5",
        "Transferencia de mercancías de empresas certificadas",
        "ITE",
        "entry",
        "exit",
        "any",
        "",
    ),
    KeyDef(
        "V6",
        "Transferencia de mercancías sujetas a cupo",
        "IMD",
        "none",
        "exit",
        "any",
        "virtual return of the transferor; the receiver imports definitively",
    ),
    KeyDef(
        "V7",
        "Transferencias del sector azucarero",
        "ITE",
        "entry",
        "none",
        "any",
        "sales by national suppliers (sugar sector) to IMMEX companies: entry for the buyer",
    ),
    KeyDef(
        "V8",
        "Transferencia en depósito fiscal de tiendas libres de impuestos",
        "DFI",
        "none",
        "none",
        "—",
        "duty-free shops; outside the IMMEX ledger",
    ),
    KeyDef(
        "V9",
        "Transferencia por donación de desperdicios o maquinaria obsoleta",
        "ITE",
        "none",
        "exit",
        "any",
        "waste / obsolete fixed assets donated",
    ),
    KeyDef(
        "F4",
        "Cambio de régimen de insumos de importación temporal a definitiva",
        "IMD",
        "change_of_regime",
        "change_of_regime",
        "inputs",
        "discharges IN lots; pays IGI updated per CFF 17-A (LA 109). Annex 22 supuesto II "
        "(temporary export → definitive) has no IMMEX lot: rely on the 512 discharge rows",
    ),
    KeyDef(
        "F5",
        "Cambio de régimen de activo fijo de importación temporal a definitiva",
        "IMD",
        "change_of_regime",
        "none",
        "fixed_assets",
        "discharges AF lots (LA 109)",
    ),
    KeyDef(
        "A1",
        "Importación o exportación definitiva",
        "IMD/EXD",
        "none",
        "none",
        "any",
        "definitive; exits IMMEX packaging only in the case of Annex 22 supuesto V",
    ),
    KeyDef(
        "A3",
        "Regularización de mercancías (importación definitiva)",
        "IMD",
        "change_of_regime",
        "none",
        "any",
        "regularizes temporary goods past their limit (LA 108; RULES I-4)",
    ),
    KeyDef(
        "BO",
        "Exportación temporal de activo fijo para reparación o sustitución",
        "ETR",
        "entry",
        "exit",
        "fixed_assets",
        "export = fixed asset leaves for repair; import = it comes back",
    ),
    KeyDef(
        "BB",
        "Exportación, importación y retornos virtuales",
        "ETE/EXD",
        "none",
        "exit",
        "any",
        "virtual return of temporarily imported goods",
    ),
    KeyDef(
        "E1",
        "Extracción de depósito fiscal de insumos para IMMEX",
        "DFI/ITE",
        "entry",
        "none",
        "inputs",
        "",
    ),
    KeyDef(
        "E2",
        "Extracción de depósito fiscal de activo fijo para IMMEX",
        "DFI/ITE",
        "entry",
        "none",
        "fixed_assets",
        "",
    ),
    KeyDef(
        "CT",
        "Pedimento complementario (T-MEC art. 2.5 / LA 63-A)",
        "—",
        "none",
        "none",
        "—",
        "pays the IGI on non-originating inputs; no quantity movement",
    ),
    KeyDef(
        "R1",
        "Rectificación de pedimentos",
        "—",
        "none",
        "none",
        "—",
        "re-links the rectified pedimento; no movement of its own",
    ),
    KeyDef("GC", "Global complementario", "IMD/EXD", "none", "none", "—", "value adjustment"),
    KeyDef(
        "K1",
        "Desistimiento de régimen y retorno por devolución",
        "IMD/EXD",
        "none",
        "none",
        "any",
        "",
    ),
)


def _anexo22_keys(source: Path) -> dict[str, tuple[str, str]]:
    """code → (group, description) from the Annex 22 appendix 2 transcription."""
    data = _load_json(source / A22_KEYS)["Claves_de_Pedimento"]
    found: dict[str, tuple[str, str]] = {}

    def walk(group: str, node: Any) -> None:
        if isinstance(node, dict):
            if "Clave" in node and "Descripción" in node:
                found[str(node["Clave"])] = (group, str(node["Descripción"]))
                return
            for value in node.values():
                walk(group, value)

    for group, node in data.items():
        walk(group, node)
    return found


def build_pedimento_keys(source: Path, out: Path) -> list[BuiltTable]:
    a22 = _anexo22_keys(source)
    regime_rows = _load_json(source / A22_REGIMES)["Regímenes"]["Regímenes"]
    regimes = {r["Clave"] for r in regime_rows}
    ours = {k.code: k for k in PEDIMENTO_KEYS}
    rows = []
    for k in PEDIMENTO_KEYS:
        group, a22_desc = a22.get(k.code, ("", ""))
        rows.append(
            (
                k.code,
                k.description,
                k.regime,
                k.on_import,
                k.on_export,
                k.goods,
                "immex",
                group,
                a22_desc,
                k.note,
            )
        )
    for code, (group, desc) in a22.items():
        if code not in ours:
            rows.append(
                (
                    code,
                    desc,
                    "",
                    "none",
                    "none",
                    "—",
                    "anexo22",
                    group,
                    desc,
                    "not an IMMEX flow in the project's catalog",
                )
            )
    rows.sort()
    diffs = []
    for k in PEDIMENTO_KEYS:
        if k.code not in a22:
            diffs.append((k.code, "missing_in_anexo22", k.description, ""))
        for reg in k.regime.split("/"):
            if reg not in ("—",) and reg not in regimes:
                diffs.append((k.code, "unknown_regime", reg, ""))
    for code in sorted(set(a22) - set(ours)):
        diffs.append((code, "anexo22_only", "", a22[code][1]))
    diffs.sort()
    n = write_csv(
        out / "pedimento_keys.csv",
        (
            "code",
            "description",
            "regime",
            "on_import",
            "on_export",
            "goods",
            "origin",
            "anexo22_group",
            "anexo22_description",
            "note",
        ),
        rows,
    )
    nd = write_csv(
        out / "pedimento_keys_crosscheck.csv", ("code", "difference", "ours", "anexo22"), diffs
    )
    nr = write_csv(
        out / "regimes.csv",
        ("code", "description"),
        sorted((r["Clave"], r["Descripción"]) for r in regime_rows),
    )
    srcs = (
        source_file(source, A22_KEYS, "≈2024", A22_ATTR),
        source_file(source, A22_REGIMES, "≈2024", A22_ATTR),
    )
    summary = (
        f"{len(PEDIMENTO_KEYS)} keys in the project's catalog, {len(a22)} in Annex 22 appendix 2; "
        f"{sum(1 for d in diffs if d[1] == 'missing_in_anexo22')} of ours missing there, "
        f"{sum(1 for d in diffs if d[1] == 'anexo22_only')} only there (kept, ledger effect none)"
    )
    return [
        BuiltTable(
            "pedimento_keys.csv",
            n,
            srcs,
            "≈2024",
            "pedimento keys with their ledger effect (project catalog + Annex 22)",
            (
                summary,
                "regime and ledger effect per key are the project's reading of Annex 22 and "
                "RULES.md §5 (confidence M): verify before relying on them",
            ),
        ),
        BuiltTable(
            "regimes.csv",
            nr,
            srcs[1:],
            "≈2024",
            "customs regimes (RGCE Annex 22 appendix 16)",
        ),
        BuiltTable(
            "pedimento_keys_crosscheck.csv",
            nd,
            srcs,
            "≈2024",
            "differences between the project's catalog and Annex 22 appendix 2",
        ),
    ]


def build(source: Path, out: Path) -> list[BuiltTable]:
    return [
        *build_units(source, out),
        *build_countries(source, out),
        *build_offices(source, out),
        *build_pedimento_keys(source, out),
    ]


__all__ = ["build", "PEDIMENTO_KEYS", "LIGIE_UNIT_MAP", "fold", "SourceFile"]
