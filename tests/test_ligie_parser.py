"""The LIGIE Tarifa parser: spot checks against the source text, coverage, reproducibility.

Expected values below were read by hand from ``ligie/ligie_2022_consolidated.txt`` (line
numbers in comments), one or more fractions per section (I … XXII).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from immex.refdata import ligie_history as lh
from immex.refdata import ligie_text as lt
from immex.refdata.framework import DATA_DIR

AMX15 = "AMX (15%+0.36 Dls por Kg de azúcar)"

# code: (section, umt, import as published, export, words of the description)
SPOT = {
    "0101.21.01": ("I", "Cbza", "10", "Ex.", "Reproductores de raza pura."),  # l.53
    "0301.99.01": ("I", "Prohibida", "Prohibida", "Prohibida", ""),  # l.707
    "0302.89.01": ("I", "Kg", "15", "Prohibida", "Totoabas en vida libre."),  # l.981
    "0402.99.01": ("I", "Kg", AMX15, "Ex.", "Leche condensada."),  # l.2393-2397
    "0603.11.01": ("II", "Kg", "20", "Ex.", "Rosas."),  # l.2836
    "0804.40.01": ("II", "Kg", "20", "Ex.", "Aguacates (paltas)."),  # l.3417
    "1005.90.04": ("II", "Kg", "50", "50", "Maíz blanco (harinero)."),  # l.3937
    "1211.90.02": ("II", "Prohibida", "Prohibida", "Prohibida", "De marihuana"),  # l.4435
    "1507.10.01": ("III", "Kg", "5", "Ex.", "Aceite en bruto, incluso desgomado."),  # l.4776
    "1701.12.05": ("IV", "Kg", "156", "Ex.", "De remolacha."),  # l.5273
    "2009.11.01": ("IV", "L", "20", "Ex.", "Congelado."),  # l.6021
    "2203.00.01": ("IV", "L", "20", "Ex.", "Cerveza de malta."),  # l.6359
    "2208.90.03": ("IV", "L", "20", "Ex.", "Tequila."),  # l.6485
    "2402.20.01": ("IV", "Kg", "67", "Ex.", "Cigarrillos que contengan tabaco."),  # l.6734
    "2523.29.99": ("V", "Kg", "Ex.", "Ex.", "Los demás."),  # l.7207
    "2709.00.05": ("V", "Barr", "Ex.", "Ex.", ""),  # l.7733
    "2716.00.01": ("V", "KWH", "Ex.", "Ex.", "Energía eléctrica."),  # l.7901
    "2844.10.01": ("VI", "Kg", "Ex.", "Ex.", "(incluido el cermet), productos cerámicos"),
    "3004.90.99": ("VI", "Kg", "10", "Ex.", "Los demás."),  # l.12395
    "3808.52.01": ("VI", "Prohibida", "Prohibida", "Prohibida", "DDT (ISO)"),  # l.14668-14670
    "3901.10.03": ("VII", "Kg", "5", "Ex.", "Polietileno de densidad inferior a 0.94."),
    "4011.10.10": ("VII", "Pza", "35", "Ex.", "carreras)."),  # l.17377
    "4012.20.01": ("VII", "Pza", "AE (2 Dls EUA por Pza)", "Ex.", "vehículos de la partida 87.05."),
    "4202.21.01": ("VIII", "Pza", "20", "Ex.", ""),  # l.18050
    "4401.11.01": ("IX", "Kg", "Ex.", "Ex.", "De coníferas."),  # l.18357
    "4819.10.01": ("X", "Kg", "Ex.", "Ex.", "Cajas de papel o cartón corrugado."),  # l.20253
    "4901.99.99": ("X", "Pza", "15", "Ex.", "Los demás."),  # l.20503
    "5201.00.03": ("XI", "Kg", "Ex.", "Ex.", "Algodón sin cardar ni peinar."),  # l.21339
    "5208.11.01": ("XI", "M²", "35", "Ex.", "De ligamento tafetán, de peso inferior o igual"),
    "6109.10.03": ("XI", "Pza", "35", "Ex.", ""),  # l.24958
    "6403.99.99": ("XII", "Par", "35", "Ex.", ""),  # l.26912
    "6504.00.01": ("XII", "Pza", "35", "Ex.", ""),  # l.27112
    "6907.21.02": ("XIII", "M²", "35", "Ex.", ""),  # l.27932
    "7102.31.01": ("XIV", "G", "Ex.", "Ex.", ""),  # l.28804
    "7208.10.03": ("XV", "Kg", "25", "Ex.", "Enrollados, simplemente laminados en caliente"),
    "7308.90.01": ("XV", "Kg", "7", "Ex.", "Barandales; balcones; escaleras."),  # l.31671
    "7318.15.99": ("XV", "Kg", "35", "Ex.", ""),  # l.32087
    "8413.30.03": ("XVI", "Pza", "5", "Ex.", "Para gasolina."),  # l.35260
    "8471.30.01": ("XVI", "Pza", "Ex.", "Ex.", ""),  # l.38054
    "8517.13.01": ("XVI", "Pza", "Ex.", "Ex.", "Teléfonos inteligentes."),  # l.40238
    "8542.31.03": ("XVI", "Pza", "Ex.", "Ex.", "convertidores, circuitos lógicos,"),  # l.41613
    "8703.23.02": ("XVII", "Pza", "50", "Ex.", "Usados."),  # l.42521
    "8708.29.99": ("XVII", "Pza", "35", "Ex.", "Los demás."),  # l.42921
    "9018.90.99": ("XVIII", "Kg", "Ex.", "Ex.", "Los demás."),  # l.44533
    "9306.21.01": ("XIX", "Mll", "5", "Ex.", ""),  # l.45635
    "9401.20.01": ("XX", "Pza", "Ex.", "Ex.", "vehículos automóviles"),  # l.45736
    "9503.00.23": ("XX", "Kg", "15", "Ex.", "materias plásticas, excepto lo"),  # l.46293
    "9701.21.01": ("XXI", "Pza", "Ex.", "Ex.", "Pinturas y dibujos."),  # l.47147
    "9802.00.29": ("XXII", "M", "Ex.", "Ex.", ""),  # l.47765
}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def fractions() -> dict[str, dict[str, str]]:
    return {r["fraccion"]: r for r in _rows("ligie_fractions.csv")}


def test_spot_checks_cover_every_section(fractions: dict[str, dict[str, str]]) -> None:
    sections = {v[0] for v in SPOT.values()}
    assert sections == {r["section"] for r in fractions.values()}
    assert len(SPOT) >= 40
    assert len({c[:2] for c in SPOT}) >= 35  # many chapters


@pytest.mark.parametrize("code", sorted(SPOT))
def test_spot_check(fractions: dict[str, dict[str, str]], code: str) -> None:
    section, umt, imp, exp, words = SPOT[code]
    row = fractions[code]
    assert row["section"] == section
    assert row["umt"] == umt
    assert row["import_rate"] == imp
    assert row["export_rate"] == exp
    assert words in row["description"]
    assert row["description"], "every fraction has a description"


def test_descriptions_have_no_page_furniture(fractions: dict[str, dict[str, str]]) -> None:
    bad = ("de 860", "CÁMARA DE DIPUTADOS", "Secretaría General", "Última Reforma",
           "LEY DE LOS IMPUESTOS GENERALES", "Arancel modificado", "(antes Imp")
    for row in fractions.values():
        assert not any(b in row["description"] for b in bad), row["fraccion"]


def test_wrapped_descriptions_joined(fractions: dict[str, dict[str, str]]) -> None:
    # l.55-58: text before and after the code line
    assert fractions["0101.29.03"]["description"] == (
        "Para abasto, cuando la importación la realicen empacadoras Tipo Inspección Federal."
    )
    # l.42905-42911: three lines before, three after a bare code line
    assert fractions["8708.29.24"]["description"].startswith("Dispositivos interiores (consolas)")
    assert fractions["8708.29.24"]["description"].endswith("para cambios de velocidades.")


def test_heading_and_subheading_descriptions() -> None:
    heads = {r["code"]: r for r in _rows("ligie_headings.csv")}
    assert heads["01.01"]["description"] == "Caballos, asnos, mulos y burdéganos, vivos."
    assert heads["85.42"]["description"] == "Circuitos electrónicos integrados."
    assert heads["0203.12"]["description"] == "Piernas, paletas, y sus trozos, sin deshuesar."
    assert heads["85"]["level"] == "chapter"


def test_counts_and_no_silent_drops(fractions: dict[str, dict[str, str]]) -> None:
    assert len(fractions) > 8000
    report = _rows("reports/ligie_parse_report.csv")
    # every problem the parser met is listed; none is left unexplained
    assert all(r["problem"] for r in report)
    # every rate is one of the published forms
    for row in fractions.values():
        assert row["import_kind"] in {"ad_valorem", "exempt", "prohibited", "other"}
        if row["import_kind"] == "other":
            assert row["import_rate"].startswith(("AMX (", "AE (")), row


def test_every_code_line_of_the_source_is_accounted_for(shared_data: Path) -> None:
    """Each 8-digit code line in the Tarifa is a parsed fraction or listed in the report."""
    import re

    text = (shared_data / "ligie" / "ligie_2022_consolidated.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    end = next(i for i, ln in enumerate(lines) if ln.startswith("Artículo 2o.-"))
    code_lines = {
        m.group(1) for ln in lines[:end] if (m := re.match(r"^(\d{4}\.\d{2}\.\d{2})(?:\s|$)", ln))
    }
    parsed = {r["fraccion"] for r in _rows("ligie_fractions.csv")}
    reported = {r["code"] for r in _rows("reports/ligie_parse_report.csv")}
    assert code_lines - parsed - reported == set()
    assert len(parsed) == len(code_lines)  # and nothing invented


def test_sat_crosscheck_report() -> None:
    rows = _rows("reports/sat_crosscheck.csv")
    kinds = {r["present_in"] for r in rows}
    assert kinds <= {"ligie_only", "sat_only"}
    by = {r["fraccion"]: r for r in rows}
    assert by["1211.90.02"]["present_in"] == "ligie_only"  # prohibited: no NICO in the catalog
    # the DOF 21-07-2025 reform (in force 2026-01-17) created the totoaba codes in the SAT
    # catalog only; the text keeps them as descriptions of the old codes
    assert len(rows) < 200


def test_note_parsing() -> None:
    events, rest = lh.parse_notes(
        "Arancel modificado con vigencia temporal DOF 15-08-2023 (antes Imp. 5) "
        "Arancel modificado con vigencia temporal DOF 22-04-2024 (antes Imp. 10)"
    )
    assert rest == ""
    assert [(e.kind, e.dof.isoformat(), e.before) for e in events] == [
        ("temporary", "2023-08-15", "5"),
        ("temporary", "2024-04-22", "10"),
    ]
    events, _ = lh.parse_notes(
        "Modificación DOF 18-11-2022 abrogada por DOF 06-01-2023 "
        "(antes Imp. Ex., en consecuencia se restablece Imp. 20)"
    )
    assert (events[0].kind, events[0].target.isoformat() if events[0].target else None,
            events[0].before, events[0].after) == ("revoked", "2022-11-18", "Ex.", "20")


def test_decrees_read_from_transitory_articles() -> None:
    rows = {r["dof"] + r["valid_to"]: r for r in _rows("ligie_decrees.csv")}
    by_dof = {r["dof"]: r for r in _rows("ligie_decrees.csv")}
    assert by_dof["15-08-2023"]["effective_from"] == "2023-08-16"  # "…el 16 de agosto de 2023"
    assert by_dof["22-04-2024"]["effective_from"] == "2024-04-23"  # "al día siguiente"
    assert by_dof["22-04-2024"]["valid_to_how"] == "computed"  # "dos años"
    assert by_dof["06-01-2023"]["valid_to"] == "2025-12-31"  # as reformed DOF 31-12-2024
    assert by_dof["19-12-2024"]["valid_to"] == "2026-04-23"
    assert by_dof["18-11-2022"]["effective_how"] == "unknown"  # same day as the LIGIE
    assert rows


def test_join_and_split_helpers() -> None:
    assert lt.join_lines(["Frambuesas, moras-", "frambuesa y"]) == "Frambuesas, moras-frambuesa y"
    assert lt.join_lines(["DOF 22-04-", "2024 (antes"]) == "DOF 22-04-2024 (antes"
    d, n = lt.split_notes("Los demás. Arancel modificado con vigencia temporal DOF 15-08-2023")
    assert d == "Los demás." and n.startswith("Arancel modificado")


def test_rebuild_is_byte_for_byte(shared_data: Path, tmp_path: Path) -> None:
    from immex.refdata import hs, ligie

    tables = ligie.build(shared_data, tmp_path) + hs.build(shared_data, tmp_path)
    for t in tables:
        assert (tmp_path / t.name).read_bytes() == (DATA_DIR / t.name).read_bytes(), t.name
        assert t.sources and all(len(s.sha256) == 64 for s in t.sources)


def test_every_hs2022_subheading_is_in_the_ligie() -> None:
    rows = _rows("reports/hs_crosscheck.csv")
    # only the national Chapter 98 subheadings and the HS dummy code differ
    assert {r["subheading"][:2] for r in rows if r["present_in"] == "ligie_only"} == {"98"}
    assert [r["subheading"] for r in rows if r["present_in"] == "hs_only"] == ["9999.99"]
    hs = _rows("hs2022.csv")
    assert sum(1 for r in hs if r["level"] == "subheading") > 5000
    assert {r["level"] for r in hs} == {"section", "chapter", "heading", "subheading"}
