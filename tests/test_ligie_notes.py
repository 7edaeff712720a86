"""The bundled rate history's notes and sources read in Spanish (``ligie.note.*``,
``ligie.source.*``) and its warnings (``ligie.warn.*``): every stored note and source reads
back into messages whose English is the stored text exactly; a text that does not read back
is shown as it is; ``immex tariff show`` and the tariff pages show them in the reader's
language."""

from __future__ import annotations

import csv
import html
import re
import string
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from immex.api.app import create_app
from immex.api.v1.auth import JobRunners, ServerSettings
from immex.cli.main import app
from immex.domain import ligie_notes as ln
from immex.domain.messages import JOIN, Msg
from immex.refdata.framework import DATA_DIR
from immex.refdata.tariff_data import load_tariff_book
from immex.reports.i18n import tr
from immex.services.accounts import users
from immex.services.workspace.companies import add_company, create_workspace
from immex.web.site import create_site

#: words of the English templates a Spanish text may hold: legal terms, names, the decree's
#: own words (quoted Spanish evidence)
SPANISH_TOO = {"ligie", "dof", "sat", "primero", "fracción", "acotación", "adicionada",
               "transitorio"}  # fmt: skip
WORD = re.compile(r"[^\W\d_]{3,}")


@cache
def _history() -> list[dict[str, str]]:
    with (DATA_DIR / "ligie_rate_history.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _english_words() -> set[str]:
    """The words the English texts of the notes and sources are made of (not their fields)."""
    words: set[str] = set()
    for template in (*ln.NOTE_PIECES, *ln.SOURCES, ln.NOT_STATED, ln.HOW_COMPUTED, ln.HOW_READ):
        for literal, *_ in string.Formatter().parse(template.english):
            words |= {w.lower() for w in WORD.findall(literal)}
    return words - SPANISH_TOO


def _without_quotes(text: str) -> str:
    """A Spanish rendering without the decree's words it quotes (“…”), which are Spanish."""
    return re.sub(r"“[^”]*”", "", text)


def _fields_as_written(msg: object) -> list[str]:
    """The free-text fields of a message (the decree's words), which stay as written."""
    if not isinstance(msg, Msg):
        return []
    out: list[str] = []
    for name, value in msg.params.items():
        if isinstance(value, Msg):
            out += _fields_as_written(value)
        elif name in ("evidence", "clause", "text"):
            out.append(str(value))
    return out


def _assert_spanish(stored: str, msg: Msg | str) -> None:
    assert isinstance(msg, Msg), f"not read back: {stored!r}"
    assert str(msg) == stored
    assert tr(msg, "en") == stored
    spanish = str(tr(msg, "es"))
    assert spanish != stored
    for field in _fields_as_written(msg):  # the decree's words stay in the Spanish sentence
        assert field in spanish
    rest = _without_quotes(spanish)
    for field in _fields_as_written(msg):
        rest = rest.replace(field, "")
    left = {w.lower() for w in WORD.findall(rest)} & _english_words()
    assert not left, f"English left in {spanish!r}: {sorted(left)}"


def test_the_english_words_are_found() -> None:
    words = _english_words()
    assert {"temporary", "revokes", "entry", "force", "computed", "goods"} <= words
    with pytest.raises(AssertionError):
        _assert_spanish("DOF 22-04-2024 (temporary)", Msg("x.y", "DOF {d} (temporary)", {"d": 1}))


@pytest.mark.parametrize("note", sorted({r["note"] for r in _history()} - {""}))
def test_every_stored_note_reads_in_spanish(note: str) -> None:
    _assert_spanish(note, ln.note_msg(note))


@pytest.mark.parametrize("source", sorted({r["source"] for r in _history()}))
def test_every_stored_source_reads_in_spanish(source: str) -> None:
    msg = ln.source_msg(source)
    assert isinstance(msg, Msg) and msg == source and tr(msg, "en") == source
    spanish = str(tr(msg, "es"))
    left = {w.lower() for w in WORD.findall(spanish)} & _english_words()
    assert not left, f"English left in {spanish!r}: {sorted(left)}"


def test_the_spanish_of_a_temporary_source_and_a_note_with_pieces() -> None:
    assert tr(ln.source_msg("DOF 22-04-2024 (temporary)"), "es") == "DOF 22-04-2024 (temporal)"
    revokes = ln.source_msg("DOF 15-08-2023 (revokes DOF 18-11-2022)")
    assert tr(revokes, "es") == "DOF 15-08-2023 (deroga el DOF 18-11-2022)"
    note = next(n for n in {r["note"] for r in _history()} if "acotación: “Únicamente: Atún”" in n)
    pieces = ln.pieces(note)
    assert [p.key for p in pieces if isinstance(p, Msg)] == [
        "ligie.note.effective_unknown", "ligie.note.ligie_replaced", "ligie.note.acotacion",
    ]  # fmt: skip
    spanish = str(tr(ln.note_msg(note), "es"))
    assert spanish.startswith("entrada en vigor del DOF 18-11-2022: la LIGIE 2022 entró en vigor")
    assert spanish.endswith("acotación: “Únicamente: Atún” (la tasa aplica solo a esas mercancías)")
    assert (
        ln.acotacion(note) == "acotación: “Únicamente: Atún” (the rate applies only to those goods)"
    )


@pytest.mark.parametrize(
    "altered",
    [
        # a piece's words changed
        "acotación: “Únicamente sardina” (the rate applies to those goods)",
        # a known piece followed by an unknown one
        "temporary rate ended 2024-04-22; the rate was set by mistake",
        # a field that is not what the builder writes (a date as DD-MM-YYYY)
        "temporary rate ended 22-04-2024",
        "entry into force of DOF 18-11-2022: not stated at all",
        "the LIGIE 2022 as published said 10;DOF 18-11-2022 replaced it from the LIGIE's entry "
        "into force",
        "; temporary rate ended 2024-04-22",
    ],
)
def test_an_altered_note_is_shown_as_it_is(altered: str) -> None:
    got = ln.note_msg(altered)
    assert got == altered and not isinstance(got, Msg)
    assert tr(got, "es") == altered


@pytest.mark.parametrize(
    "altered", ["DOF 22-04-2024 (temporal)", "DOF 2024-04-22", "DOF 22-04-2024 (temporary) "]
)
def test_an_altered_source_is_shown_as_it_is(altered: str) -> None:
    got = ln.source_msg(altered)
    assert got == altered and not isinstance(got, Msg)


def test_a_note_of_one_piece_is_that_piece_and_of_several_is_joined() -> None:
    one = ln.note_msg("temporary rate ended 2024-04-22")
    assert isinstance(one, Msg) and one.key == ln.TEMPORARY_ENDED.key
    two = ln.note_msg(
        "temporary rate ended 2024-04-22; rate before this note not stated in the text"
    )
    assert isinstance(two, Msg) and two.key == JOIN
    assert tr(two, "es") == (
        "la tasa temporal concluyó el 2024-04-22; el texto no indica la tasa anterior a esta nota"
    )
    assert ln.note_msg("") == ""


def test_the_book_gives_messages_and_its_warnings_read_in_spanish() -> None:
    book = load_tariff_book()
    frac = book.get("7318.15.99")
    temporary = [p for p in frac.igi_history if "temporary" in p.source]
    assert temporary and all(isinstance(p.source, Msg) for p in temporary)
    at = book.import_rate_at("7318.15.99", date(2026, 3, 1))
    spanish = [str(tr(w, "es")) for w in at.warnings]
    assert any(
        w.startswith("tasa temporal establecida por DOF 22-04-2024 (temporal), vigente hasta el "
                     "2026-04-22 (fin de vigencia calculado")
        for w in spanish
    ), spanish  # fmt: skip
    assert [str(tr(w, "en")) for w in at.warnings] == list(at.warnings)
    bread = book.import_rate_at("1905.40.01", date(2023, 6, 1))
    assert "acotación: “Únicamente pan de caja” (la tasa aplica solo a esas mercancías)" in [
        str(tr(w, "es")) for w in bread.warnings
    ]
    early = book.import_rate_at("0101.21.01", date(2022, 8, 1))
    assert any(str(tr(w, "es")).startswith("la LIGIE 2022 (DOF 07-06-2022) entró en vigor")
               for w in early.warnings)  # fmt: skip


def test_tariff_show_in_spanish_shows_the_spanish_source_and_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("IMMEX_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    es = runner.invoke(
        app, ["--lang", "es", "tariff", "show", "7318.15.99", "--as-of", "2025-06-01"]
    )
    assert es.exit_code == 0, es.output
    assert "DOF 22-04-2024 (temporal)" in es.output and "(temporary)" not in es.output
    assert "de dónde provienen las fechas de cada periodo:" in es.output
    assert "fin de vigencia calculado conforme a: “Su vigencia es de dos años" in es.output
    assert "end computed from" not in es.output
    en = runner.invoke(
        app, ["--lang", "en", "tariff", "show", "7318.15.99", "--as-of", "2025-06-01"]
    )
    assert en.exit_code == 0, en.output
    assert "DOF 22-04-2024 (temporary)" in en.output
    assert "end computed from: Su vigencia es de dos años" in en.output


def _page_text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_reference_fraction_page_shows_the_spanish_source_and_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("IMMEX_DB", raising=False)
    client = TestClient(create_app(None))
    es = _page_text(client.get("/fraccion/1905.40.01", params={"as_of": "2023-06-01"}).text)
    assert "DOF 06-01-2023 (temporal)" in es and "(temporary)" not in es
    assert "acotación: “Únicamente pan de caja” (la tasa aplica solo a esas mercancías)" in es
    en = client.get("/fraccion/1905.40.01", params={"as_of": "2023-06-01", "lang": "en"}).text
    assert "(the rate applies only to those goods)" in _page_text(en)


def test_the_company_tariff_page_shows_the_spanish_source_and_note(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = create_workspace(url, actor="installer")
    add_company(ws, "EKU9003173C9", "Planta de prueba")
    users.add_user(
        ws, "spec@example.com", "specialist", ["EKU9003173C9"], password="correct horse battery"
    )
    ws.store.dispose()
    clock = lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # noqa: E731
    with TestClient(create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE))) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        client.post(
            "/login",
            data={"email": "spec@example.com", "password": "correct horse battery",
                  "csrf_token": token.group(1)},
            follow_redirects=False,
        )  # fmt: skip
        es = client.get("/tariff/7318.15.99", params={"as_of": "2025-06-01"})
        en = client.get("/tariff/7318.15.99", params={"as_of": "2025-06-01", "lang": "en"})
        client.get("/tariff", params={"lang": "es"})
    assert es.status_code == 200
    history = _page_text(es.text.split('id="history"')[1].split("</table>")[0])
    assert "DOF 15-08-2023 (temporal)" in history and "DOF 22-04-2024 (temporal)" in history
    assert "fin de vigencia calculado conforme a: “Su vigencia es de dos años" in history
    assert "temporary" not in history and "computed" not in history
    en_history = _page_text(en.text.split('id="history"')[1].split("</table>")[0])
    assert "DOF 22-04-2024 (temporary)" in en_history
    assert "end computed from: Su vigencia" in en_history
