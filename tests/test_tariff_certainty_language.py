"""A rate period's certainty in words of the reader's language (`immex tariff show`, the
tariff page); the code stays in JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.tariff import certainty_text
from immex.reports.i18n import tr

runner = CliRunner()


def test_each_code_in_words_and_an_unknown_code_as_it_is() -> None:
    assert certainty_text("from_unknown") == "start unknown"
    assert tr(certainty_text("from_unknown"), "es") == "inicio desconocido"
    both = certainty_text("from_computed,to_unknown")
    assert tr(both, "es") == "inicio calculado, fin desconocido"
    assert certainty_text("no_such_code") == "no_such_code"


def test_tariff_show_says_the_certainty_in_words() -> None:
    args = ["tariff", "show", "2936.24.03", "--as-of", "2026-02-27"]
    es = runner.invoke(app, ["--lang", "es", *args])
    assert es.exit_code == 0 and "inicio desconocido" in es.stdout, es.output
    assert "from_unknown" not in es.stdout
    en = runner.invoke(app, ["--lang", "en", *args])
    assert "start unknown" in en.stdout
    doc = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert doc["igi_history"][0]["certainty"] == "from_unknown"  # the code, for programs
