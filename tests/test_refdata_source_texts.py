"""The legal sources of the bundled parameters and the FIX/INPC rules are messages of the
catalog (``refdata.source.…``, by the parameter's name and the date its value takes effect):
shown in the reader's language, while the bundled data keeps its own words and a value a
user loaded keeps the text it was loaded with."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from immex.refdata.bundled import load_parameters
from immex.reports.i18n import catalog, tr
from immex.services.refdata import info
from immex.services.refdata.source_texts import PARAMETER_SOURCES, parameter_source


def test_every_bundled_source_is_a_message_whose_english_is_the_datas_own() -> None:
    for name, parameter in load_parameters().items():
        for value in parameter.values:
            key = f"refdata.source.{name}.{value.valid_from.isoformat()}"
            assert PARAMETER_SOURCES[key].english == value.source
            assert catalog("en")[key] == value.source  # the data changed: update the catalog
            assert catalog("es")[key] not in ("", value.source), key


def test_a_bundled_source_in_spanish_and_english_and_a_loaded_one_as_it_was_loaded() -> None:
    iva = load_parameters()["iva.rate"].at(date(2026, 2, 27))
    shown = parameter_source("iva.rate", iva)
    assert shown == iva.source  # the English of the message is the data's text
    assert tr(shown, "es").startswith("LIVA art. 1, segundo párrafo ('la tasa del 16%')")
    assert tr(shown, "en") == iva.source
    loaded = replace(iva, source="Oficio 123 de la empresa")
    assert tr(parameter_source("iva.rate", loaded), "en") == "Oficio 123 de la empresa"
    assert tr(parameter_source("iva.rate", loaded), "es") == "Oficio 123 de la empresa"


def test_fx_and_inpc_rules_and_notes_translate() -> None:
    saturday = info.fx_for_pedimento(date(2026, 2, 14))
    assert tr(saturday["rule"], "es").startswith("CFF art. 20 (tercer párrafo) y LA art. 56")
    assert tr(saturday["warnings"][0], "es") == (
        "el 2026-02-14 es sábado: las aduanas rara vez operan; la regla da de todos modos el "
        "último FIX publicado antes de esa fecha"
    )
    assert saturday["warnings"][0].startswith("2026-02-14 is a Saturday")
    factor = info.inpc_factor((2025, 1), (2026, 9))
    assert tr(factor["rule"], "es").startswith("CFF art. 17-A: factor = INPC del mes anterior")
    assert "la serie termina 7 meses antes" in tr(factor["notes"][0], "es")
    floored = info.inpc_factor((2025, 1), (2025, 1))
    assert floored["factor"] >= 1


def test_the_coverage_warnings_of_refdata_info_translate_by_id() -> None:
    warnings = info.info()["coverage_warnings"]
    spanish = [tr(w, "es") for w in warnings]
    assert any(w.startswith("Las tasas de la LIGIE no incluyen") for w in spanish), spanish
    assert any(w.startswith("LIGIE rates do not include") for w in warnings)
