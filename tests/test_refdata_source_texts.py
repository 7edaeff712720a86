"""The legal sources of the bundled parameters and the FIX/INPC rules are messages of the
catalog (``refdata.source.…``, by the parameter's name and the date its value takes effect):
shown in the reader's language, while the bundled data keeps its own words and a value a
user loaded keeps the text it was loaded with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from immex.domain.messages import Msg
from immex.refdata.bundled import load_manifest, load_parameters, manifest_as_of, source_as_of
from immex.reports.i18n import catalog, tr
from immex.services.rates.parameters import load_parameters_file
from immex.services.refdata import info
from immex.services.refdata.source_texts import PARAMETER_SOURCES, SOURCE_AS_OF
from immex.services.refdata.status import status
from immex.services.workspace.companies import create_workspace


def test_every_bundled_source_is_a_message_whose_english_is_the_datas_own() -> None:
    for name, parameter in load_parameters().items():
        for value in parameter.values:
            key = f"refdata.source.{name}.{value.valid_from.isoformat()}"
            assert PARAMETER_SOURCES[key].english == value.source
            assert catalog("en")[key] == value.source  # the data changed: update the catalog
            assert catalog("es")[key] not in ("", value.source), key


def test_a_bundled_source_in_spanish_and_english_and_a_loaded_one_as_it_was_loaded(
    tmp_path: Path,
) -> None:
    iva = load_parameters()["iva.rate"].at(date(2026, 2, 27))
    assert iva.source == "LIVA art. 1, 2nd paragraph ('la tasa del 16%'), paragraph reformed " \
        "DOF 07-12-2009; consolidated text last reform DOF 12-11-2021"  # fmt: skip
    assert tr(iva.source, "es").startswith("LIVA art. 1, segundo párrafo ('la tasa del 16%')")
    assert tr(iva.source, "en") == iva.source
    # a value the user loaded (ILLUSTRATIVE) keeps its own words in every language
    ws = create_workspace(f"sqlite:///{tmp_path / 'w.db'}")
    csv = tmp_path / "p.csv"
    csv.write_text("name,valid_from,valid_to,value,source,confidence,note\n"
                   "recargos.lif_monthly_rate,2027-01-01,2027-12-31,1.5,ILUSTRATIVO LIF 2027,L,"
                   "prueba\n", encoding="utf-8")  # fmt: skip
    load_parameters_file(ws, csv)
    rows = {r.source: r.detail for r in status(ws, date(2027, 2, 1))}
    bundled = {r.source: r.detail for r in status(ws, date(2026, 2, 1))}
    ws.store.dispose()
    loaded = str(tr(rows["parameter recargos.lif_monthly_rate"], "es"))
    assert loaded == "1.5 (ILUSTRATIVO LIF 2027 (cargado de p.csv); confianza baja)"
    assert "en vigor el 01-01-2026" in str(tr(bundled["parameter recargos.lif_monthly_rate"], "es"))


def test_a_trace_cites_the_bundled_source_in_the_readers_language() -> None:
    from immex.services.duties import single as duties

    request = duties.f4_request(
        "8517.11.01", Decimal("1000"), date(2026, 1, 10), date(2026, 2, 16),
        origin="CHN", paid_on=date(2026, 2, 20), known_sectors=(),
    )  # fmt: skip
    result = duties.f4(request, duties.duty_context())
    refs = [s.reference for s in result.trace if "LFD art. 49-I" in str(s.reference)]
    assert refs, [s.reference for s in result.trace]
    spanish = str(tr(refs[0], "es"))
    assert "fracción reformada DOF 01-12-2004; texto vigente" in spanish, spanish
    assert "consolidated text" not in spanish


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


def test_the_manifests_summary_line_reads_in_the_readers_language() -> None:
    line = manifest_as_of()
    assert line == load_manifest()["as_of"]  # the manifest's own words, in English
    spanish = str(tr(line, "es"))
    assert "parámetros curados a partir de las leyes hasta el DOF" in spanish
    assert "fracciones del SAT" in spanish and "NO incluye" in spanish
    for key, template in SOURCE_AS_OF.items():
        assert catalog("en")[key] == template.english
    # a source whose as-of is only dates is shown as it is (no message to keep current)
    assert not isinstance(source_as_of("inegi/inpc.csv", "2000-01 … 2026-01"), Msg)
