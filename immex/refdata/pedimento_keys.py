"""The project's pedimento-key catalog and its cross-check with RGCE Annex 22 appendix 2.

Writes ``pedimento_keys.csv`` (every key with its ledger effect: the project's catalog below,
then the Annex 22 keys it does not list, with effect ``none``), ``regimes.csv`` (appendix 16)
and ``pedimento_keys_crosscheck.csv`` (where the catalog and Annex 22 differ). Part of the
catalogs builder (:func:`immex.refdata.catalogs.build`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from immex.refdata.framework import BuiltTable, read_json, source_file, write_csv
from immex.refdata.manifest_texts import KEYS_READING, KEYS_SUMMARY

A22_KEYS = "anexo22/31_apendice_2.json"
A22_REGIMES = "anexo22/45_apendice_16.json"
A22_ATTR = (
    "RGCE Annex 22 appendices, third-party transcription cargoclaro/glosa @b8a15e0 (unlicensed); "
    "used only to cross-check the project's own catalog"
)

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
    data = read_json(source / A22_KEYS)["Claves_de_Pedimento"]
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
    regime_rows = read_json(source / A22_REGIMES)["Regímenes"]["Regímenes"]
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
    summary = KEYS_SUMMARY(
        ours=len(PEDIMENTO_KEYS),
        a22=len(a22),
        missing=sum(1 for d in diffs if d[1] == "missing_in_anexo22"),
        only=sum(1 for d in diffs if d[1] == "anexo22_only"),
    )
    return [
        BuiltTable(
            "pedimento_keys.csv",
            n,
            srcs,
            "≈2024",
            "pedimento keys with their ledger effect (project catalog + Annex 22)",
            (summary, KEYS_READING()),
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
