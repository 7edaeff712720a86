"""The message catalog (gettext .po files read with Babel): complete in Spanish and English,
and the core's messages shown in the reader's language by key and fields."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from immex.domain.messages import PLURALS, TEMPLATES, Msg, Template, joined
from immex.reports import i18n

i18n.declare_all()  # every module imported: every message the code declares is known


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_message_has_a_translation(lang: str) -> None:
    assert TEMPLATES  # the core declares its messages
    assert i18n.missing(lang) == []


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_english_catalog_matches_the_code_and_fields_agree(key: str) -> None:
    assert i18n.catalog("en")[key] == TEMPLATES[key]
    fields = set(re.findall(r"{(\w+)", TEMPLATES[key]))
    assert set(re.findall(r"{(\w+)", i18n.catalog("es")[key])) == fields


def test_a_core_message_is_its_english_text_and_translates_by_key() -> None:
    note = Template("note.f4_change_date", "change date {day}")(day=date(2026, 2, 27))
    assert isinstance(note, Msg) and note == "change date 2026-02-27"
    assert i18n.tr(note, "es") == "fecha del cambio de régimen 2026-02-27"
    assert i18n.tr(note, "en") == "change date 2026-02-27"
    both = joined([note, "CFF 20"])
    assert both == "change date 2026-02-27; CFF 20"
    assert i18n.tr(both, "es") == "fecha del cambio de régimen 2026-02-27; CFF 20"
    assert i18n.tr("a user's own text", "es") == "a user's own text"


def test_a_message_survives_pickling() -> None:
    import pickle

    note = Template("note.f4_change_date", "change date {day}")(day="2026-02-27")
    back = pickle.loads(pickle.dumps(note))
    assert (
        isinstance(back, Msg)
        and back.key == note.key
        and i18n.tr(back, "es") == i18n.tr(note, "es")
    )


def test_one_key_one_text() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Template("note.f4_change_date", "another text")


def test_immex_lang_chooses_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMEX_LANG", "en")
    assert i18n.default_lang() == "en"
    monkeypatch.delenv("IMMEX_LANG")
    assert i18n.default_lang() == "es"
    monkeypatch.setenv("IMMEX_LANG", "fr")
    with pytest.raises(Exception, match="must be one of es, en"):
        i18n.default_lang()


#: English words that are not Spanish words: two of them in one text make it English
ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "is",
        "are",
        "not",
        "with",
        "for",
        "from",
        "on",
        "in",
        "to",
        "be",
        "by",
        "was",
        "were",
        "which",
        "its",
        "it",
        "this",
        "that",
        "any",
        "each",
        "than",
        "without",
        "into",
        "loaded",
        "must",
        "given",
        "pass",
        "owed",
        "paid",
        "published",
        "only",
        "when",
        "after",
        "before",
        "or",
        "reformed",
        "paragraph",
        "last",
    ]
)


def english_sentences(texts: list[str]) -> list[str]:
    """The texts that read as English (two English function words, quotes and `commands`
    left out) — reference data included: its texts are translated by key too."""
    found = []
    for text in texts:
        bare = re.sub(r"'[^']*'|`[^`]*`|\"[^\"]*\"", "", text)
        words = [w for w in re.findall(r"[A-Za-z]+", bare) if w.lower() in ENGLISH_WORDS]
        if len(words) >= 2:
            found.append(text)
    return found


def test_the_demo_spanish_workbook_and_pdf_have_no_english_sentence() -> None:
    from openpyxl import load_workbook

    from immex.reports.xlsx import sheet_title
    from tests.support_demo import demo_run

    pypdf = pytest.importorskip("pypdf")
    s = demo_run()
    wb = load_workbook(s.reports["xlsx"], read_only=True)
    rules_sheet = sheet_title(i18n.t("sec.rules", "es"))
    assert rules_sheet in wb.sheetnames  # the appendix: the rule book, translated, checked too
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert len(cells) > 10_000  # the traces are there
    assert english_sentences(cells) == []
    pages = [p.extract_text() for p in pypdf.PdfReader(str(s.reports["pdf"])).pages]
    lines = [ln for p in pages for ln in p.splitlines()]
    assert english_sentences(lines) == []
    html = Path(s.reports["html"]).read_text(encoding="utf-8")
    assert 'id="rules"' in html
    html = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", html, flags=re.S)
    assert english_sentences(re.findall(r">([^<>]{20,})<", html)) == []


def test_the_check_finds_english() -> None:
    assert english_sentences(["not yet in force (in force from 2026-04-24)"])
    assert not english_sentences(["aún no está en vigor (en vigor a partir del 2026-04-24)"])


# ------------------------------------------------------------------------------ plurals


@pytest.mark.parametrize("key", sorted(PLURALS))
def test_every_plural_has_all_its_forms_and_their_fields_agree(key: str) -> None:
    singular, plural, _count = PLURALS[key]
    fields = set(re.findall(r"{(\w+)", singular + plural))
    assert i18n.plural_forms("en")[key] == (singular, plural)
    for lang in i18n.LANGS:
        forms = i18n.plural_forms(lang)[key]
        assert len(forms) == i18n._read(lang).num_plurals == 2  # Plural-Forms: nplurals=2
        for form in forms:
            assert form and set(re.findall(r"{(\w+)", form)) == fields, (lang, form)


def test_the_form_follows_the_count_in_each_language() -> None:
    rows = Template("import.rows", "{n} row", "{n} rows")  # declared by the importers
    shown = {(n, lang): i18n.tr(rows(n=n), lang) for n in (0, 1, 2) for lang in i18n.LANGS}
    assert shown == {
        (0, "es"): "0 filas", (1, "es"): "1 fila", (2, "es"): "2 filas",
        (0, "en"): "0 rows", (1, "en"): "1 row", (2, "en"): "2 rows",
    }  # fmt: skip
    assert rows(n=1) == "1 row" and rows(n=0) == "0 rows"  # the Msg is its English text
    assert i18n.tr(rows(n="1,250"), "es") == "1,250 filas"  # a count written with its commas
    assert i18n.t("import.rows", "es", n=1) == "1 fila"
    assert i18n.t("import.rows", "en", n=21) == "21 rows"
    assert [i18n.plural_index("es", n) for n in (0, 1, 2, 1_000_000)] == [1, 0, 1, 1]


def test_a_plural_message_survives_pickling_and_is_declared_once() -> None:
    import pickle

    rows = Template("import.rows", "{n} row", "{n} rows")
    back = pickle.loads(pickle.dumps(rows(n=1)))
    assert isinstance(back, Msg) and i18n.tr(back, "es") == "1 fila"
    with pytest.raises(ValueError, match="declared twice"):
        Template("import.rows", "{n} row", "{n} lines")
    with pytest.raises(ValueError, match="declared twice"):
        Template("import.rows", "{n} row")  # the same key without its plural


def test_a_plural_with_an_empty_form_is_missing_and_sync_makes_a_text_plural(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from babel.messages.pofile import write_po

    for lang in i18n.LANGS:
        shutil.copytree(i18n.LOCALE_DIR / lang, tmp_path / lang)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    try:
        cat = i18n._read("es")
        cat["import.rows"].string = ("{n} fila", "")  # the plural form not translated
        cat.delete("import.rows_new")
        cat.add("import.rows_new", "{n} nuevas")  # a single text where a plural is declared
        with i18n.po_path("es").open("wb") as fh:
            write_po(fh, cat, width=100, omit_header=False, sort_output=False)
        i18n._entries.cache_clear()
        i18n.catalog.cache_clear()
        assert {"import.rows", "import.rows_new"} <= set(i18n.missing("es"))
        assert i18n.tr(Template("import.rows", "{n} row", "{n} rows")(n=2), "es") == "2 rows"
        assert i18n.sync()["es"] >= 1
        entry = i18n._read("es")["import.rows_new"]
        assert entry.pluralizable and tuple(entry.string) == ("{n} nuevas", "")
    finally:
        monkeypatch.undo()
        i18n._entries.cache_clear()
        i18n.catalog.cache_clear()
    assert i18n.missing("es") == []


#: msgstr allowed to keep an "(s)" / "(es)" / "(n)" (key → why); none so far
PAREN_PLURAL_ALLOWED: dict[str, str] = {}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_text_writes_a_plural_as_s_in_parentheses(lang: str) -> None:
    """A count chooses its form (plural Templates); no "row(s)", "sector(es)", "falta(n)"."""
    texts = [(k, v) for k, v in i18n.catalog(lang).items()]
    texts += [(k, form) for k, forms in i18n.plural_forms(lang).items() for form in forms]
    found = sorted(
        {k for k, v in texts if re.search(r"\w\((?:s|es|n)\)", v)} - set(PAREN_PLURAL_ALLOWED)
    )
    assert found == []


def test_a_sentence_of_counts_takes_each_count_in_its_form() -> None:
    from immex.services.refdata.status import N_ROWS, N_SECTORS, PROSEC_ROWS

    one = PROSEC_ROWS(rows=N_ROWS(n=1), sectors=N_SECTORS(n=1))
    many = PROSEC_ROWS(rows=N_ROWS(n=12), sectors=N_SECTORS(n=3))
    assert (one, many) == ("1 row in 1 sector", "12 rows in 3 sectors")
    assert i18n.tr(one, "es") == "1 fila en 1 sector"
    assert i18n.tr(many, "es") == "12 filas en 3 sectores"
