"""`immex refdata info` says each parameter's unit in the reader's language (``unit.*``):
"8 al millar", "60 días naturales", never the unit codes of ``parameters.yaml``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.cli.refdata_cmds import TERM_WORDS, UNIT_WORDS
from immex.refdata.framework import DATA_DIR


def test_every_unit_of_the_parameters_has_words() -> None:
    params = json.loads((DATA_DIR / "parameters.json").read_text(encoding="utf-8"))
    for spec in params["parameters"].values():
        if spec["unit"] == "term":
            assert {v["value"] for v in spec["values"]} <= set(TERM_WORDS)
        else:
            assert spec["unit"] in UNIT_WORDS


@pytest.mark.parametrize(
    ("lang", "seen", "unseen"),
    [
        ("es", ["8 al millar", "60 días naturales", "la vigencia del programa", "2.07 % mensual"],
         ["per_mille", "calendar_days", "program_validity", "months"]),
        ("en", ["8 per mille", "60 calendar days", "the programme's term", "18 months"],
         ["per_mille", "calendar_days", "program_validity"]),
    ],
)  # fmt: skip
def test_refdata_info_says_the_units_in_words(
    lang: str, seen: list[str], unseen: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IMMEX_DB", raising=False)
    out = CliRunner().invoke(app, ["--lang", lang, "refdata", "info"])
    assert out.exit_code == 0, out.output
    head = "parámetros (" if lang == "es" else "parameters ("
    tail = "\nfuentes:" if lang == "es" else "\nsources:"
    params = out.output.split(head)[1].split(tail)[0]
    for words in seen:
        assert words in params
    for code in unseen:
        assert code not in params
