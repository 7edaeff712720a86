"""Units, countries, customs offices and the pedimento-key catalog."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from immex.domain.errors import InvalidInput, NotFound
from immex.refdata.bundled import is_country, load_catalogs, normalize_unit, pedimento_key
from immex.refdata.catalogs import ligie_abbreviations
from immex.refdata.framework import DATA_DIR
from immex.refdata.pedimento_keys import LEDGER_EFFECTS, PEDIMENTO_KEYS


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kg", "01"),
        ("kg", "01"),
        ("KILO", "01"),
        ("Kilo", "01"),
        ("1", "01"),
        ("01", "01"),
        ("G", "02"),
        ("M", "03"),
        ("M2", "04"),
        ("m3", "05"),
        ("Pza", "06"),
        ("PIEZA", "06"),
        ("6", "06"),
        ("Cbza", "07"),
        ("L", "08"),
        ("Litro", "08"),
        ("Par", "09"),
        ("Mll", "11"),
        ("Jgo", "12"),
        ("Kit", "12"),
        ("KWH", "13"),
        ("t", "14"),
        ("Barr", "15"),
        ("CARAT", "22"),
        ("Metro cúbico", "05"),
        (" pza ", "06"),
        ("Kg.", "01"),
        ("99", "99"),
    ],
)
def test_normalize_unit(text: str, code: str) -> None:
    assert normalize_unit(text) == code


@pytest.mark.parametrize("text", ["", "xyz", "23", "kilogramos", "Lb"])
def test_unknown_unit_raises(text: str) -> None:
    with pytest.raises(InvalidInput, match="unknown unit"):
        normalize_unit(text)


def test_units_table() -> None:
    cat = load_catalogs()
    assert len(cat.units) == 23
    assert cat.units["01"].name == "KILO" and cat.units["01"].anexo22_name == "Kilo"
    assert cat.unit("Pza").name == "PIEZA"


def test_every_ligie_umt_is_known(shared_data: Path) -> None:
    """Every UMT written at the end of a LIGIE fraction line normalizes."""
    used = {"Kg", "Pza", "L", "Par", "Cbza", "G", "CARAT", "Mll", "M", "M2", "KWH", "Barr"}
    for abbr in used:
        normalize_unit(abbr)
    rule5 = ligie_abbreviations(
        (shared_data / "ligie" / "ligie_2022_consolidated.txt").read_text(encoding="utf-8")
    )
    assert {"Kg", "Pza", "Cbza", "L", "M2", "M3", "Mll", "Barr", "KWH"} <= set(rule5)


def test_sat_fraction_catalog_units_all_known(shared_data: Path) -> None:
    with (shared_data / "sat" / "cce_20_fracciones_arancelarias.csv").open(encoding="utf-8") as fh:
        units = {row["unidad"] for row in csv.DictReader(fh)}
    for u in units:
        normalize_unit(u)


def test_countries() -> None:
    cat = load_catalogs()
    assert len(cat.countries) == 250
    assert is_country("USA") and is_country("mex") and is_country("CAN")
    assert not is_country("XXX") and not is_country("US")
    assert cat.countries["DEU"].saai_fiii == "A4"


def test_customs_offices() -> None:
    cat = load_catalogs()
    assert len(cat.customs_offices) == 50
    assert cat.customs_office("24").name.startswith("NUEVO LAREDO")
    assert cat.customs_office("470").code == "470"
    assert cat.customs_office("7").code == "07"
    with pytest.raises(NotFound):
        cat.customs_office("99")


@pytest.mark.parametrize(
    ("code", "on_import", "on_export"),
    [
        ("IN", "entry", "none"),
        ("AF", "entry", "none"),
        ("RT", "none", "exit"),
        ("H1", "none", "exit"),
        ("V1", "entry", "exit"),
        ("F4", "change_of_regime", "change_of_regime"),
        ("F5", "change_of_regime", "none"),
        ("A3", "change_of_regime", "none"),
        ("A1", "none", "none"),
        ("BO", "entry", "exit"),
    ],
)
def test_pedimento_key_effects(code: str, on_import: str, on_export: str) -> None:
    key = pedimento_key(code.lower())
    assert (key.on_import, key.on_export) == (on_import, on_export)
    assert key.origin == "immex"
    assert key.ledger_effect(1) == on_import and key.ledger_effect(2) == on_export
    assert key.anexo22_description  # cross-checked against Annex 22 appendix 2


def test_every_rules_key_and_v1_to_v9_are_cataloged() -> None:
    codes = {k.code for k in PEDIMENTO_KEYS}
    rules = {"IN", "AF", "RT", "H1", "F4", "F5", "A1", "A3", "BO"}
    assert rules | {f"V{i}" for i in range(1, 10)} <= codes
    for k in PEDIMENTO_KEYS:
        assert k.on_import in LEDGER_EFFECTS and k.on_export in LEDGER_EFFECTS


def test_anexo22_only_keys_are_kept_without_ledger_effect() -> None:
    key = pedimento_key("G1")
    assert key.origin == "anexo22" and key.on_import == key.on_export == "none"


def test_unknown_pedimento_key() -> None:
    with pytest.raises(NotFound, match="ZZ"):
        pedimento_key("ZZ")
    with pytest.raises(InvalidInput):
        pedimento_key("IN").ledger_effect(3)


def test_crosscheck_report() -> None:
    with (DATA_DIR / "pedimento_keys_crosscheck.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = {r["difference"] for r in rows}
    assert "missing_in_anexo22" not in kinds  # all our keys exist in appendix 2
    assert "unknown_regime" not in kinds
    assert {r["code"] for r in rows if r["difference"] == "anexo22_only"} >= {"G1", "T3"}


def test_regimes_and_key_regimes() -> None:
    cat = load_catalogs()
    assert {"IMD", "EXD", "ITE", "ITR", "ETE", "ETR", "DFI"} <= set(cat.regimes)
    for key in PEDIMENTO_KEYS:
        for regime in key.regime.split("/"):
            assert regime == "—" or regime in cat.regimes, key.code
