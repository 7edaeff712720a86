"""The message catalog (gettext .po files read with Babel): complete in Spanish and English,
and the core's messages shown in the reader's language by key and fields."""

from __future__ import annotations

import re
from datetime import date

import pytest

from immex.domain.messages import TEMPLATES, Msg, Template, joined
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
    assert isinstance(back, Msg) and back.key == note.key and i18n.tr(back, "es") == i18n.tr(
        note, "es"
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
