"""The message catalog: every text a person reads, in Spanish (default) and English.

The catalog is gettext: ``immex/reports/locale/<lang>/LC_MESSAGES/immex.po``, one per
language, read at run time with Babel's ``read_po`` (no compile step). A message's
``msgid`` is its stable key (``report.title``, ``f4.change_date``); its ``msgstr`` the text,
with named fields (``{day}``). Messages of the core (:class:`immex.domain.messages.Msg`) are
translated here by key and fields — never by matching sentences. Legal terms (IGI, DTA,
pedimento, LA 109, RGCE …) stay Spanish in both languages.

``python -m immex.reports.i18n`` adds to both files every key the code declares and the
catalog lacks (msgstr empty: a test fails until someone translates it).

A message about a count (a plural :class:`~immex.domain.messages.Template`) is a gettext
plural entry: ``msgid``/``msgid_plural`` its key, one ``msgstr[i]`` per form of the
language's ``Plural-Forms`` header (Spanish and English: ``nplurals=2; plural=(n != 1)``,
digits are written, never "un millón de"); the form is chosen by the header's rule, compiled
by :func:`gettext.c2py`, from the count field of the message.
"""

from __future__ import annotations

import gettext
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import immex
from immex.domain.errors import ErrorRecord, InvalidInput
from immex.domain.messages import JOIN, PLURALS, TEMPLATES, Msg, Template, count_of
from immex.domain.rule_cite import show_citations

LANGS = ("es", "en")
DEFAULT_LANG = "es"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "immex"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


@cache
def _entries(lang: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]], Callable[[int], int]]:
    """The texts of ``lang``'s catalog, its plural entries (every form translated) and its
    plural rule (form index of a count)."""
    read = _read(lang)
    single: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for m in read:
        if not m.id:
            continue
        if m.pluralizable and isinstance(m.string, (tuple, list)):
            forms = tuple(str(f) for f in m.string)
            if len(forms) == read.num_plurals and all(forms):
                plural[str(m.id[0])] = forms
        elif m.string:
            single[str(m.id)] = str(m.string)
    return single, plural, gettext.c2py(read.plural_expr)


@cache
def catalog(lang: str) -> dict[str, str]:
    """``key → text`` of ``lang`` (messages without a translation are left out; a plural
    message by its first form, the singular: :func:`plural_forms` has them all)."""
    single, plural, _rule = _entries(lang)
    return {**single, **{key: forms[0] for key, forms in plural.items()}}


def plural_forms(lang: str) -> dict[str, tuple[str, ...]]:
    """``key → forms`` of the plural messages of ``lang`` (those with every form translated)."""
    return _entries(lang)[1]


def plural_index(lang: str, count: object) -> int:
    """The form of ``lang`` a count takes (its catalog's ``Plural-Forms`` rule)."""
    return int(_entries(lang)[2](count_of(count)))


def _plural_text(key: str, lang: str, count: object) -> str | None:
    forms = plural_forms(lang).get(key)
    if forms is None:
        return None
    return forms[min(plural_index(lang, count), len(forms) - 1)]


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (Spanish when missing, then the key itself),
    formatted with ``fmt`` (a plural message in the form of its count field)."""
    if key in PLURALS and PLURALS[key][2] in fmt:
        count = fmt[PLURALS[key][2]]
        text = _plural_text(key, lang, count) or _plural_text(key, DEFAULT_LANG, count)
    else:
        text = catalog(lang).get(key) or catalog(DEFAULT_LANG).get(key)
    if text is None:
        return key
    return text.format(**fmt) if fmt else text


def tr(text: Any, lang: str = DEFAULT_LANG) -> Any:
    """A message of the core in ``lang`` (its fields translated too; a plural message in
    the form its count takes in ``lang``); anything else as it is (numbers, codes, a
    user's own text). The rules a message or a text of the code cites ("RULES C-3",
    "(RULES P-3, P-6)") read as the rule book renders a citation in ``lang`` ("regla C-3",
    "reglas P-3 y P-6": :func:`immex.domain.rule_cite.show_citations`)."""
    if not isinstance(text, Msg):
        # a text of the code or the bundled data that cites a rule ("… (RULES C-4)", a
        # trace's reference) reads as the rule book renders a citation; anything else as is
        if isinstance(text, str) and "RULES" in text:
            return show_citations(text, lambda m: str(tr(m, lang)))
        return text
    fields = {k: tr(v, lang) for k, v in text.params.items()}
    if text.key == JOIN:
        sep = str(fields.pop("sep"))
        shown = sep.join(str(fields[f"p{i}"]) for i in range(len(fields)))
    else:
        counted = getattr(text, "counted", None)  # a Msg unpickled from before plurals: none
        if counted is not None:
            template = _plural_text(text.key, lang, text.params[counted]) or text.english
        else:
            template = catalog(lang).get(text.key) or text.english
        shown = template.format(**fields)
    # a rule cited as "RULES C-3" reads "regla C-3" / "rule C-3" (the rule book renders it)
    return show_citations(shown, lambda m: str(tr(m, lang))) if "RULES" in shown else shown


BAD_LANG = Template("lang.bad", "--lang must be one of {langs}, not {lang}")

#: the language chosen for this run (``immex --lang``), read before ``IMMEX_LANG``; a context
#: variable, never the process environment: one in-process command does not choose the
#: language of the next
_RUN_LANG: ContextVar[str | None] = ContextVar("immex_run_lang", default=None)


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise InvalidInput(BAD_LANG(langs=", ".join(LANGS), lang=repr(lang)), field="lang")
    return lang


def default_lang() -> str:
    """The language of a run: the one chosen with :func:`set_lang` (``--lang``), else
    ``IMMEX_LANG`` (es or en), Spanish when neither says."""
    chosen = _RUN_LANG.get()
    if chosen:
        return chosen
    return check_lang(os.environ.get("IMMEX_LANG", "").strip().lower() or DEFAULT_LANG)


def set_lang(lang: str | None) -> Token[str | None]:
    """Choose the language of this run (``None``: back to ``IMMEX_LANG``); returns the token
    that :func:`reset_lang` takes to undo it."""
    return _RUN_LANG.set(check_lang(lang.strip().lower()) if lang else None)


def reset_lang(token: Token[str | None]) -> None:
    try:
        _RUN_LANG.reset(token)
    except ValueError:  # set in another context: that context's choice ends with it
        _RUN_LANG.set(None)


@contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Within the block, ``default_lang()`` is ``lang`` (or what it was, when ``None``)."""
    token = set_lang(lang)
    try:
        yield default_lang()
    finally:
        reset_lang(token)


GOT_VALUE = Template("cli.error.got", "(got {value})")


def record_text(record: ErrorRecord, lang: str | None = None) -> str:
    """One error of a batch as a person reads it, in ``lang`` (the run's by default):
    ``file:line: column: message (got 'value')``."""
    lang = lang or default_lang()
    where = record.source if record.line is None else f"{record.source}:{record.line}"
    col = f" {record.field}:" if record.field else ""
    val = (
        " " + str(tr(GOT_VALUE(value=repr(record.value)), lang))
        if record.value not in (None, "")
        else ""
    )
    return f"{where}:{col} {tr(record.message, lang)}{val}"


def keys() -> list[str]:
    return sorted(set(catalog("es")) | set(catalog("en")))


def missing(lang: str) -> list[str]:
    """Keys without a translation in ``lang``: those of the other language and every
    message the code declares (a test keeps this empty)."""
    have = catalog(lang)
    forms = plural_forms(lang)
    wanted = set(keys()) | set(TEMPLATES)
    return sorted(k for k in wanted if k not in (forms if k in PLURALS else have))


def sync() -> dict[str, int]:
    """Add every declared key a catalog lacks (empty msgstr for Spanish, the English text
    for English), keeping the files' order and comments; a message declared plural that the
    catalog holds as a single text becomes a plural entry (its text kept as the first form);
    returns how many were added."""
    added = {}
    for lang in LANGS:
        cat = _read(lang)
        n = 0
        for key in sorted(set(TEMPLATES) | set(keys())):
            if key in PLURALS:
                n += _sync_plural(cat, key, lang)
            elif key not in cat:
                cat.add(key, TEMPLATES.get(key, "") if lang == "en" else "")
                n += 1
        with po_path(lang).open("wb") as fh:
            write_po(fh, cat, width=100, omit_header=False, sort_output=False)
        added[lang] = n
    _entries.cache_clear()
    catalog.cache_clear()
    return added


def _sync_plural(cat: Catalog, key: str, lang: str) -> int:
    """The plural entry of ``key`` in ``cat`` (1 when added or made plural)."""
    old = cat.get(key)
    if old is not None and old.pluralizable:
        return 0
    singular, plural, _count = PLURALS[key]
    if lang == "en":
        forms = (singular, *[plural] * (cat.num_plurals - 1))
    else:
        kept = str(old.string) if old is not None and old.string else ""
        forms = (kept, *[""] * (cat.num_plurals - 1))
    if old is None:
        cat.add((key, key), forms)
    else:  # in its place: the file's order stays
        old.id = (key, key)
        old.string = forms
    return 1


def declare_all() -> None:
    """Import every module of immex, so that every message it declares is known."""
    for info in pkgutil.walk_packages(immex.__path__, "immex."):
        if ".migrations" not in info.name:
            importlib.import_module(info.name)


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    declare_all()
    print(sync(), file=sys.stderr)
