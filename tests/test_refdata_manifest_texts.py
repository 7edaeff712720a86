"""`immex refdata info` in the reader's language: the tables' notes, as-of texts and the
sources' attributions of the manifest translated by a stable key (the table's file and
its note templates, the source's path), the manifest itself unchanged (English, as built)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.messages import Msg
from immex.refdata import manifest_texts as mt
from immex.refdata.bundled import load_manifest
from immex.reports.i18n import tr
from tests.test_catalog_messages import english_sentences

runner = CliRunner()


def _info(lang: str) -> list[str]:
    result = runner.invoke(app, ["--lang", lang, "refdata", "info"])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_every_note_and_attribution_of_the_bundled_manifest_is_a_catalog_message() -> None:
    manifest = load_manifest()
    notes = [(t["file"], n) for t in manifest["tables"] for n in t["notes"]]
    assert ("inpc.csv", "2000-01 … 2026-01") in notes  # dates only: nothing to translate
    notes = [(t, n) for t, n in notes if any(c.isalpha() for c in n)]
    assert len(notes) >= 7
    for table, note in notes:
        message = mt.table_note(table, note)
        assert isinstance(message, Msg) and message == note, (table, note)  # English: as built
        assert tr(message, "es") != note, (table, note)
    for s in manifest["sources"]:
        message = mt.source_attribution(s["path"], s["attribution"])
        assert isinstance(message, Msg) and message == s["attribution"]
        assert message.key == f"refdata.source.{s['path']}"  # keyed by the path


def test_a_note_reads_its_fields_back_by_the_table_s_templates() -> None:
    note = str(mt.ALIAS_AMBIGUOUS(alias=repr("pza (s)"), first="06", second="20"))
    back = mt.table_note("units.csv", note)
    assert isinstance(back, Msg) and back.key == "refdata.note.alias_ambiguous"
    assert tr(back, "es") == "la variante 'pza (s)' es ambigua (06 / 20); se conservó la primera"
    # the same words under another table, or a note no template writes: shown as they are
    assert not isinstance(mt.table_note("countries.csv", note), Msg)
    changed = "unit 99 SERVICIO: not in Annex 22 appendix 7 (checked by hand)"
    assert mt.table_note("units.csv", changed) == changed
    assert not isinstance(mt.table_note("units.csv", changed), Msg)
    other = "SAT catalogs, another edition; licence: Unlicense"
    assert mt.source_attribution("sat/cfdi_40_paises.csv", other) == other


@pytest.mark.parametrize("lang", ["es", "en"])
def test_refdata_info_in_each_language(lang: str) -> None:
    out = _info(lang)
    text = "\n".join(out)
    if lang == "es":
        assert "el SAT lista 250" in text and "las fechas son días hábiles bancarios" in text
        assert "catálogos del SAT tal como los empaqueta phpcfdi" in text
        assert "al última reforma DOF 21-07-2025" in text
        assert not english_sentences(out), english_sentences(out)
    else:
        manifest = load_manifest()
        for t in manifest["tables"]:
            for n in t["notes"]:
                assert "      " + n in out
        assert all(s["attribution"] in text for s in manifest["sources"])
