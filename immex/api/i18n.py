"""Strings of the web pages, Spanish first; how a value reads in a table cell."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from immex.domain.messages import Template
from immex.reports.i18n import tr

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
    return tr(value, lang)


@pass_context
def cell_filter(ctx: Context, value: Any) -> Any:
    """``{{ value|cell }}`` in the page's language (the template's ``lang``)."""
    return cell(value, str(ctx.get("lang") or "es"))


MESSAGES: dict[str, dict[str, str]] = {
    "es": {
        "title": "immex — consulta arancelaria",
        "search": "Buscar fracción",
        "search_placeholder": "p. ej. circuitos integrados",
        "go": "Buscar",
        "fraccion": "Fracción",
        "description": "Descripción",
        "score": "Relevancia",
        "igi": "IGI vigente",
        "as_of": "Fecha",
        "umt": "UMT",
        "history": "Historial de aranceles",
        "valid_from": "Desde",
        "valid_to": "Hasta",
        "rate": "Tasa",
        "source": "Fuente",
        "nicos": "NICO",
        "warnings": "Advertencias",
        "error": "Error",
        "no_results": "Sin resultados.",
        "heading": "Partida",
        "subheading": "Subpartida",
        "best_rate": "Mejor tasa",
        "origin": "Origen (ISO-3)",
        "prosec": "Sectores PROSEC (separados por coma)",
        "program": "Programa",
        "eligible": "Elegible",
        "reason": "Motivo",
        "chosen": "Elegida",
        "lang_other": "English",
        "data_note": "Datos de referencia: LIGIE (texto vigente, última reforma DOF 21-07-2025).",
    },
    "en": {
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
    },
}


def messages(lang: str) -> dict[str, str]:
    return MESSAGES.get(lang, MESSAGES["es"])
