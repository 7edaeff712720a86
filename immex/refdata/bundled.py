"""Run-time loaders of the compiled reference tables (``immex/data`` only; cached).

Nothing here reads ``../shared``: the package ships its tables. Public API:

- :func:`load_fx` → :class:`~immex.domain.series.FxSeries`
- :func:`load_inpc` → :class:`~immex.domain.series.InpcSeries`
- :func:`load_parameters` → ``{name: Parameter}``; :func:`param` ``(name, when)`` →
  :class:`~immex.domain.dated.DatedValue` (raises ``ParameterNotInForce``)
- :func:`load_catalogs` → :class:`Catalogs` (units with :meth:`Catalogs.normalize_unit`,
  countries with :meth:`Catalogs.is_country`, customs offices, pedimento keys with
  :meth:`Catalogs.pedimento_key`); module-level shortcuts :func:`normalize_unit`,
  :func:`is_country`, :func:`pedimento_key`
- :func:`load_manifest`, :func:`coverage_warnings` ``(when)``
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from immex.domain.dated import DatedValue, Parameter
from immex.domain.errors import DataCoverageError, InvalidInput, NotFound
from immex.domain.messages import Msg, Template, joined
from immex.domain.money import D
from immex.domain.series import FxSeries, InpcSeries, Month, month_str, previous_month
from immex.refdata.build import AS_OF_LABELS, COVERAGE
from immex.refdata.framework import DATA_DIR

TABLE_MISSING = Template(
    "refdata.table_missing",
    "reference table {name} is missing from {data_dir}; run `immex refdata build`",
)
UNKNOWN_PARAMETER = Template("limits.unknown_parameter", "unknown parameter {name}; known: {items}")
BAD_OPERATION = Template(
    "refdata.bad_operation",
    "operation type must be 1 (import) or 2 (export), not {operation}",
)
UNKNOWN_UNIT = Template(
    "refdata.unknown_unit",
    "unknown unit of measure {text}; expected a SAT UMT code (01 … 22, 99), a name such as "
    "KILO or PIEZA, or a LIGIE abbreviation such as Kg, Pza, L, M2",
)
UNKNOWN_KEY = Template(
    "refdata.unknown_key",
    "unknown pedimento key {code} (RGCE Annex 22 appendix 2: two characters such as IN, AF, "
    "RT, V1, F4)",
)
UNKNOWN_ADUANA = Template("refdata.unknown_aduana", "unknown customs office {code}")


def _path(name: str) -> Path:
    path = DATA_DIR / name
    if not path.is_file():
        raise DataCoverageError(TABLE_MISSING(name=name, data_dir=DATA_DIR))
    return path


def _rows(name: str) -> list[dict[str, str]]:
    with _path(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- series ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_fx() -> FxSeries:
    points = {date.fromisoformat(r["determined_on"]): D(r["rate"]) for r in _rows("fx_fix.csv")}
    return FxSeries(points, source="Banxico FIX USD/MXN (DOF)")


@lru_cache(maxsize=1)
def load_inpc() -> InpcSeries:
    points: dict[Month, Any] = {}
    for r in _rows("inpc.csv"):
        year, month = r["month"].split("-")
        points[(int(year), int(month))] = D(r["index"])
    return InpcSeries(points, source="INEGI INPC general (base 2Q Jul 2018 = 100)")


# --- parameters ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parameters_doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_path("parameters.json").read_text(encoding="utf-8"))
    return data


def source_key(name: str, valid_from: str) -> str:
    """The catalog key of a bundled value's legal source (``refdata.source.<name>.<day>``)."""
    return f"refdata.source.{name}.{valid_from}"


def source_message(name: str, valid_from: str, text: str) -> str:
    """A bundled value's legal source as a message of the catalog: its English is the
    data's own words (the data keeps them; ``immex.services.refdata.source_texts`` declares
    the keys), shown in the reader's language wherever a result cites it."""
    if "{" in text or "}" in text:
        return text
    return Msg(source_key(name, valid_from), text, {})


@lru_cache(maxsize=1)
def load_parameters() -> dict[str, Parameter[Any]]:
    """Every curated parameter by name (values are Decimal, or str for type ``text``)."""
    out: dict[str, Parameter[Any]] = {}
    for name, spec in _parameters_doc()["parameters"].items():
        values = [
            DatedValue(
                valid_from=date.fromisoformat(v["valid_from"]),
                valid_to=date.fromisoformat(v["valid_to"]) if v["valid_to"] else None,
                value=D(v["value"]) if spec["type"] == "decimal" else v["value"],
                source=source_message(name, v["valid_from"], v["source"]),
                confidence=v["confidence"],
                note=v["note"],
            )
            for v in spec["values"]
        ]
        out[name] = Parameter.of(name, spec["description"], spec["unit"], values)
    return out


def param(name: str, when: date) -> DatedValue[Any]:
    """The value of parameter ``name`` in force on ``when``.

    Raises NotFound for an unknown name and ParameterNotInForce outside its dates.
    """
    params = load_parameters()
    if name not in params:
        raise NotFound(
            UNKNOWN_PARAMETER(name=repr(name), items=", ".join(sorted(params))), field="parameter"
        )
    return params[name].at(when)


def load_parameter_observations() -> dict[str, Any]:
    """Amounts observed on real pedimentos (not law), e.g. the DTA fixed fee by year."""
    observations: dict[str, Any] = _parameters_doc().get("observations", {})
    return observations


# --- catalogs --------------------------------------------------------------------------------


def _fold(text: str) -> str:
    from immex.refdata.catalogs import fold

    return fold(text)


@dataclass(frozen=True)
class Unit:
    code: str  # SAT UMT code, the canonical unit ("01" = KILO)
    name: str
    anexo22_name: str


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    groups: str
    saai_fiii: str


@dataclass(frozen=True)
class CustomsOffice:
    code: str
    name: str


@dataclass(frozen=True)
class PedimentoKey:
    code: str
    description: str
    regime: str
    on_import: str  # entry | exit | change_of_regime | none
    on_export: str
    goods: str  # inputs | fixed_assets | any | —
    origin: str  # "immex" (project catalog) or "anexo22" (only in the Annex 22 transcription)
    anexo22_description: str
    note: str

    def ledger_effect(self, operation: int) -> str:
        """Effect on the IMMEX ledger for operation type 1 (import) or 2 (export)."""
        if operation == 1:
            return self.on_import
        if operation == 2:
            return self.on_export
        raise InvalidInput(BAD_OPERATION(operation=repr(operation)))


@dataclass(frozen=True)
class Catalogs:
    units: dict[str, Unit]
    unit_aliases: dict[str, str]  # folded spelling → UMT code
    countries: dict[str, Country]
    customs_offices: dict[str, CustomsOffice]
    customs_sections: dict[str, CustomsOffice]  # 3-digit aduana+sección
    pedimento_keys: dict[str, PedimentoKey]
    regimes: dict[str, str]  # Annex 22 appendix 16 code → description

    def normalize_unit(self, text: str) -> str:
        """The canonical unit (SAT UMT code, e.g. ``"01"``) of any accepted spelling.

        Accepts UMT codes (``01``/``1``), UMT names (``KILO``), Annex 22 UMC codes and names
        and the LIGIE abbreviations (``Kg``, ``Pza``, ``L``, ``M2`` …).
        """
        key = _fold(str(text)).rstrip(".")
        code = self.unit_aliases.get(key)
        if code is None and key.isdigit():
            code = self.unit_aliases.get(str(int(key)))
        if code is None:
            raise InvalidInput(
                UNKNOWN_UNIT(text=repr(text)),
                field="unit",
            )
        return code

    def unit(self, text: str) -> Unit:
        return self.units[self.normalize_unit(text)]

    def is_country(self, iso3: str) -> bool:
        return str(iso3).strip().upper() in self.countries

    def pedimento_key(self, code: str) -> PedimentoKey:
        key = str(code).strip().upper()
        found = self.pedimento_keys.get(key)
        if found is None:
            raise NotFound(
                UNKNOWN_KEY(code=repr(code)),
                field="pedimento_key",
            )
        return found

    def customs_office(self, code: str) -> CustomsOffice:
        text = str(code).strip()
        found = self.customs_sections.get(text) if len(text) == 3 else None
        found = found or self.customs_offices.get(text.zfill(2)[:2] if len(text) <= 2 else text)
        if found is None:
            raise NotFound(UNKNOWN_ADUANA(code=repr(code)), field="aduana")
        return found


@lru_cache(maxsize=1)
def load_catalogs() -> Catalogs:
    units = {r["code"]: Unit(r["code"], r["name"], r["anexo22_name"]) for r in _rows("units.csv")}
    aliases = {r["alias"]: r["code"] for r in _rows("unit_aliases.csv")}
    countries = {
        r["iso3"]: Country(r["iso3"], r["name"], r["groups"], r["saai_fiii"])
        for r in _rows("countries.csv")
    }
    offices = {r["code"]: CustomsOffice(r["code"], r["name"]) for r in _rows("customs_offices.csv")}
    sections = {
        r["code"]: CustomsOffice(r["code"], r["name"]) for r in _rows("customs_sections.csv")
    }
    keys = {
        r["code"]: PedimentoKey(
            r["code"],
            r["description"],
            r["regime"],
            r["on_import"],
            r["on_export"],
            r["goods"],
            r["origin"],
            r["anexo22_description"],
            r["note"],
        )
        for r in _rows("pedimento_keys.csv")
    }
    regimes = {r["code"]: r["description"] for r in _rows("regimes.csv")}
    return Catalogs(units, aliases, countries, offices, sections, keys, regimes)


def normalize_unit(text: str) -> str:
    return load_catalogs().normalize_unit(text)


#: the header of a column of units next to a quantity (CLI and web; the reports' is col.umc)
UMC_HEADER = Template("unit.col.umc", "UMC")
#: the order an abbreviation of the LIGIE is preferred in, by its basis (unit_aliases.csv)
_ABBREVIATION_BASES = (
    "ligie_abbreviation (regla 5ª)",
    "ligie_abbreviation (tarifa)",
    "ligie_abbreviation (assumed)",
)


@lru_cache(maxsize=1)
def unit_symbols() -> dict[str, str]:
    """SAT unit code → how a quantity's unit is shown next to it: the abbreviation of the
    LIGIE (complementary rule 5ª: ``KG``, ``PZA``, ``M2``, ``L``), else the unit's name in
    SAT's catalog (``GRAMO NETO``, ``DECENAS``). SAT names and LIGIE abbreviations are
    Spanish only, the same in every language of the reader (an official code, like the
    fracción)."""
    rank = {basis: i for i, basis in enumerate(_ABBREVIATION_BASES)}
    best: dict[str, tuple[int, str]] = {}
    for r in _rows("unit_aliases.csv"):
        if r["kind"] in rank:
            found = (rank[r["kind"]], r["alias"])
            best[r["code"]] = min(best.get(r["code"], found), found)
    names = {code: u.name for code, u in load_catalogs().units.items()}
    return {code: best[code][1] if code in best else name for code, name in names.items()}


def unit_symbol(unit: str | None) -> str:
    """The unit of a quantity as a reader sees it (:func:`unit_symbols`) from its stored code
    (``"06"`` → ``PZA``) or any accepted spelling; a text the catalog does not know as it
    is, and ``""`` for none."""
    if not unit:
        return ""
    symbols = unit_symbols()
    if unit in symbols:
        return symbols[unit]
    try:
        return symbols.get(normalize_unit(unit), unit)
    except InvalidInput:
        return unit


def is_country(iso3: str) -> bool:
    return load_catalogs().is_country(iso3)


def pedimento_key(code: str) -> PedimentoKey:
    return load_catalogs().pedimento_key(code)


# --- manifest and coverage -------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_path("manifest.json").read_text(encoding="utf-8"))
    return data


#: the labels of the manifest's one-line summary (``AS_OF_LABELS``) as messages
AS_OF_LABEL_TEXTS = {
    label: Template(f"refdata.source.label.{label.lower().replace(' ', '_')}", label)
    for label, _path in AS_OF_LABELS
}


def as_of_key(path: str) -> str:
    """The catalog key of a source's as-of text (``refdata.source.as_of.<path>``)."""
    return f"refdata.source.as_of.{path}"


def source_as_of(path: str, text: str) -> str:
    """A source's as-of as the manifest says it; a message of the catalog when it is words
    (``last reform DOF …``), the text itself when it is only dates (``2000-01 … 2026-01``)."""
    if not any(c.isalpha() for c in text) or "{" in text or "}" in text:
        return text
    return Msg(as_of_key(path), text, {})


def manifest_as_of() -> str:
    """The manifest's one line saying what the bundled data covers, as a message whose
    parts (each label, each source's as-of) read in the reader's language — the
    manifest's own line when the two would not say the same."""
    manifest = load_manifest()
    line = str(manifest.get("as_of", ""))
    by_path = {s["path"]: str(s["as_of"]) for s in manifest.get("sources", [])}
    parts = [
        joined([AS_OF_LABEL_TEXTS[label](), source_as_of(path, by_path[path])], " ")
        for label, path in AS_OF_LABELS
        if path in by_path
    ]
    message = joined(parts)
    return message if message == line else line


#: the manifest's coverage notes as messages of the catalog (key ``coverage.<id>``)
COVERAGE_NOTES = {str(c["id"]): Template(f"coverage.{c['id']}", str(c["note"])) for c in COVERAGE}
FIX_ENDS = Template(
    "warn.fix_ends",
    "the FIX series ends on {last} (determination date); exchange rates for {day} need a newer "
    "series",
)
INPC_ENDS = Template(
    "warn.inpc_ends",
    "the INPC series ends at {last}; updates (CFF 17-A) for {day} use the last published index",
)


def coverage_warnings(
    when: date,
    *,
    skip: Collection[str] = (),
    series: bool = True,
    fx: FxSeries | None = None,
    inpc: InpcSeries | None = None,
) -> list[str]:
    """Generic data-coverage warnings for a result computed for ``when``.

    Dated gaps of the bundled data (manifest ``coverage`` entries whose ``from`` is on or
    before ``when``, except the ids in ``skip`` — those a caller's result already warns about
    in its own words) and, with ``series``, the ends of the FX and INPC series (``fx`` and
    ``inpc`` when given — the bundled series extended by a workspace's points).
    """
    warnings: list[str] = []
    try:
        coverage = load_manifest().get("coverage", [])
    except DataCoverageError as exc:
        return [exc.message]
    for item in coverage:
        start = item.get("from")
        if item.get("id") in skip:
            continue
        if start and date.fromisoformat(start) <= when:
            note = str(item["note"])
            template = COVERAGE_NOTES.get(str(item.get("id")))
            # the manifest's own words when it says something the code does not know
            warnings.append(template() if template and template.english == note else note)
    if not series:
        return warnings
    fx = fx or load_fx()
    if when - timedelta(days=1) > fx.last:
        warnings.append(FIX_ENDS(last=fx.last.isoformat(), day=when.isoformat()))
    inpc = inpc or load_inpc()
    needed = previous_month((when.year, when.month))
    if needed > inpc.last_month:
        warnings.append(INPC_ENDS(last=month_str(inpc.last_month), day=when.isoformat()))
    return warnings


def clear_caches() -> None:
    """Forget loaded tables (after a rebuild, or in tests)."""
    for fn in (load_fx, load_inpc, _parameters_doc, load_parameters, load_catalogs, load_manifest):
        fn.cache_clear()
