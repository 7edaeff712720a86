"""Reading SAT Data Stage ZIPs: the synthetic sample, generated ZIPs, every pitfall, errors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from immex.datastage import layout
from immex.datastage.exporter import format_table
from immex.datastage.generator import generate_datastage
from immex.datastage.keys import SatKey, pedimento_year
from immex.datastage.models import RECORD_TYPES
from immex.datastage.reader import DataStageZip, read_all
from tests.support_datastage import SAMPLE, members, rewrite, write_zip

HEADERS = SAMPLE.parent / "headers.tsv"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_datastage(tmp_path_factory.mktemp("gen"), seed=7, lines=400).path


def test_layout_headers_are_the_real_ones() -> None:
    if not HEADERS.exists():
        pytest.skip("../shared not present")
    for line in HEADERS.read_text().splitlines():
        if line.startswith("#"):
            continue
        suffix, header = line.split("\t")
        assert layout.LAYOUTS[suffix.removesuffix(".asc")].header == header


def test_models_follow_the_layout() -> None:
    for code in layout.TYPED_TABLES:
        fields = RECORD_TYPES[code].__dataclass_fields__
        assert tuple(fields) == layout.LAYOUTS[code].columns, code


def test_synthetic_sample() -> None:
    if not SAMPLE.exists():
        pytest.skip("../shared not present")
    tables, errors, warnings = read_all(SAMPLE)
    assert errors == []
    assert {c: len(r) for c, r in tables.items() if r} == {
        "501": 3,
        "505": 1,
        "506": 3,
        "507": 2,
        "509": 3,
        "510": 4,
        "511": 1,
        "512": 1,
        "551": 3,
        "554": 1,
        "556": 4,
        "557": 5,
        "701": 1,
        "Resumen": 1,
        "Sel": 2,
    }
    in_ = tables["501"][0]
    assert (in_.clave_documento, in_.rfc, in_.tipo_cambio) == (
        "IN",
        "XAXX010101000",
        Decimal("20.12345"),
    )
    assert in_.fecha_pago == datetime(2025, 3, 3, 9, 15)
    # the sample's 551 rows carry one field more than the header: read, with a warning
    assert any("more fields than the header" in w for w in warnings)
    line = tables["551"][1]
    assert (line.fraccion, line.nico, line.pais_origen_destino, line.entidad_origen) == (
        "73181599",
        "99",
        "CHN",
        None,
    )
    assert line.cantidad_umt == Decimal("120.5") and line.valor_aduana == Decimal(73000)
    assert "OBSERVACIÓN" in tables["511"][0][4]  # Windows-1252 decoded
    rect = tables["701"][0]
    assert (rect.pedimento, rect.pedimento_anterior, rect.fecha_anterior) == (
        "5000300",
        "5000280",
        date(2025, 6, 20),
    )
    d = tables["512"][0]
    assert (d.pedimento_orig, d.fraccion_orig, d.cantidad) == ("5000101", "85443099", Decimal(100))


def test_generated_zip_is_in_the_physical_format(generated: Path) -> None:
    files = members(generated)
    assert len(files) == 26
    empty = files[next(n for n in files if n.endswith("_502.asc"))]
    assert not empty.endswith(b"\r\n") and b"\r\n" not in empty  # header only, no CRLF
    rows = files[next(n for n in files if n.endswith("_551.asc"))]
    assert rows.endswith(b"|\r\n")
    assert "É".encode("cp1252") in rows and b"\x00" in rows
    d512 = files[next(n for n in files if n.endswith("_512.asc"))].split(b"\r\n")[1:-1]
    assert any(len(r.split(b"|")[4]) < 7 for r in d512)  # unpadded original pedimento
    assert any(len(r.split(b"|")[3]) < 4 for r in d512)  # unpadded patent


def test_generated_pitfalls_are_normalised(generated: Path) -> None:
    tables, errors, _ = read_all(generated)
    assert errors == []
    assert all(len(d.pedimento_orig) == 7 and len(d.patente_orig) == 4 for d in tables["512"])
    assert any(d.fraccion_orig is None and d.cantidad is None for d in tables["512"])
    assert all(ln.precio_unitario is not None for ln in tables["551"])
    assert any(ln.precio_unitario < 1 for ln in tables["551"])  # written ".xxxxx"
    assert any(p.pais == "MEX" for p in tables["501"])  # "MEX\0\0…"
    assert all(isinstance(p.fecha_pago, datetime) for p in tables["501"])
    assert tables["701"] and all(len(r.pedimento_anterior) == 7 for r in tables["701"])
    assert {p.tipo_pedimento for p in tables["501"]} == {1, 2}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = (
        generate_datastage(tmp_path / "a", seed=3, lines=50)
        if (tmp_path / "a").mkdir() is None
        else None
    )
    b = (
        generate_datastage(tmp_path / "b", seed=3, lines=50)
        if (tmp_path / "b").mkdir() is None
        else None
    )
    assert a is not None and b is not None
    assert members(a.path) == members(b.path)


def test_pedimento_year_rule() -> None:
    assert pedimento_year("5000101", 2025) == (2025, True)
    assert pedimento_year("4000101", 2025) == (2024, True)  # paid after New Year
    assert pedimento_year("0000001", 2021) == (2020, True)
    assert pedimento_year("7000001", 2025)[1] is False
    assert SatKey(2025, "240", "3999", "5000101").number == "252439995000101"


@pytest.mark.parametrize(
    ("table", "change", "line", "field", "message"),
    [
        ("551", lambda b: b.replace(b"|25.00000|", b"|25,00000|"), 2, "PrecioUnitario", "number"),
        (
            "506",
            lambda b: b.replace(b"2025-03-03|", b"2025-13-03|", 1),
            2,
            "FechaOperacion",
            "date",
        ),
        ("501", lambda b: b.replace(b"|5000101|", b"|500010|", 1), 2, "Pedimento", "7 digits"),
        ("510", lambda b: b.replace(b"|474|", b"|474.5|", 1), 2, "ImportePago", "whole pesos"),
        ("505", lambda b: b.replace(b"Patente|", b"Patent|", 1), 1, None, "header"),
        ("510", lambda b: b.replace(b"|\r\n", b"\r\n", 1), 2, None, "trailing"),
        ("509", lambda b: b[:-10], 4, None, "not terminated"),
        ("507", lambda b: b.replace(b"IM|", b"I\x81|", 1), 2, None, "Windows-1252"),
        ("512", lambda b: b.replace(b"|6|", b"|6|1|", 1), 2, None, "fields"),
    ],
)
def test_damaged_table_is_located(tmp_path: Path, table, change, line, field, message) -> None:  # type: ignore[no-untyped-def]
    if not SAMPLE.exists():
        pytest.skip("../shared not present")
    bad = rewrite(SAMPLE, tmp_path / "9990001_solicitudes.zip", table, change)
    _, errors, _ = read_all(bad)
    assert errors, "the damage must be reported"
    e = errors[0]
    assert e.source.endswith(f"_{table}.asc") and e.line == line and e.field == field
    assert message in str(e), str(e)


def test_not_a_zip_and_missing_501(tmp_path: Path) -> None:
    junk = tmp_path / "1_solicitudes.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    with DataStageZip(junk) as dz:
        assert not dz.ok and "ZIP" in dz.errors[0].message
    only = write_zip(tmp_path / "2_solicitudes.zip", {"2_551.asc": b"x"})
    with DataStageZip(only) as dz:
        assert any("501" in e.message for e in dz.errors)


def test_format_table_round_trips(generated: Path, tmp_path: Path) -> None:
    tables, _, _ = read_all(generated)
    files = {f"9_{code}.asc": format_table(code, recs) for code, recs in tables.items()}
    again, errors, _ = read_all(write_zip(tmp_path / "9_solicitudes.zip", files))
    assert errors == [] and again == tables
