"""Catalogs: units (UMT), countries, customs offices and the pedimento-key catalog.

Sources (see ``../shared/data/PROVENANCE.md``):
- ``sat/cce_20_unidades_medida.csv`` — SAT UMT codes (01 KILO …), the canonical units;
- ``ligie/ligie_2022_consolidated.txt`` — complementary rule 5ª, the Tarifa's abbreviations
  (Kg, Pza, L, M2 …), mapped here onto the UMT codes;
- ``anexo22/36_apendice_7.json`` — Annex 22 appendix 7 UMC codes (1 Kilo …);
- ``sat/cfdi_40_paises.csv`` (ISO-3) and ``anexo22/33_apendice_4.json`` (SAAI FIII codes);
- ``sat/cfdi_40_aduanas.csv`` and ``anexo22/30_apendice_1.json`` (aduana + sección);
- the project's own **pedimento-key catalog** (RULES.md §5, :mod:`immex.refdata.pedimento_keys`),
  cross-checked against ``anexo22/31_apendice_2.json`` — differences are written to
  ``pedimento_keys_crosscheck.csv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from immex.refdata.framework import BuiltTable, SourceFile, read_json, source_file, write_csv
from immex.refdata.manifest_texts import (
    A22_CODE_NO_SAT,
    ABBREVIATION_NOT_IN_RULE_5,
    ALIAS_AMBIGUOUS,
    COUNTRIES_A22_ONLY,
    COUNTRIES_LISTED,
    OFFICES_A22_ONLY,
    OFFICES_SAT_ONLY,
    UNIT_NAMES_DIFFER,
    UNIT_NOT_IN_A22,
)
from immex.refdata.pedimento_keys import A22_ATTR, build_pedimento_keys

SAT_UNITS = "sat/cce_20_unidades_medida.csv"
SAT_COUNTRIES = "sat/cfdi_40_paises.csv"
SAT_OFFICES = "sat/cfdi_40_aduanas.csv"
LIGIE_TEXT = "ligie/ligie_2022_consolidated.txt"
A22_UNITS = "anexo22/36_apendice_7.json"
A22_COUNTRIES = "anexo22/33_apendice_4.json"
A22_OFFICES = "anexo22/30_apendice_1.json"

SAT_ATTR = "SAT catalogs packaged by phpcfdi/resources-sat-catalogs @675be01; Unlicense"
LIGIE_ATTR = (
    "LIGIE 2022, Cámara de Diputados texto vigente (last reform DOF 21-07-2025); Mexican "
    "legislative text, not subject to copyright (LFDA art. 14-VIII)"
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


def build_units(source: Path, out: Path) -> list[BuiltTable]:
    sat = _read_csv(source / SAT_UNITS)
    a22 = read_json(source / A22_UNITS)["Unidades_de_medida"]
    a22_by_code = {f"{int(u['Clave']):02d}": u["Descripción"] for u in a22}
    rule5 = {
        fold(a) for a in ligie_abbreviations((source / LIGIE_TEXT).read_text(encoding="utf-8"))
    }
    notes: list[str] = []

    units = []
    for row in sorted(sat, key=lambda r: r["id"]):
        a22_name = a22_by_code.get(row["id"], "")
        if a22_name and fold(a22_name) != fold(row["texto"]):
            notes.append(UNIT_NAMES_DIFFER(unit=row["id"], sat=row["texto"], a22=a22_name))
        if not a22_name:
            notes.append(UNIT_NOT_IN_A22(unit=row["id"], name=row["texto"]))
        units.append(
            (row["id"], row["texto"], a22_name, row["vigencia_desde"], row["vigencia_hasta"])
        )
    sat_codes = {u[0] for u in units}
    for code in sorted(set(a22_by_code) - sat_codes):
        notes.append(A22_CODE_NO_SAT(code=code))

    aliases: dict[str, tuple[str, str]] = {}

    def alias(text: str, code: str, kind: str) -> None:
        key = fold(text)
        if key in aliases and aliases[key][0] != code:
            notes.append(ALIAS_AMBIGUOUS(alias=repr(text), first=aliases[key][0], second=code))
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
            notes.append(ABBREVIATION_NOT_IN_RULE_5(abbreviation=repr(abbr)))
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
    a22 = read_json(source / A22_COUNTRIES)["Claves de países"]
    fiii = {c["Clave SAAI M3"]: c["Clave SAAI FIII"] for c in a22}
    rows = sorted((r["id"], r["texto"], r["agrupaciones"], fiii.get(r["id"], "")) for r in sat)
    missing = sorted(set(fiii) - {r[0] for r in rows})
    notes = [COUNTRIES_LISTED(a22=len(fiii), sat=len(rows))]
    if missing:
        notes.append(COUNTRIES_A22_ONLY(codes=", ".join(missing)))
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
    a22 = read_json(source / A22_OFFICES)["Aduana_Sección"]
    sections = sorted(
        (f"{a['Aduana']}{a['Sección']}", a["Aduana"], a["Sección"], a["Denominación"]) for a in a22
    )
    sat_codes = {r["id"] for r in sat}
    a22_offices = {s[1] for s in sections}
    notes: list[str] = []
    if a22_offices - sat_codes:
        notes.append(OFFICES_A22_ONLY(codes=", ".join(sorted(a22_offices - sat_codes))))
    if sat_codes - a22_offices:
        notes.append(OFFICES_SAT_ONLY(codes=", ".join(sorted(sat_codes - a22_offices))))
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


def build(source: Path, out: Path) -> list[BuiltTable]:
    return [
        *build_units(source, out),
        *build_countries(source, out),
        *build_offices(source, out),
        *build_pedimento_keys(source, out),
    ]


__all__ = ["build", "LIGIE_UNIT_MAP", "fold", "SourceFile"]
