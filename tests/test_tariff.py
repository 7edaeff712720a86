"""Tariff look-up, rate in force on a date, search, and the `immex tariff` CLI."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import DataCoverageError, InvalidFormat, NotFound
from immex.domain.search import SearchIndex, normalize, stem, tokens
from immex.domain.tariff import RateKind
from immex.refdata.tariff_data import TariffBook, load_tariff_book

runner = CliRunner()


@pytest.fixture(scope="module")
def book() -> TariffBook:
    return load_tariff_book()


# --------------------------------------------------------------------------- look-up


@pytest.mark.parametrize("spelling", ["8542.31.03", "85423103", "8542.31.03.01", "8542310399"])
def test_get_accepts_every_spelling(book: TariffBook, spelling: str) -> None:
    assert book.get(spelling).fraccion == "8542.31.03"


def test_get_errors(book: TariffBook) -> None:
    with pytest.raises(InvalidFormat):
        book.get("8542.31")
    with pytest.raises(NotFound):
        book.get("8542.31.98")
    with pytest.raises(NotFound, match="NICO 55"):
        book.get("8542.31.03.55")


def test_book_basics(book: TariffBook) -> None:
    assert len(book) > 8000
    assert "8517.13.01" in book and "85171301" in book and "0000.00.00" not in book
    assert sum(1 for _ in book) == len(book)
    frac = book.get("8542.31.03")
    assert frac.heading == "8542"
    assert frac.heading_description == "Circuitos electrónicos integrados."
    assert frac.subheading == "8542.31"
    assert [n.code for n in frac.nicos] == ["01", "02", "99"]
    assert book.coverage.last_reform == "DOF 21-07-2025"


def test_published_rate_forms(book: TariffBook) -> None:
    ex = book.get("8517.13.01").import_rate
    assert (ex.kind, ex.percent, ex.display) == (RateKind.EXEMPT, Decimal(0), "0")
    adv = book.get("8708.29.99").import_rate
    assert (adv.kind, adv.percent, adv.display) == (RateKind.AD_VALOREM, Decimal(35), "35")
    assert book.get("1211.90.02").import_rate.kind is RateKind.PROHIBITED
    amx = book.get("0402.99.01").import_rate
    assert amx.kind is RateKind.OTHER and amx.display == "AMX (15%+0.36 Dls por Kg de azúcar)"
    assert isinstance(book.get("7308.90.01").import_rate.percent, Decimal)


# --------------------------------------------------------------------------- rate history


@pytest.mark.parametrize(
    ("when", "rate", "source"),
    [
        (date(2023, 6, 1), "5", "LIGIE 2022"),  # before DOF 15-08-2023 (in force 16-08-2023)
        (date(2023, 8, 15), "5", "LIGIE 2022"),
        (date(2023, 8, 16), "10", "DOF 15-08-2023"),  # between the two decrees
        (date(2024, 4, 22), "10", "DOF 15-08-2023"),
        (date(2024, 4, 23), "35", "DOF 22-04-2024"),  # after DOF 22-04-2024 (in force next day)
        (date(2025, 6, 1), "35", "DOF 22-04-2024"),
    ],
)
def test_8708_29_99_history(book: TariffBook, when: date, rate: str, source: str) -> None:
    got = book.import_rate_at("8708.29.99", when)
    assert got.rate.display == rate
    assert got.period is not None and got.period.source.startswith(source)


def test_after_data_as_of_warns(book: TariffBook) -> None:
    got = book.import_rate_at("8708.29.99", date(2026, 2, 1))
    assert got.rate.display == "35"
    assert any("29-12-2025" in w for w in got.warnings)
    assert any("2026-04-22" in w for w in got.warnings)  # computed end of the temporary rate
    # every fraction warns on/after 2026-01-01, even with no history notes
    plain = book.import_rate_at("0101.21.01", date(2026, 1, 1))
    assert any("29-12-2025" in w for w in plain.warnings)
    assert not book.import_rate_at("0101.21.01", date(2025, 12, 31)).warnings


def test_temporary_rate_past_its_end_warns(book: TariffBook) -> None:
    # DOF 06-01-2023 exemption, valid until 31-12-2025 (transitorio Primero as reformed)
    during = book.import_rate_at("0201.10.01", date(2025, 6, 1))
    assert during.rate.display == "0"
    assert during.period and during.period.valid_to == date(2025, 12, 31)
    after = book.import_rate_at("0201.10.01", date(2026, 3, 1))
    assert after.period is None
    assert any("2025-12-31" in w and "not in the bundled data" in w for w in after.warnings)


def test_revoked_and_staged_rates(book: TariffBook) -> None:
    # Modificación DOF 18-11-2022 abrogada por DOF 06-01-2023: 20 restored from 2023-01-07
    assert book.import_rate_at("0103.91.99", date(2022, 12, 20)).rate.display == "0"
    assert book.import_rate_at("0103.91.99", date(2023, 2, 1)).rate.display == "20"
    # DOF 18-11-2022 transitorio Segundo a): 10% from 1 June 2023, until DOF 15-08-2023
    assert book.import_rate_at("7208.10.03", date(2023, 3, 1)).rate.display == "15"
    assert book.import_rate_at("7208.10.03", date(2023, 7, 1)).rate.display == "10"
    assert book.import_rate_at("7208.10.03", date(2023, 9, 1)).rate.display == "25"
    # permanent change DOF 10-11-2025 (in force 11-11-2025): AE duty → 156
    assert book.import_rate_at("1701.12.05", date(2025, 11, 10)).rate.kind is RateKind.OTHER
    assert book.import_rate_at("1701.12.05", date(2025, 11, 11)).rate.display == "156"


def test_acotacion_and_unknown_dates_are_visible(book: TariffBook) -> None:
    got = book.import_rate_at("0703.10.02", date(2024, 1, 1))
    assert any("Únicamente cebolla" in w for w in got.warnings)
    early = book.import_rate_at("8708.29.99", date(2022, 12, 1))
    assert any("LIGIE 2020" in w for w in early.warnings)
    with pytest.raises(DataCoverageError):
        book.import_rate_at("8708.29.99", date(2021, 1, 1))


def test_history_periods_do_not_overlap(book: TariffBook) -> None:
    for frac in book:
        periods = [p for p in frac.igi_history if p.valid_from]
        for a, b in zip(periods, periods[1:], strict=False):
            assert a.valid_to is None or b.valid_from is None or a.valid_to < b.valid_from, frac


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "top", "prefix"),
    [
        ("circuitos integrados", None, "8542."),
        ("telefonos inteligentes", "8517.13.01", None),
        ("TELÉFONOS INTELIGENTES", "8517.13.01", None),
        ("leche condensada", "0402.99.01", None),
        ("tequila", "2208.90.03", None),
        ("aguacates", "0804.40.01", None),
        ("cerveza de malta", "2203.00.01", None),
        ("tornillos", None, "7318."),
        ("lavadoras", None, "8450."),  # everyday word → "máquinas para lavar ropa"
        ("celulares", None, "8517."),
    ],
)
def test_search_ranking(book: TariffBook, query: str, top: str | None, prefix: str | None) -> None:
    results = book.search(query, 5)
    assert results
    if top:
        assert results[0][0].fraccion == top
    if prefix:
        assert results[0][0].fraccion.startswith(prefix), results
        assert sum(f.fraccion.startswith(prefix) for f, _ in results) >= 3, results
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True)


def test_search_by_code_prefix_and_nothing(book: TariffBook) -> None:
    assert [f.fraccion for f, _ in book.search("8542.31", 3)][0] == "8542.31.03"
    assert book.search("zzzzqqq", 5) == []


def test_index_small() -> None:
    idx = SearchIndex([("Motores eléctricos",), ("Bombas para líquidos",), ("Partes de motores",)])
    hits = idx.search("motor electrico", 3)
    assert hits[0].doc == 0 and len(hits) == 2


SPANISH = "abcdefghijklmnopqrstuvwxyzáéíóúüñÁÉÍÓÚÜÑ ,.;()-0123456789"


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@given(st.text(alphabet=SPANISH, max_size=60))
def test_normalize_idempotent_and_accent_blind(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert normalize(_strip_accents(text)) == once
    assert normalize(text.upper()) == once
    assert tokens(text) == tokens(_strip_accents(text).upper())


def test_stemmer() -> None:
    assert [stem(w) for w in ["telefonos", "inteligentes", "motores", "luces", "redes"]] == [
        "telefono",
        "inteligente",
        "motor",
        "luz",
        "red",
    ]


# --------------------------------------------------------------------------- CLI


def test_cli_show_json() -> None:
    res = runner.invoke(app, ["tariff", "show", "87082999", "--as-of", "2024-01-10", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["fraccion"] == "8708.29.99"
    assert data["igi"] == "10" and data["umt"] == "Pza" and data["export_rate"] == "0"
    assert data["description"] == "Los demás."
    assert [p["rate"] for p in data["igi_history"]] == ["5", "10", "35"]
    assert {"valid_from", "valid_to", "rate", "source"} <= set(data["igi_history"][0])
    assert data["as_of"] == "2024-01-10"
    assert isinstance(data["nicos"], list) and isinstance(data["warnings"], list)


def test_cli_show_defaults_to_today_and_says_so() -> None:
    res = runner.invoke(app, ["tariff", "show", "8542.31.03.01", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["igi"] == "0"
    assert any("today" in w for w in data["warnings"])


@pytest.mark.parametrize("code", ["1234", "8542.31.98", "abcd.ef.gh"])
def test_cli_bad_code_exit_2(code: str) -> None:
    res = runner.invoke(app, ["tariff", "show", code])
    assert res.exit_code == 2
    assert "error:" in res.output


def test_cli_search_json_and_text() -> None:
    res = runner.invoke(
        app, ["tariff", "search", "telefonos inteligentes", "--limit", "3", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data) == 3 and data[0]["fraccion"] == "8517.13.01"
    assert set(data[0]) == {"fraccion", "description", "score", "heading", "heading_description",
                            "subheading", "subheading_description", "igi_published"}  # fmt: skip
    res = runner.invoke(app, ["tariff", "search", "circuitos integrados"])
    assert res.exit_code == 0 and "8542" in res.output
    assert runner.invoke(app, ["tariff", "search", "x", "--limit", "0"]).exit_code == 2


def test_cli_show_human() -> None:
    res = runner.invoke(app, ["tariff", "show", "0402.99.01", "--as-of", "2025-01-01"])
    assert res.exit_code == 0, res.output
    assert "AMX" in res.output and "Leche condensada" in res.output


def test_fraction_added_by_a_later_decree(book: TariffBook) -> None:
    # "Fracción adicionada DOF 21-07-2025"; that decree enters into force 180 days after
    # publication (computed: 2026-01-17)
    with pytest.raises(DataCoverageError, match="2026-01-17"):
        book.import_rate_at("0302.89.02", date(2025, 6, 1))
    got = book.import_rate_at("0302.89.02", date(2026, 2, 1))
    assert got.rate.display == "15"
    assert any("computed" in w for w in got.warnings)
    reformed = book.import_rate_at("0302.89.01", date(2025, 6, 1))
    assert any("reformed by DOF 21-07-2025" in w for w in reformed.warnings)


def test_rate_and_duty_check_the_nico_of_a_10_digit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tariff show` rejects an unknown NICO; `rate` and `duty` must not silently drop it."""
    monkeypatch.delenv("IMMEX_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(app, ["rate", "8542.31.03.01", "--origin", "CHN", "--as-of", "2025-06-01"])
    assert ok.exit_code == 0, ok.output
    for args in (
        ["rate", "8542.31.03.77", "--origin", "CHN", "--as-of", "2025-06-01"],
        ["duty", "f4", "--fraccion", "8542310377", "--value-usd", "10", "--entry-date",
         "2025-03-10", "--change-date", "2025-09-15", "--origin", "CHN"],
        ["duty", "63a", "--fraccion", "8542.31.03.77", "--value-usd", "10", "--entry-date",
         "2025-03-10", "--export-date", "2025-09-15", "--origin", "CHN", "--us-duty-usd", "1"],
    ):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "NICO 77 does not exist under 8542.31.03" in result.stderr


def test_show_with_nico_says_which_nico() -> None:
    res = runner.invoke(app, ["tariff", "show", "8542310302", "--as-of", "2025-06-01", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["fraccion"] == "8542.31.03"
    assert doc["nico"]["code"] == "8542.31.03.02"
    assert doc["nico"]["description"] == "Circuitos integrados híbridos"
    plain = runner.invoke(app, ["tariff", "show", "8542.31.03", "--as-of", "2025-06-01", "--json"])
    assert json.loads(plain.stdout)["nico"] is None
    text = runner.invoke(app, ["tariff", "show", "8542.31.03.02", "--as-of", "2025-06-01"])
    assert "NICO 8542.31.03.02: Circuitos integrados híbridos" in text.stdout
