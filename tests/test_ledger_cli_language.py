"""`immex import list|void`, `immex pedimento history`, `immex discharge list` and `immex
reconcile` in the reader's language, on a small plant with SAT's Data Stage extraction: the
Spanish output has no English sentence, the English one says the key phrases in English, and
the JSON keeps its stable codes in both."""

from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from tests.support_datastage import SAMPLE
from tests.test_catalog_messages import english_sentences

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="../shared not present")

runner = CliRunner()
#: the plant of the Data Stage sample (company XAXX010101000): its import pedimento 101 in
#: the ledger (one line short), one pedimento SAT does not have, one shipment discharged
FILES = {
    "materiales.csv": "part_number,description,kind,fraccion,umc\n"
    "ARN-1,Arnes,input,8544.30.99,Pza\nTOR-1,Tornillo,input,7318.15.99,Pza\n",
    "productos.csv": "part_number,description,fraccion,umc\nHARN-1,Arnes final,8544.30.01,Pza\n"
    "CAJ-1,Caja sin BOM,8544.30.01,Pza\n",
    "bom.csv": "product,component,qty_per_unit\nHARN-1,ARN-1,1\n",
    "pedimentos.csv": "pedimento,clave,date,part_number,quantity,value_usd,origin\n"
    "25 24 3999 5000101,IN,2025-03-03,ARN-1,334,8350.50,USA\n"
    "25 24 3999 5000101,IN,2025-03-03,TOR-1,72000,3649.50,USA\n"
    "25 24 3999 5000199,IN,2025-04-01,ARN-1,10,100.00,USA\n",
    "embarques.csv": "document,kind,date,product,quantity,destination,value_usd\n"
    "EXP-1,export,2025-06-10,HARN-1,90,USA,2600\n"
    "EXP-2,export,2025-06-11,CAJ-1,1,USA,10\n"
    "EXP-3,export,2026-12-01,HARN-1,10,USA,290\n",
}
ENTITIES = ("materials", "products", "bom", "pedimentos", "shipments")
RECTIFIED = (
    "pedimento,clave,date,part_number,quantity,value_usd,origin\n"
    "25 24 3999 5000199,IN,2025-04-01,ARN-1,8,80.00,USA\n"
)
AS_OF = "2027-12-31"  # the 18 months of pedimento 101 are over


def _run(lang: str, db: str, *args: str) -> str:
    result = runner.invoke(app, ["--lang", lang, *args, "--db", db])
    assert result.exit_code == 0, (args, result.output)
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The workspace after imports, a discharge run, a rectification and a void."""
    tmp = tmp_path_factory.mktemp("plant")
    db = str(tmp / "w.db")
    _run("es", db, "init")
    _run("es", db, "import", "datastage", str(SAMPLE))
    for (name, text), entity in zip(FILES.items(), ENTITIES, strict=True):
        (tmp / name).write_text(text, encoding="utf-8")
        _run("es", db, "import", entity, str(tmp / name))
    _run("es", db, "discharge", "run")
    (tmp / "r1.csv").write_text(RECTIFIED, encoding="utf-8")
    _run("es", db, "import", "pedimentos", str(tmp / "r1.csv"), "--rectify", "--reason", "R1")
    return db, tmp


def _void(lang: str, db: str) -> str:
    """Void the shipments batch (of a copy of the workspace: a batch is voided once)."""
    listed = json.loads(_run(lang, db, "import", "list", "--json"))
    ship = next(b["id"] for b in listed if b["entity"] == "shipments")
    return _run(lang, db, "import", "void", str(ship), "--reason", "embarque duplicado")


def _outputs(lang: str, db: str, out: Path) -> dict[str, str]:
    return {
        "void": _void(lang, db),
        "list": _run(lang, db, "import", "list"),
        "history": _run(lang, db, "pedimento", "history", "25-24-3999-5000199"),
        "runs": _run(lang, db, "discharge", "list"),
        "show": _run(lang, db, "pedimento", "show", "252439995000300"),
        "run": _run(lang, db, "discharge", "show", "1"),
        "reconcile": _run(
            lang, db, "reconcile", "--as-of", AS_OF, "--format", "html", "--out", str(out)
        ),  # fmt: skip
    }


def _copy(db: str, tmp: Path, name: str) -> str:
    """A copy of the workspace (SQLite's backup: the journal's pages too)."""
    target = str(tmp / name)
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def test_spanish_output_has_no_english_sentence(plant: tuple[str, Path]) -> None:
    db, tmp = plant
    out = _outputs("es", _copy(db, tmp, "es.db"), tmp / "es")
    found = [f"{cmd}: {ln}" for cmd, text in out.items()
             for ln in english_sentences(text.splitlines())]  # fmt: skip
    assert found == []
    assert "(embarques.csv, embarques) anulada: 3 renglones retirados" in out["void"]
    assert "nota: la corrida de descargo vigente 1 queda desactualizada" in out["void"]
    assert re.search(
        r"importación \d+  embarques  embarques\.csv .* anulada el .* embarque duplicado",
        out["list"],
    )
    assert "retirada (rectificación)" in out["history"] and "— vigente" in out["history"]
    assert "(Data Stage, vigente)" in out["show"]
    assert "lotes vencidos alcanzados (A3)" in out["run"] and "(RT 1)" in out["run"]
    assert "— regularícelo con pedimento A3 (LA 108; regla I-4)" in out["run"]
    assert "CAJ-1 — ninguna versión de la lista de materiales está vigente" in out["run"]
    assert "25 24 3999 5000280 → 25 24 3999 5000300 (este)" in out["show"]
    rec = out["reconcile"]
    assert "descargo: 25 24 3999 5000101 85443099 cantidad descargada: SAT 100 / control 90" in rec
    assert "corrida de descargo 1, lote" in rec and "SAT 512 del pedimento" in rec
    assert "regularice la mercancía (A3) o retórnela" in rec
    assert "solo en el control de Anexo 24: 25 24 3999 5000199" in rec
    page = (tmp / "es" / "reconcile_XAXX010101000.html").read_text(encoding="utf-8")
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    assert "Conciliación del control de Anexo 24 con el SAT" in page
    assert english_sentences(re.findall(r">([^<>]+)<", page)) == []


def test_english_output_says_the_key_phrases_in_english(plant: tuple[str, Path]) -> None:
    db, tmp = plant
    out = _outputs("en", _copy(db, tmp, "en.db"), tmp / "en")
    assert "(embarques.csv, shipments) voided: 3 rows withdrawn" in out["void"]
    assert "note: the current discharge run 1 is stale after this correction" in out["void"]
    assert re.search(r"batch S\d+  datastage  synthetic_9990001_solicitudes\.zip", out["list"])
    assert re.search(r"  shipments  embarques\.csv .* void .* by .*: embarque duplicado",
                     out["list"])  # fmt: skip
    assert "withdrawn (rectification)" in out["history"] and "— current" in out["history"]
    assert "  line 2: IN 2025-04-01 ARN-1 8 USD 80.00 USA 8544.30.99" in out["history"]
    assert "STALE" in out["runs"] and "embarques.csv voided by" in out["runs"]
    assert "(Data Stage, current)" in out["show"] and "(this)" in out["show"]
    assert "3 lots, 3 shipment lines, 2 consumptions, 1 allocations (RT 1)" in out["run"]
    assert "CAJ-1 — no BOM version in force on the shipment date" in out["run"]
    rec = out["reconcile"]
    assert "discharge: 25 24 3999 5000101 85443099 discharged: SAT 100 / ledger 90" in rec
    assert "discharge run 1, lot" in rec and "SAT 512 on 252439995000250" in rec
    assert "still open on 2027-12-31; regularise (A3) or return it" in rec
    assert "only in the ledger: 25 24 3999 5000199  pedimento: SAT - / ledger IN entered" in rec
    assert "IN pedimentos are checked against the inputs limit" in rec


def test_json_keeps_the_codes_and_carries_the_words(plant: tuple[str, Path]) -> None:
    db, _ = plant
    docs = {
        lang: json.loads(_run(lang, db, "reconcile", "--as-of", AS_OF, "--json"))
        for lang in ("es", "en")
    }
    es, en = docs["es"], docs["en"]
    assert es["totals"] == en["totals"] and es["note_codes"] == en["note_codes"]
    assert "reconcile.note.in_limit" in es["note_codes"]
    assert [(d["category"], d["field"], d["note_code"]) for d in es["differences"]] == [
        (d["category"], d["field"], d["note_code"]) for d in en["differences"]
    ]
    (dis,) = [d for d in es["differences"] if d["category"] == "discharge"]
    assert (
        dis["field"] == "discharged"
        and Decimal(dis["sat_value"]) - Decimal(dis["ledger_value"]) == 10
    )
    assert dis["field_text"] == "cantidad descargada"
    (late_es, *_) = [d for d in es["differences"] if d["category"] == "open_past_limit"]
    (late_en, *_) = [d for d in en["differences"] if d["category"] == "open_past_limit"]
    assert late_es["note_code"] == "reconcile.note.open_past_limit"
    assert "regularice" in late_es["note"] and "regularise" in late_en["note"]
