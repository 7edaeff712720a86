"""Validation files (archivo M): records 500…801, both date forms, patent/office from 500/501."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from immex.datastage.m3 import parse_m3, parse_m3_date
from immex.domain.errors import BatchError
from immex.services.sat.m3_import import import_m3
from immex.services.sat.pedimento_show import pedimento_show
from immex.services.workspace import companies as workspace
from tests.support_datastage import M3_SAMPLE, row_counts

needs_sample = pytest.mark.skipif(not M3_SAMPLE.exists(), reason="../shared not present")


def test_both_date_forms_and_ranges() -> None:
    assert parse_m3_date("03032025") == date(2025, 3, 3)
    assert parse_m3_date("20250303") == date(2025, 3, 3)
    assert parse_m3_date("31122099") == date(2099, 12, 31)
    for bad in ("20251303", "32012025", "01011899", "2025033", "2025-03-", "00000000"):
        assert parse_m3_date(bad) is None, bad


@needs_sample
def test_sample() -> None:
    f = parse_m3(M3_SAMPLE)
    assert f.errors == []
    (ped,) = f.pedimentos
    assert (ped.patente, ped.pedimento, ped.aduana) == ("3999", "5000101", "240")
    assert ped.records["505"][0]["fecha_factura"] == "2025-02-27"  # DDMMAAAA
    assert ped.records["506"][0]["fecha"] == "2025-03-03"
    assert len(ped.records["557"]) == 2 and ped.records["551"][0]["nico"] == "99"
    assert f.trailer is not None and f.trailer["registros"] == "13"


def _write(tmp: Path, text: str, name: str = "m3999002.063") -> Path:
    p = tmp / name
    p.write_text(text, encoding="cp1252")
    return p


GOOD = (
    "500|1|3999|5000102|240|\n"
    "501|3999|5000102|240|1|IN|240||XAXX010101000||20.1|0|0|0|0||1.000|7|7|7|9|EMPRESA|C|||1|M|NL"
    "|MEX||0|0|0|0|0\n"
    "506|5000102|2|20250304\n"
    "551|5000102|85443099|1|99|ARNES|1.0|10|10|1.00|1.000|6|1.00000|6|0|0|1||||USA|USA||||\n"
    "512|5000102|3999|5000101|240|IN|03032025|85443099|6|1.000\n"
    "800|5000102|1|F|0\n"
    "801|m3999002.063|1|6|\n"
)


def test_aaaammdd_file_and_errors(tmp_path: Path) -> None:
    f = parse_m3(_write(tmp_path, GOOD))
    assert f.errors == [], f.errors
    ped = f.pedimentos[0]
    assert ped.records["506"][0]["fecha"] == "2025-03-04"  # AAAAMMDD
    assert ped.records["512"][0]["fecha_orig"] == "2025-03-03"  # DDMMAAAA
    bad = parse_m3(_write(tmp_path, GOOD.replace("20250304", "20251304").replace("|6|\n", "|7|\n")))
    msgs = [str(e) for e in bad.errors]
    assert any(":3: fecha:" in m and "DDMMAAAA" in m for m in msgs), msgs
    assert any("registros" in m for m in msgs)
    cut = parse_m3(_write(tmp_path, GOOD.rsplit("801", 1)[0]))
    assert any("801" in e.message for e in cut.errors)
    unknown = parse_m3(_write(tmp_path, GOOD.replace("800|", "899|")))
    assert any(e.field == "registro" for e in unknown.errors)


def test_import_m3(workspace_url: str, tmp_path: Path) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    files = [_write(tmp_path, GOOD)] + ([M3_SAMPLE] if M3_SAMPLE.exists() else [])
    s = import_m3(ws, files)
    assert s["pedimentos"] == len(files) and s["partidas"] == len(files)
    before = row_counts(engine)
    assert import_m3(ws, files)["duplicates"] == len(files)
    assert row_counts(engine) == before
    shown = pedimento_show(ws, "25 24 3999 5000102")
    assert shown["source"] == "m3" and shown["descargos"][0]["pedimento_orig"] == "5000101"
    with pytest.raises(BatchError):
        import_m3(ws, [_write(tmp_path, GOOD.replace("|1.000\n", "|1,000\n"), "m3999003.063")])
    assert row_counts(engine) == before
    engine.dispose()
