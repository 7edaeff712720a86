"""The CLI and the API speak the reader's language: Spanish by default, English on request
(``--lang en``, ``IMMEX_LANG=en``, ``Accept-Language: en``), and no English sentence in the
Spanish output of a representative set of commands on the demo workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.reports import i18n
from immex.samples.showcase import DB_NAME
from tests.support_demo import demo_run
from tests.test_catalog_messages import english_sentences

runner = CliRunner()
AS_OF = "2026-02-27"  # the demo's close: within its FIX series


def _run(*args: str, code: int = 0) -> list[str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output)
    return [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def demo_db() -> str:
    return str(Path(demo_run().folder) / DB_NAME)


@pytest.fixture
def bad_import(tmp_path: Path) -> tuple[str, str]:
    """A workspace with one company, and a materials file with a wrong kind, an empty
    description, an unknown fracción and an unknown unit."""
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    add = ["company", "add", "--rfc", "EKU9003173C9", "--name", "Ejemplo", "--db", db]
    assert runner.invoke(app, add).exit_code == 0
    bad = tmp_path / "materiales.csv"
    bad.write_text(
        "part_number,description,kind,fraccion,umc\nA,,bogus,8533.21.01,Pza\n"
        "B,Resistencia,input,9999.99.99,XX\n",
        encoding="utf-8",
    )
    return db, str(bad)


def _commands(db: str, bad: tuple[str, str]) -> list[tuple[list[str], int]]:
    """What a new user runs first on the demo, and the errors of a bad import."""
    w, bad_file = bad
    return [
        (["company", "list", "--db", db], 0),
        (["import", "list", "--db", db], 0),
        (["pedimento", "history", "244730124000286", "--db", db], 0),
        (["reconcile", "--as-of", AS_OF, "--db", db], 0),
        (["balance", "--as-of", AS_OF, "--db", db], 0),
        (["expiry", "--within", "90", "--as-of", AS_OF, "--db", db], 0),
        (["tariff", "search", "circuitos integrados", "--limit", "3"], 0),
        (["tariff", "show", "8542.31.03", "--as-of", AS_OF], 0),
        (["refdata", "status", "--as-of", AS_OF, "--db", db], 0),
        (["f4", "plan", "--period", "2026-02", "--db", db], 0),
        (["rate", "8542.31.03", "--origin", "CHN", "--as-of", AS_OF, "--db", db], 0),
        (["savings", "--to", "2026-02-28", "--db", db], 0),
        (["63a", "report", "--period", "2026-02", "--db", db], 0),
        (["rules"], 0),
        (["fx", "2026-02-14"], 0),  # a Saturday: the rule and its warning
        (["fx", "2026-04-10"], 2),  # past the end of the series
        (["inpc", "factor", "2025-01", "2026-03"], 0),  # the INPC of 2026-02 not yet published
        (["inpc", "factor", "2025-01", "2026-09"], 0),  # a series months short
        (["import", "materials", bad_file, "--db", w], 2),
        (["import", "materials", bad_file + ".nada", "--db", w], 2),
        (["f4", "plan", "--period", "2026-13", "--db", db], 2),
        (["company", "list", "--db", str(Path(w).with_name("none.db"))], 2),
    ]


def test_spanish_output_has_no_english_sentence(demo_db: str, bad_import: tuple[str, str]) -> None:
    found = []
    for args, code in _commands(demo_db, bad_import):
        lines = _run("--lang", "es", *args, code=code)
        assert lines, args
        found += [
            f"{args[0]} {args[1]}: {ln}"
            for ln in english_sentences(lines)
        ]
    assert found == []


def test_english_output_says_the_key_phrases_in_english(
    demo_db: str, bad_import: tuple[str, str]
) -> None:
    db, bad_file = bad_import
    refused = "\n".join(_run("--lang", "en", "import", "materials", bad_file, "--db", db, code=2))
    assert "errors found; nothing was written" in refused
    assert "required value is empty" in refused and "(got 'bogus')" in refused
    balance = "\n".join(_run("--lang", "en", "balance", "--as-of", AS_OF, "--db", demo_db))
    assert "open value USD" in balance and "MXN" in balance
    status = "\n".join(_run("--lang", "en", "refdata", "status", "--as-of", AS_OF))
    assert "data currency on" in status and "stale" in status
    search = "\n".join(_run("--lang", "en", "tariff", "search", "memorias", "--limit", "1"))
    assert "heading 85.42" in search
    history = "\n".join(_run("--lang", "en", "pedimento", "history", "244730124000286", "--db",
                              demo_db))  # fmt: skip
    assert "version 1: batch" in history and "— current" in history and "line 102:" in history
    rec = "\n".join(_run("--lang", "en", "reconcile", "--as-of", AS_OF, "--db", demo_db))
    assert "only in the ledger: 24 24 3012 4000101  pedimento: SAT - / ledger IN entered" in rec
    assert "no SAT data for this company: import a Data Stage extraction first" in rec


def test_spanish_is_the_default_and_the_key_phrases_are_spanish(
    demo_db: str, bad_import: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IMMEX_LANG", raising=False)
    db, bad_file = bad_import
    refused = "\n".join(_run("import", "materials", bad_file, "--db", db, code=2))
    assert "no se escribió nada" in refused and "(se recibió 'bogus')" in refused
    balance = "\n".join(_run("balance", "--as-of", AS_OF, "--db", demo_db))
    assert "lotes" in balance and "MXN" in balance
    search = "\n".join(_run("tariff", "search", "memorias", "--limit", "1"))
    assert "partida 85.42" in search


def test_immex_lang_chooses_and_lang_does_not_leak(
    bad_import: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMMEX_LANG", "en")
    assert "required value is empty" in "\n".join(
        _run("import", "materials", bad_import[1], "--db", bad_import[0], code=2)
    )
    monkeypatch.delenv("IMMEX_LANG")
    english = _run("--lang", "en", "refdata", "status", "--as-of", AS_OF)
    assert english[0].startswith("data currency on")
    after = _run("refdata", "status", "--as-of", AS_OF)  # the next command: the default again
    assert after[0].startswith("vigencia de los datos al")
    assert i18n.default_lang() == "es"
    assert _run("--lang", "fr", "company", "list", code=2)
    monkeypatch.setenv("IMMEX_LANG", "fr")
    assert "IMMEX_LANG" in "\n".join(_run("company", "list", code=2))


def test_json_errors_keep_their_fields_and_gain_a_stable_code(
    bad_import: tuple[str, str],
) -> None:
    db, bad_file = bad_import
    docs = {}
    for lang in i18n.LANGS:
        result = runner.invoke(
            app, ["--lang", lang, "import", "materials", bad_file, "--db", db, "--json"]
        )
        assert result.exit_code == 2
        docs[lang] = json.loads(result.stdout)
    es, en = docs["es"], docs["en"]
    assert set(es["errors"][0]) == {"file", "line", "column", "message", "value", "code"}
    assert es["code"] == en["code"] == "batch.errors"
    assert [e["code"] for e in es["errors"]] == [e["code"] for e in en["errors"]]
    assert all(e["code"] for e in es["errors"])
    by_column = {e["column"]: e for e in es["errors"]}
    assert (
        by_column["description"]["message"]
        != {e["column"]: e for e in en["errors"]}["description"]["message"]
    )


def test_api_errors_follow_accept_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from immex.api.app import create_app

    monkeypatch.delenv("IMMEX_LANG", raising=False)
    client = TestClient(create_app(None))
    url, params = "/api/tariff/9999.99.99", {"as_of": "2025-06-01"}
    default = client.get(url, params=params).json()
    spanish = client.get(url, params=params, headers={"Accept-Language": "es-MX,es;q=0.9"}).json()
    english = client.get(url, params=params, headers={"Accept-Language": "en-US,en;q=0.8"}).json()
    assert default == spanish and spanish["code"] == english["code"] == "tariff.not_in_tariff"
    assert "no está en la Tarifa" in spanish["error"] and "is not in the LIGIE" in english["error"]
    prefer_en = client.get(url, params=params, headers={"Accept-Language": "es;q=0.2, en"})
    assert prefer_en.json()["error"] == english["error"]
    missing = client.get("/api/tariff/8542.31.03").json()  # as_of missing: FastAPI refuses
    assert missing["detail"][0]["msg"] == "falta un valor obligatorio"
    assert missing["detail"][0]["code"] == "api.field_missing"
    assert client.get("/api/nothing-here").json()["detail"] == "no encontrado"


def test_rules_speak_the_language_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    from immex.services.refdata.rules import get_rule

    monkeypatch.delenv("IMMEX_LANG", raising=False)
    spanish = "\n".join(_run("rules", "U-2", "--lang", "es"))
    assert "se debe el IGI mexicano" in spanish and "T-MEC art. 2.5" in spanish
    english = "\n".join(_run("--lang", "en", "rules", "U-2"))
    assert get_rule("U-2").text in english  # the rule book's own wording
    assert i18n.default_lang() == "es"  # the command's --lang ended with it


@pytest.mark.parametrize(
    "args",
    [
        ["f4", "plan", "--period", "2026-13"],
        ["63a", "report", "--period", "2026-13"],
        ["report", "--period", "2026-13"],
        ["whatif", "mix", "--period", "2026-13", "--domestic-share", "10", "--product", "X"],
    ],
)
def test_a_bad_month_names_the_option_as_typed(demo_db: str, args: list[str]) -> None:
    """'period: no es un mes' named a field; the user typed --period (as --as-of errors say)."""
    lines = _run(*args, "--db", demo_db, "--lang", "es", code=2)
    assert "error: --period: no es un mes: '2026-13' (se espera AAAA-MM)" in lines
