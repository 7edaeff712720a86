"""Build every reference table from ``../shared/data`` and write ``manifest.json``.

``build_all(source, out)`` runs each builder (catalogs, series, parameters, and the tariff
builders ``immex.refdata.ligie`` and ``immex.refdata.hs``), then writes the manifest: per
table its file, SHA-256, row count and sources; per source file its path, SHA-256, as-of
date and attribution/licence (PROVENANCE.md); and the known coverage gaps.
``check(source)`` rebuilds into a temporary folder and compares byte for byte.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immex.domain.messages import Msg, Template
from immex.refdata.framework import DATA_DIR, BuiltTable, sha256_file, write_json

NO_SOURCE = Template(
    "refdata.build.no_source",
    "reference source folder not found: {path} (pass --source DIR or set IMMEX_SHARED_DATA to "
    "the shared/data folder)",
)
NOT_AVAILABLE = Template(
    "refdata.build.not_available",
    "builder {module} not available yet ({description}): its tables are NOT built",
)
WARNING = Template("refdata.build.warning", "WARNING: {message}")
#: the differences of ``refdata build --check``
SKIPPED = Template("refdata.build.skipped", "builder skipped: {module}")
MISSING_IN_DATA = Template("refdata.build.missing_in_data", "{file}: missing in {data}")
DIFFERS = Template("refdata.build.differs", "{file}: differs from a fresh build")
NOT_BUILT = Template("refdata.build.not_built", "{file}: in {data} but not produced by any builder")

Builder = Callable[[Path, Path], list[BuiltTable]]

#: (module, description), run in this order; all are required at the end of issue 2
BUILDERS: tuple[tuple[str, str], ...] = (
    ("immex.refdata.catalogs", "units, countries, customs offices, pedimento keys"),
    ("immex.refdata.series_build", "Banxico FIX and INEGI INPC"),
    ("immex.refdata.params", "effective-dated legal parameters"),
    ("immex.refdata.ligie", "LIGIE Tarifa, NICO, rate history (tariff engineer)"),
    ("immex.refdata.hs", "HS 2022 nomenclature (tariff engineer)"),
    ("immex.refdata.rules_build", "the rule book: rules, legal citations, confidence"),
    ("immex.refdata.annex_build", "IMMEX Decree Annex I rows known from the DOF (RULES I-10)"),
)

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1

#: Known gaps of the bundled data (PROVENANCE.md, RULES.md). ``from`` = first date a result
#: may be affected (None = always relevant); shown by ``refdata info`` and in coverage warnings.
COVERAGE: tuple[dict[str, str | None], ...] = (
    {
        "id": "ligie_reform_2025_12_29",
        "from": "2026-01-01",
        "note": "LIGIE rates do not include the reform published DOF 29-12-2025 (in force "
        "2026-01-01; ~1,463 fractions raised to 10-50% for goods from countries without a "
        "trade agreement): rates on or after 2026-01-01 may be wrong; load the amendment.",
    },
    {
        "id": "decree_2026_04_23",
        "from": "2026-04-23",
        "note": "The DOF 23-04-2026 decree (PROSEC lists and tariff changes) is not in the data "
        "beyond an 11-row PROSEC excerpt.",
    },
    {
        "id": "dta_fixed_amounts",
        "from": "2025-01-01",
        "note": "DTA fixed amounts (LFD 49-III…VII) after 2024 (RMF Annex 19 for 2025 and 2026) "
        "are not in the data; fixed-fee DTA on later dates cannot be computed.",
    },
    {
        "id": "prosec_lists",
        "from": None,
        "note": "PROSEC art. 5 lists as a whole are not bundled (only an 11-row excerpt of DOF "
        "23-04-2026): load them from a user-supplied file.",
    },
    {
        "id": "immex_annexes",
        "from": None,
        "note": "IMMEX decree annexes: only the Annex I restrictions of RULES I-10 are bundled "
        "(DOF 19-12-2024, DOF 28-08-2025; confidence M); Annex II, I BIS and I TER are "
        "user-supplied data (`immex rates load immex-annex`).",
    },
    {
        "id": "fta_schedules",
        "from": None,
        "note": "Free-trade-agreement preference schedules are not bundled: user-supplied data.",
    },
)


#: sources summarised in the manifest's one-line ``as_of``
AS_OF_LABELS: tuple[tuple[str, str], ...] = (
    ("LIGIE", "ligie/ligie_2022_consolidated.txt"),
    ("SAT fractions", "sat/cce_20_fracciones_arancelarias.csv"),
    ("FIX", "banxico/fix_usd_mxn_1991_2026.csv"),
    ("INPC", "inegi/inpc_general_2000_2026.csv"),
    ("parameters", "immex/refdata/sources/parameters.yaml"),
)


@dataclass
class Manifest:
    tables: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    coverage: list[dict[str, str | None]]
    builders: list[dict[str, str]]
    skipped: list[str] = field(default_factory=list)

    @property
    def data_version(self) -> str:
        """Stable name of this data: manifest version + hash of every table's hash."""
        digest = hashlib.sha256()
        for t in self.tables:
            digest.update(f"{t['file']}:{t['sha256']}\n".encode())
        return f"v{MANIFEST_VERSION}-{digest.hexdigest()[:10]}"

    @property
    def as_of(self) -> str:
        """One line saying what the bundled data covers, from the sources' as-of dates."""
        by_path = {s["path"]: s["as_of"] for s in self.sources}
        parts = [f"{label} {by_path[path]}" for label, path in AS_OF_LABELS if path in by_path]
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION,
            "data_version": self.data_version,
            "as_of": self.as_of,
            "tables": self.tables,
            "sources": self.sources,
            "coverage": self.coverage,
            "builders": self.builders,
            "skipped": self.skipped,
        }


def _load_builder(module: str) -> Builder | None:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    build = getattr(mod, "build", None)
    return build if callable(build) else None


def _english_note(message: Msg) -> None:
    """A warning on stderr (the CLI passes one in the run's language)."""
    sys.stderr.write(f"{WARNING(message=message)}\n")


#: what a build says while it runs (a warning message → shown to the person running it)
Notes = Callable[[Msg], None]


def build_all(
    source: Path, out: Path = DATA_DIR, *, strict: bool = False, note: Notes = _english_note
) -> Manifest:
    """Run every builder from ``source`` into ``out`` and write ``out/manifest.json``.

    A tariff builder that does not exist yet is skipped with a loud note (and listed under
    ``skipped`` in the manifest); ``strict=True`` makes that an error.
    """
    source = Path(source)
    out = Path(out)
    if not source.is_dir():
        from immex.domain.errors import DataCoverageError

        raise DataCoverageError(NO_SOURCE(path=source))
    out.mkdir(parents=True, exist_ok=True)
    tables: list[BuiltTable] = []
    builders: list[dict[str, str]] = []
    skipped: list[str] = []
    for module, description in BUILDERS:
        build = _load_builder(module)
        if build is None:
            msg = NOT_AVAILABLE(module=module, description=description)
            if strict:
                raise RuntimeError(msg)
            note(msg)
            skipped.append(module)
            continue
        built = build(source, out)
        tables.extend(built)
        builders.append({"module": module, "description": description})
    manifest = _manifest(out, tables, builders, skipped, provenance(source))
    write_json(out / MANIFEST, manifest.to_dict())
    return manifest


def provenance(source: Path) -> list[dict[str, str]]:
    """Rows of ``source/PROVENANCE.md``'s table: pattern(s), what, source, licence, as of."""
    path = source / "PROVENANCE.md"
    if not path.is_file():
        return []
    rows: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("path", "") or set(cells[0]) <= {"-"}:
            continue
        prev = rows[-1] if rows else None
        if prev is not None:  # "same" = as the row above
            if cells[2] == "same":
                cells[2] = prev["source"]
            if cells[3] == "same":
                cells[3] = prev["licence"]
        first, *rest = [p.strip() for p in cells[0].split(",")]
        folder = first.rsplit("/", 1)[0] + "/" if "/" in first else ""
        patterns = [first] + [p if "/" in p else folder + p for p in rest]
        for pattern in patterns:
            rows.append(
                {
                    "pattern": pattern,
                    "what": cells[1],
                    "source": cells[2],
                    "licence": cells[3],
                    "as_of": cells[4],
                }
            )
    return rows


def _attribute(entry: dict[str, Any], prov: list[dict[str, str]]) -> dict[str, Any]:
    for row in prov:
        if fnmatch.fnmatch(entry["path"], row["pattern"]):
            if row["as_of"] != "as stated" or not entry["as_of"]:
                entry["as_of"] = row["as_of"]
            entry["attribution"] = f"{row['source']}; licence: {row['licence']}"
            entry["provenance"] = "PROVENANCE.md"
            return entry
    entry["provenance"] = "builder"
    return entry


def _manifest(
    out: Path,
    tables: list[BuiltTable],
    builders: list[dict[str, str]],
    skipped: list[str],
    prov: list[dict[str, str]] | None = None,
) -> Manifest:
    table_rows: list[dict[str, Any]] = []
    sources: dict[str, dict[str, Any]] = {}
    for t in sorted(tables, key=lambda t: t.name):
        table_rows.append(
            {
                "file": t.name,
                "sha256": sha256_file(out / t.name),
                "rows": t.rows,
                "as_of": t.as_of,
                "description": t.description,
                "notes": list(t.notes),
                "sources": sorted({s.path for s in t.sources}),
            }
        )
        for s in t.sources:
            if s.path not in sources:
                entry = {
                    "path": s.path,
                    "sha256": s.sha256,
                    "as_of": s.as_of,
                    "attribution": s.attribution,
                }
                sources[s.path] = _attribute(entry, prov or [])
    return Manifest(
        tables=table_rows,
        sources=[sources[k] for k in sorted(sources)],
        coverage=[dict(c) for c in COVERAGE],
        builders=builders,
        skipped=skipped,
    )


def check(source: Path, data: Path = DATA_DIR, *, note: Notes = _english_note) -> list[Msg]:
    """Rebuild into a temporary folder; return the differences with ``data`` (empty = same)."""
    problems: list[Msg] = []
    with tempfile.TemporaryDirectory(prefix="immex-refdata-") as tmp:
        fresh = Path(tmp)
        manifest = build_all(source, fresh, note=note)
        problems.extend(SKIPPED(module=m) for m in manifest.skipped)
        built = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
        for rel in built:
            committed = data / rel
            if not committed.is_file():
                problems.append(MISSING_IN_DATA(file=rel, data=data))
            elif committed.read_bytes() != (fresh / rel).read_bytes():
                problems.append(DIFFERS(file=rel))
        if data.is_dir():
            for p in sorted(data.rglob("*")):
                rel = p.relative_to(data).as_posix()
                if p.is_file() and rel not in built and not _ignored(rel):
                    problems.append(NOT_BUILT(file=rel, data=data))
    return problems


def _ignored(rel: str) -> bool:
    return rel.endswith((".pyc", ".gitkeep")) or "__pycache__" in rel or rel == "__init__.py"
