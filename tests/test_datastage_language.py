"""What `immex import datastage` / `immex import m3` tell a person about a bad file: every
error and warning from the catalog, in Spanish (the default) or English, each with its file
and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.datastage.generator import generate_datastage
from tests.support_datastage import members, write_zip
from tests.test_catalog_messages import english_sentences

runner = CliRunner()

#: an archivo M with a date out of range (line 3), a record after the 801 and a trailer
#: counting the wrong number of records; the file's name differs from the one the 801 says
M3 = (
    "500|1|3999|5000102|240|\n"
    "501|3999|5000102|240|1|IN|240||EKU9003173C9||20.1|0|0|0|0||1.000|7|7|7|9|EMPRESA|C|||1|M"
    "|NL|MEX||0|0|0|0|0\n"
    "506|5000102|2|20251304\n"
    "800|5000102|1|F|0\n"
    "801|m3999002.063|1|9|\n"
    "506|5000102|2|20250304\n"
)


def _lines(args: list[str], lang: str) -> list[str]:
    result = runner.invoke(app, ["--lang", lang, *args])
    assert result.exit_code != 0, result.output  # refused: nothing written
    return [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", path]).exit_code == 0
    return path


@pytest.fixture
def bad_zip(tmp_path: Path) -> Path:
    """A generated extraction with a wrong fracción (551 line 2), an empty line (551 line
    3), table 505 missing and a stray member."""
    (tmp_path / "gen").mkdir()
    files = members(generate_datastage(tmp_path / "gen", seed=3, lines=20).path)
    name = next(n for n in files if n.endswith("_551.asc"))
    rows = files[name].split(b"\r\n")
    fields = rows[1].split(b"|")
    fields[3] = b"85X4"
    rows[1:2] = [b"|".join(fields), b""]
    files[name] = b"\r\n".join(rows)
    for n in [n for n in files if n.endswith("_505.asc")]:
        del files[n]
    files["notas.txt"] = b"x"
    return write_zip(tmp_path / "9990003_solicitudes.zip", files)


def test_a_bad_data_stage_zip_in_spanish_and_english(db: str, bad_zip: Path) -> None:
    args = ["import", "datastage", str(bad_zip), "--db", db]
    es = "\n".join(_lines(args, "es"))
    where = "9990003_solicitudes.zip/9990003_551.asc"
    assert f"{where}:2: Fraccion: se espera una fracción arancelaria de 8 dígitos" in es
    assert f"{where}:3: renglón vacío dentro de la tabla" in es
    assert not english_sentences(es.splitlines()), es
    en = "\n".join(_lines(args, "en"))
    assert f"{where}:2: Fraccion: expected an 8-digit fracción" in en
    assert f"{where}:3: empty line inside the table" in en


def test_a_bad_archivo_m_in_spanish_and_english(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "m3999002.063"
    bad.write_text(M3, encoding="cp1252")
    args = ["import", "m3", str(bad), "--db", db]
    es = _lines(args, "es")
    text = "\n".join(es)
    assert "m3999002.063:3: fecha: no es una fecha DDMMAAAA o AAAAMMDD (año 1990–2099)" in text
    assert "m3999002.063:6: registro: registro después del registro de cierre 801" in text
    assert "m3999002.063:5: registros: el registro 801 declara 9 registros; el archivo" in text
    assert not english_sentences(es), es
    en = "\n".join(_lines(args, "en"))
    assert "m3999002.063:6: registro: record after the 801 trailer" in en
    assert "m3999002.063:5: registros: the 801 says 9 records, the file has" in en


def test_a_count_of_one_takes_the_singular() -> None:
    from immex.datastage.messages import M3_TRAILER_PEDIMENTOS, ORPHANS
    from immex.reports.i18n import tr

    one = M3_TRAILER_PEDIMENTOS(said="1", found=2)
    assert one == "the 801 says 1 pedimento, the file has 2"
    assert tr(one, "es") == "el registro 801 declara 1 pedimento; el archivo tiene 2"
    many = ORPHANS(source="x.zip/x_551.asc", n=3)
    assert tr(many, "es") == (
        "x.zip/x_551.asc: se omitieron 3 renglones de pedimentos que no están en la tabla 501"
    )
