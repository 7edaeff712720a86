"""The reconciliation ledger vs SAT speaks the reader's language: every field, value in
words, record and explanation of a difference is a message of the catalog (by key, never by
matching sentences), so the Spanish rendering has no English sentence and the English one
still says what it said; the workbook and the page likewise."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from immex.domain import reconcile as rc
from immex.domain.messages import JOIN, TEMPLATES, Msg
from immex.domain.reconcile import wording as m
from immex.reports.i18n import tr
from immex.services.sat.reconcile import write_html, write_xlsx
from tests.test_catalog_messages import english_sentences
from tests.test_reconcile import _plant

D = Decimal
#: a pedimento with a wrong key on the ledger's side, lines that do not match, discharges
#: on one side only; a rectified one the ledger lacks; one discharged without fracción
K, J, P, R = "242439990000011", "242439990000012", "242439990000013", "242439990000014"


def _limit(clave: str, start: date) -> int | None:
    return {"IN": 18}.get(clave)


def _512(number: str, original: str) -> Msg:
    return m.REF_SAT_512(number=number, original=original)


def _lot(lot: int, part: str) -> Msg:
    return m.REF_LEDGER_LOT(lot=lot, part=part, where=f"p.csv:{lot + 2}")


def _odd_plant() -> rc.Report:
    """Every other kind of difference and explanation the core has."""
    sat_peds = [
        rc.SatPedimento(K, "IN", 1, date(2024, 1, 10), "SAT 501 K"),
        rc.SatPedimento(J, "IN", 1, date(2024, 1, 12), "SAT 501 J"),
        rc.SatPedimento(P, "IN", 1, date(2024, 2, 1), "SAT 501 P", superseded_by=R),
        rc.SatPedimento(R, "IN", 1, date(2024, 2, 9), "SAT 501 R", rectifies=P),
    ]
    sat_lines = [
        rc.SatLine(K, "85443099", 1, D(10), "6", D(10), "6", D(100), "SAT 551 K/1"),
        rc.SatLine(K, "73181599", 2, D(5), "6", D(5), "6", D(50), "SAT 551 K/2"),
        rc.SatLine(K, "84807101", 3, D(7), "6", D(7), "6", D(70), "SAT 551 K/3"),
        rc.SatLine(K, "84807101", 4, D(1), "6", D(1), "6", D(10), "SAT 551 K/4"),
        rc.SatLine(K, "84807101", 5, D(1), "6", D(1), "6", D(10), "SAT 551 K/5"),
        rc.SatLine(K, "84807101", 6, D(1), "6", D(1), "6", D(10), "SAT 551 K/6"),
        rc.SatLine(J, "85443099", 1, D(100), "6", D(100), "6", D(1000), "SAT 551 J/1"),
    ]
    sat_dis = [
        rc.SatDischarge("E1", date(2024, 3, 1), K, "IN", "73181599", "6", D(2), _512("E1", K)),
        rc.SatDischarge("E2", date(2024, 3, 2), J, "IN", None, "6", D(10), _512("E2", J)),
        rc.SatDischarge("E3", date(2024, 3, 3), J, "IN", None, "1", D(3), _512("E3", J)),
    ]
    led_peds = [
        rc.LedgerPedimento(K, "AF", date(2024, 1, 10), m.REF_LEDGER_PEDIMENTO(where="p.csv:2")),
        rc.LedgerPedimento(J, "IN", date(2024, 1, 12), m.REF_LEDGER_PEDIMENTO(where="p.csv:9")),
    ]
    led_lines = [
        rc.LedgerLine(K, "8544.30.99", D(10), "KG", D(100), _lot(1, "ARN-1")),
        rc.LedgerLine(K, "8480.71.01", D(10), "PZA", D(500), _lot(2, "MOL-1"), qty_umt=D(3)),
        rc.LedgerLine(K, "9031.80.99", D(4), "PZA", D(40), _lot(3, "SEN-1")),
        rc.LedgerLine(J, "8544.30.99", D(100), "PZA", D(1000), _lot(4, "ARN-1")),
    ]
    led_dis = [
        rc.LedgerDischarge(K, "9031.80.99", D(1), "PZA", date(2024, 3, 5),
                           m.REF_RUN_LOT(run=1, lot=3)),
        rc.LedgerDischarge(J, "8544.30.99", D(5), "PZA", date(2024, 3, 5),
                           m.REF_RUN_LOT(run=1, lot=4)),
    ]  # fmt: skip
    return rc.reconcile(sat_peds, sat_lines, sat_dis, led_peds, led_lines, led_dis,
                        as_of=date(2025, 12, 31), limit_months=_limit)  # fmt: skip


def _no_journal() -> rc.Report:
    return rc.reconcile([], [], [], [], [], None, as_of=date(2025, 1, 1), limit_months=_limit)


def _keys(value: Any) -> set[str]:
    """The catalog keys of a message and of the messages it holds."""
    if not isinstance(value, Msg):
        return set()
    inner = set().union(*(_keys(v) for v in value.params.values()))
    return inner | ({value.key} if value.key != JOIN else set())


def _lines(report: rc.Report, lang: str) -> list[str]:
    """Each difference as one line of words (field, values, records, note), and the notes."""
    out = []
    for d in report.differences:
        cells = (d.field, d.sat_value, d.ledger_value, d.sat_ref, d.ledger_ref, d.note)
        out.append(" | ".join(str(tr(c, lang)) for c in cells if c is not None))
    return out + [str(tr(n, lang)) for n in report.notes]


REPORTS = (_plant, _odd_plant, _no_journal)


def test_every_message_of_the_core_is_used_and_keyed() -> None:
    used: set[str] = set()
    for make in REPORTS:
        report = make()
        for d in report.differences:
            assert isinstance(d.field, Msg)  # a stable code that is also a message
            for cell in (d.field, d.sat_value, d.ledger_value, d.sat_ref, d.ledger_ref, d.note):
                used |= _keys(cell)
        for n in report.notes:
            assert isinstance(n, Msg)
            used |= _keys(n)
    core = {k for k in TEMPLATES if re.match(r"reconcile\.(field|value|note)\.", k)}
    core -= {k for k in core if k.startswith("reconcile.note.no_") and k != m.NOTE_NO_JOURNAL.key}
    core -= {"reconcile.note.limit_unknown", "reconcile.note.in_limit"}  # the use case's
    assert core <= used, sorted(core - used)
    assert m.REFS_MORE.key in used  # four lines of one fracción: three named, one more


@pytest.mark.parametrize("make", REPORTS)
def test_spanish_differences_have_no_english_sentence(make: Any) -> None:
    lines = _lines(make(), "es")
    assert lines
    assert english_sentences(lines) == []


def test_spanish_says_it_as_a_customs_specialist() -> None:
    text = "\n".join(_lines(_plant(), "es") + _lines(_odd_plant(), "es"))
    assert "regularice la mercancía (A3) o retórnela" in text
    assert "el control de Anexo 24 debe registrar el 24 24 3999 0000003" in text
    assert "las claves de pedimento no coinciden" in text
    assert "la fracción aparece en un solo lado" in text
    assert "registros 512 del SAT sin fracción: se comparó por pedimento" in text
    assert "(y 1 más)" in text
    assert "diario de descargos" in "\n".join(_lines(_no_journal(), "es"))


def test_english_still_says_it_in_english() -> None:
    text = "\n".join(_lines(_plant(), "en") + _lines(_odd_plant(), "en"))
    assert "still open on 2025-09-01; regularise (A3) or return it" in text
    assert "the ledger should carry 24 24 3999 0000003" in text
    assert "pedimento keys differ" in text and "fracción on one side only" in text
    assert "units differ: quantities not comparable" in text
    assert "SAT 512 rows without fracción: compared per pedimento; units differ" in text
    assert "not in SAT's 512" in text and "not in the discharge journal" in text
    assert "counted against the whole pedimento" in text and "(+1 more)" in text
    assert english_sentences(text.splitlines())  # the check sees English where it is


def _report(make: Any) -> dict[str, Any]:
    """A core report shaped as the use case returns it."""
    r = make()
    return {"company": "EKU9003173C9", "date_from": None, "date_to": date(2024, 12, 31),
            "as_of": r.as_of, "totals": r.totals, "notes": list(r.notes),
            "differences": list(r.differences)}  # fmt: skip


@pytest.mark.parametrize("make", REPORTS)
def test_the_workbook_and_the_page_follow_the_language(make: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    report = _report(make)
    for lang in ("es", "en"):
        out = tmp_path / lang
        wb = load_workbook(write_xlsx(report, out, lang), read_only=True)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
                 if isinstance(c, str)]  # fmt: skip
        page = write_html(report, out, lang).read_text(encoding="utf-8")
        page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
        words = re.findall(r">([^<>]+)<", page)
        if lang == "es":
            assert wb.sheetnames == ["Resumen", "Diferencias"] and f"lang='{lang}'" in page
            assert english_sentences(cells) == [] and english_sentences(words) == []
            assert "Conciliación del control de Anexo 24 con el SAT" in cells
        else:
            assert wb.sheetnames == ["Summary", "Differences"]
            assert "Reconciliation of the Annex 24 ledger with SAT" in cells
            assert "Period … to 2024-12-31; time limits as of" in page
