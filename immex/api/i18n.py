"""The words of the web pages, through the one message catalog (``immex/reports/locale``:
Spanish first, English), and how a value reads in a table cell."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from immex.domain.messages import Template
from immex.reports.i18n import catalog, tr

YES = Template("web.yes", "Yes")
NO = Template("web.no", "No")
#: what an empty cell shows (never "None")
EMPTY = "—"


def cell(value: Any, lang: str) -> Any:
    """A value as a table cell reads it in ``lang``: yes/no for a flag (Sí/No), "—" for
    nothing, a catalog message in the page's language; anything else as it is — never the
    words None, True or False."""
    if value is None or value == "":
        return EMPTY
    if value is True:
        return tr(YES(), lang)
    if value is False:
        return tr(NO(), lang)
    if isinstance(value, Mapping):  # e.g. an audit entry's totals: "key value, key value"
        return ", ".join(f"{k} {cell(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(cell(v, lang)) for v in value)
    return tr(value, lang)


def in_lang(body: Any, lang: str) -> Any:
    """A JSON-ready answer with every catalog message in it (a result's message, its
    warnings) in ``lang``; keys, numbers and the user's own texts as they are."""
    if isinstance(body, dict):
        return {k: in_lang(v, lang) for k, v in body.items()}
    if isinstance(body, list):
        return [in_lang(v, lang) for v in body]
    if isinstance(body, str):
        return str(tr(body, lang))
    return body


@pass_context
def cell_filter(ctx: Context, value: Any) -> Any:
    """``{{ value|cell }}`` in the page's language (the template's ``lang``)."""
    return cell(value, str(ctx.get("lang") or "es"))


ENGLISH: dict[str, str] = {
    "title": "immex — tariff look-up",
    "search": "Search a tariff fraction",
    "search_placeholder": "e.g. circuitos integrados (Spanish text)",
    "go": "Search",
    "fraccion": "Fraction",
    "description": "Description",
    "score": "Score",
    "igi": "Import duty in force",
    "as_of": "Date",
    "umt": "Unit (UMT)",
    "history": "Rate history",
    "valid_from": "From",
    "valid_to": "To",
    "rate": "Rate",
    "source": "Source",
    "nicos": "NICO",
    "warnings": "Warnings",
    "error": "Error",
    "no_results": "No results.",
    "heading": "Heading",
    "subheading": "Subheading",
    "best_rate": "Best rate",
    "origin": "Origin (ISO-3)",
    "prosec": "PROSEC sectors (comma-separated)",
    "program": "Program",
    "eligible": "Eligible",
    "reason": "Reason",
    "chosen": "Chosen",
    "lang_other": "Español",
    "data_note": "Reference data: LIGIE (consolidated text, last reform DOF 21-07-2025).",
}


def keyed_words(prefix: str, english: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """Declare ``prefix.KEY`` with its English text for every word (the catalog holds every
    language; a test fails when one lacks a translation) and return ``words(lang)``."""
    templates = {key: Template(f"{prefix}.{key}", text) for key, text in english.items()}
    #: per language: the catalog read (its identity) and the words made from it
    made: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def words(lang: str) -> dict[str, str]:
        chosen = "en" if lang == "en" else "es"
        read = catalog(chosen)
        if chosen not in made or made[chosen][0] is not read:  # the catalog was re-read
            made[chosen] = (read, {key: str(tr(tpl(), chosen)) for key, tpl in templates.items()})
        return dict(made[chosen][1])

    return words


#: the reference pages' words (``/fraccion``; catalog keys ``web.ref.*``)
messages = keyed_words("web.ref", ENGLISH)
