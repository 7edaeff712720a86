"""Header names: the canonical column names of each importer and the Spanish (and English)
names a Mexican ERP or Excel export uses for them.

A header cell is compared by its *key*: accents and case dropped, every run of other
characters a word break, the little words (``de``, ``del``, ``la``, ``en`` …) left out and
the abbreviations of *número* (``No.``, ``Núm.``, ``Nº``, ``N°``) read as one word — so
``No. de Parte``, ``Número de parte`` and ``numero_parte`` are the same column. The aliases
are documented in ``docs/FILES.md`` (generated from :data:`ALIASES`; a test keeps it current).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from immex.domain.errors import ErrorRecord
from immex.domain.messages import Template

SAME_COLUMN = Template(
    "file.same_column",
    "columns {value} ({value2}) and {value3} ({text}) both mean {canonical}: keep one of them",
)


_WORD = re.compile(r"[a-z0-9]+")
_LITTLE = frozenset({"de", "del", "la", "el", "los", "las", "en", "y", "of", "the", "a"})
_NUMBER = frozenset({"no", "num", "nro", "n", "numero", "number", "nbr", "nr"})


def normalize_header(text: str) -> str:
    """A header cell as a plain name: ``"Fracción Arancelaria"`` → ``fraccion_arancelaria``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return "_".join(_WORD.findall(plain.lower()))


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """The comparison key of a header name (see the module text)."""
    words = []
    for word in normalize_header(text).split("_"):
        if word in _LITTLE:
            continue
        words.append("numero" if word in _NUMBER else word)
    return "_".join(words)


# Aliases shared by every importer whose column has that canonical name.
_PART = ("número de parte", "no. de parte", "núm. parte", "parte", "part no", "código de parte")
_FRACCION = ("fracción", "fracción arancelaria", "fracc.", "fracción LIGIE", "fracción TIGIE")
_FROM = ("vigencia desde", "válido desde", "fecha inicio vigencia", "inicio de vigencia", "desde")
_TO = ("vigencia hasta", "válido hasta", "fecha fin vigencia", "fin de vigencia", "hasta")
_SOURCE = ("fuente", "referencia", "publicación", "DOF")
COMMON: dict[str, tuple[str, ...]] = {
    "part_number": _PART,
    "description": ("descripción", "descripción del material", "descripción de la mercancía"),
    "fraccion": _FRACCION,
    "umc": ("unidad", "unidad de medida", "unidad de medida comercial", "UM", "UOM"),
    "quantity": ("cantidad", "cantidad UMC", "cant."),
    "value_usd": ("valor USD", "valor en dólares", "valor dólares", "valor dls", "importe USD"),
    "origin": ("país de origen", "país origen", "origen", "country of origin"),
    "destination": ("destino", "país de destino", "país destino"),
    "valid_from": _FROM,
    "valid_to": _TO,
    "source": _SOURCE,
    "rate": ("tasa", "arancel", "tasa arancelaria"),
}

#: importer → canonical column → the other names accepted for it (shown to people as is)
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "materials": {"kind": ("tipo", "tipo de material")},
    "products": {},
    "bom": {
        "product": ("producto", "producto terminado", "número de parte producto"),
        "component": ("componente", "material", "insumo", "número de parte componente"),
        "qty_per_unit": ("cantidad por unidad", "consumo unitario", "consumo", "factor consumo"),
        "scrap_pct": ("merma", "porcentaje de merma", "% merma", "merma %", "scrap"),
    },
    "pedimentos": {
        "pedimento": ("número de pedimento", "no. pedimento", "pedimento de importación"),
        "clave": ("clave de pedimento", "cve. pedimento", "cve", "clave pedimento"),
        "date": ("fecha", "fecha de entrada", "fecha entrada", "fecha de ingreso", "entry date"),
        "fx": ("tipo de cambio", "T.C."),
        "certificate": ("certificado", "certificado de origen"),
        "start_date": ("fecha de inicio", "inicio de plazo", "fecha inicio plazo"),
    },
    "shipments": {
        "document": ("documento", "número de documento", "folio", "factura"),
        "kind": ("tipo", "tipo de salida"),
        "date": ("fecha", "fecha de salida", "fecha salida", "fecha de embarque", "ship date"),
        "product": ("producto", "producto terminado", "número de parte producto"),
        "pedimento": ("pedimento a descargar", "pedimento de importación", "número de pedimento"),
        "evidence": ("evidencia", "acta", "acta de destrucción", "aviso de destrucción"),
    },
    "prosec": {
        "sector": ("sector PROSEC",),
        "sector_name": ("nombre del sector", "nombre sector"),
        "arancel": ("tasa", "tasa PROSEC", "arancel PROSEC"),
        "vigencia_desde": ("valid from",) + _FROM[1:],
        "vigencia_hasta": ("valid to",) + _TO[1:],
        "acotacion": ("acotaciones",),
        "fuente": ("source", "referencia", "publicación", "DOF"),
    },
    "fta": {
        "agreement": ("tratado", "acuerdo", "TLC"),
        "origin_countries": ("países de origen", "países", "origen"),
        "exceptions": ("excepciones", "excepto"),
    },
    "amendments": {},
    "fix": {
        "tipo_cambio": ("tipo de cambio", "FIX", "SF43718"),
        "determined_on": ("fecha de determinación",),
    },
    "inpc": {
        "year": ("año", "anio"),
        "month": ("mes", "periodo"),
        "valor": ("INPC", "valor del índice"),
        "index": ("índice",),
    },
    "immex-annex": {
        "fraccion": (*_FRACCION, "partida", "capítulo", "fracción, partida o capítulo"),
        "annex": ("anexo", "anexo IMMEX"),
        "confidence": ("confianza",),
        "exceptions": ("excepciones", "excepto"),
        "note": ("nota", "notas", "observaciones"),
    },
    "parameters": {
        "name": ("nombre", "parámetro"),
        "value": ("valor",),
        "confidence": ("confianza",),
        "note": ("nota", "notas", "observaciones"),
    },
}


def aliases_of(importer: str, column: str) -> tuple[str, ...]:
    """The names accepted for ``column`` of ``importer`` besides its canonical name."""
    return ALIASES.get(importer, {}).get(column, COMMON.get(column, ()))


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns an importer reads: ``name`` picks its aliases in :data:`ALIASES`."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    def keys(self) -> dict[str, str]:
        """Header key → canonical column, for every name this layout accepts."""
        return dict(_layout_keys(self))


@lru_cache(maxsize=64)
def _layout_keys(layout: Layout) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for column in layout.columns:
        for name in (column, *aliases_of(layout.name, column)):
            found.setdefault(header_key(name), column)
    return tuple(found.items())


@dataclass(frozen=True, slots=True)
class Header:
    """A header row resolved against a layout."""

    names: list[str]  # per position: the canonical column, or the plain name of another one
    columns: dict[str, int]  # canonical column → position
    renamed: dict[str, str] = field(default_factory=dict)  # cell text → canonical (aliases)
    errors: list[ErrorRecord] = field(default_factory=list)

    def missing(self, required: Sequence[str]) -> list[str]:
        return [c for c in required if c not in self.columns]


def resolve_header(cells: Sequence[str], layout: Layout | None, source: str, line: int) -> Header:
    """Map the header cells to the layout's columns; two cells meaning one column is an error."""
    keys: Mapping[str, str] = layout.keys() if layout is not None else {}
    names: list[str] = []
    columns: dict[str, int] = {}
    renamed: dict[str, str] = {}
    errors: list[ErrorRecord] = []
    for i, cell in enumerate(cells):
        text = str(cell).strip()
        canonical = keys.get(header_key(text)) if text else None
        if canonical is None:
            names.append(normalize_header(text))
            continue
        if canonical in columns:
            errors.append(
                ErrorRecord(
                    source,
                    line,
                    canonical,
                    SAME_COLUMN(
                        value=columns[canonical] + 1,
                        value2=repr(cells[columns[canonical]]),
                        value3=i + 1,
                        text=repr(text),
                        canonical=canonical,
                    ),
                    text,
                )
            )
            names.append(normalize_header(text))
            continue
        columns[canonical] = i
        names.append(canonical)
        if normalize_header(text) != canonical:
            renamed[text] = canonical
    return Header(names, columns, renamed, errors)


#: the importers in the order the alias table shows them, with the command that runs each
COMMANDS = {
    "materials": "immex import materials",
    "products": "immex import products",
    "bom": "immex import bom",
    "pedimentos": "immex import pedimentos",
    "shipments": "immex import shipments",
    "prosec": "immex rates load prosec",
    "fta": "immex rates load fta",
    "amendments": "immex rates load amendments",
    "fix": "immex rates load fix",
    "inpc": "immex rates load inpc",
    "parameters": "immex rates load parameters",
    "immex-annex": "immex rates load immex-annex",
}


def alias_table(layouts: Sequence[Layout]) -> str:
    """The Markdown table of the accepted header names (``docs/FILES.md``)."""
    lines = [
        "| command | column | required | also accepted as |",
        "| --- | --- | --- | --- |",
    ]
    for layout in layouts:
        command = COMMANDS.get(layout.name, layout.name)
        for column in layout.columns:
            also = ", ".join(f"`{a}`" for a in aliases_of(layout.name, column)) or "—"
            need = "yes" if column in layout.required else "no"
            lines.append(f"| `{command}` | `{column}` | {need} | {also} |")
    return "\n".join(lines) + "\n"


def _layout(name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Layout:
    return Layout(name, required, optional)


#: the column layout of every importer (canonical names, as the importers' own tables)
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        _layout("materials", ("part_number", "description", "kind", "fraccion", "umc")),
        _layout("products", ("part_number", "description", "fraccion", "umc")),
        _layout(
            "bom", ("product", "component", "qty_per_unit"), ("scrap_pct", "valid_from", "valid_to")
        ),
        _layout(
            "pedimentos",
            ("pedimento", "clave", "date", "part_number", "quantity", "value_usd", "origin"),
            ("fraccion", "fx", "certificate", "start_date"),
        ),
        _layout(
            "shipments",
            ("document", "kind", "date", "product", "quantity"),
            ("destination", "value_usd", "pedimento", "evidence"),
        ),
        _layout(
            "prosec",
            (
                "sector",
                "sector_name",
                "fraccion",
                "arancel",
                "vigencia_desde",
                "acotacion",
                "fuente",
            ),
            ("vigencia_hasta",),
        ),
        _layout(
            "fta",
            ("agreement", "origin_countries", "fraccion", "rate", "valid_from", "source"),
            ("valid_to", "exceptions"),
        ),
        _layout("amendments", ("fraccion", "rate", "valid_from", "source"), ("valid_to",)),
        # two layouts each (Banxico / INEGI downloads, or immex's): checked by the loader
        _layout("fix", (), ("fecha", "tipo_cambio", "determined_on", "rate")),
        _layout("inpc", (), ("year", "month", "valor", "index")),
        _layout(
            "parameters",
            ("name", "valid_from", "valid_to", "value", "source", "confidence"),
            ("note",),
        ),
        _layout(
            "immex-annex",
            ("fraccion", "annex", "valid_from", "source", "confidence"),
            ("valid_to", "exceptions", "note"),
        ),
    )
}
