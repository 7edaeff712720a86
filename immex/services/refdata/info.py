"""Reference-data use cases: build/check the compiled tables, describe them, FX and INPC.

The CLI (and later the API) call only these functions.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from immex.domain.errors import DataCoverageError, InvalidInput
from immex.domain.messages import Template
from immex.domain.series import FACTOR_ROUNDINGS, FxSeries, Month, month_str
from immex.refdata import bundled as reference
from immex.refdata.framework import DATA_DIR

NO_SOURCE_FOLDER = Template(
    "refdata.no_source_folder",
    "reference source folder not found: {path} — pass {how} pointing at the shared/data folder "
    "(with ligie/, sat/, banxico/, inegi/ …)",
)
BAD_ROUNDING = Template("refdata.bad_rounding", "--rounding must be one of {items}, not {rounding}")
NOT_RUN = Template("refdata.build.not_run", "builder not run: {module}")


REPO_ROOT = Path(__file__).resolve().parents[3]
ENV_SOURCE = "IMMEX_SHARED_DATA"

FX_RULE = (
    "CFF art. 20 (3rd paragraph) and LA art. 56: the FIX the Banco de México publishes in the "
    "DOF the day before; when it publishes none that day, the last one published before. A FIX "
    "determined on a banking day is published in the DOF on the next banking day."
)
INPC_RULE = (
    "CFF art. 17-A: factor = INPC of the month before the latest month of the period / INPC of "
    "the month before the earliest month; no fractions of a month; if the latest index is not yet "
    "published, the last published one; a factor below 1 is 1; computed to the ten-thousandth."
)


def default_source() -> Path:
    """``$IMMEX_SHARED_DATA``, else ``../shared/data`` next to the repository."""
    env = os.environ.get(ENV_SOURCE)
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def resolve_source(source: Path | None) -> Path:
    path = Path(source) if source is not None else default_source()
    if not path.is_dir():
        how = "--source DIR" if source is not None else f"--source DIR or ${ENV_SOURCE}"
        raise InvalidInput(
            NO_SOURCE_FOLDER(path=path, how=how),
            field="source",
        )
    return path


def build(source: Path | None = None, *, check: bool = False) -> dict[str, Any]:
    """Build every table into immex/data (or, with ``check``, compare a fresh build)."""
    from immex.refdata import build as builder

    src = resolve_source(source)
    if check:
        problems = builder.check(src, DATA_DIR)
        return {
            "source": str(src),
            "data": str(DATA_DIR),
            "check": True,
            "ok": not problems,
            "problems": problems,
        }
    manifest = builder.build_all(src, DATA_DIR)
    reference.clear_caches()
    return {
        "source": str(src),
        "data": str(DATA_DIR),
        "check": False,
        "tables": [{"file": t["file"], "rows": t["rows"]} for t in manifest.tables],
        "skipped": manifest.skipped,
    }


def info() -> dict[str, Any]:
    manifest = reference.load_manifest()
    fx = reference.load_fx()
    inpc = reference.load_inpc()
    params = reference.load_parameters()
    warnings: list[str] = []
    for c in manifest.get("coverage", []):  # the catalog's text when the manifest's is the same
        note = reference.COVERAGE_NOTES.get(str(c["id"]))
        warnings.append(note() if note and note.english == c["note"] else str(c["note"]))
    warnings += [NOT_RUN(module=m) for m in manifest.get("skipped", [])]
    return {
        "data": str(DATA_DIR),
        "data_version": manifest.get("data_version", ""),
        "as_of": manifest.get("as_of", ""),
        "tables": [
            {
                "file": t["file"],
                "rows": t["rows"],
                "as_of": t["as_of"],
                "description": t["description"],
                "notes": t["notes"],
            }
            for t in manifest["tables"]
        ],
        "sources": manifest["sources"],
        "fx": {"first": fx.first, "last": fx.last},
        "inpc": {"first": month_str(inpc.first_month), "last": month_str(inpc.last_month)},
        "parameters": sorted(params),
        "parameter_values": {
            name: [
                {
                    "valid_from": v.valid_from,
                    "valid_to": v.valid_to,
                    "value": v.value,
                    "unit": p.unit,
                    "confidence": v.confidence,
                    "source": v.source,
                }
                for v in p.values
            ]
            for name, p in sorted(params.items())
        },
        "coverage_warnings": warnings,
    }


def fx_for_pedimento(day: date, db: str | None = None) -> dict[str, Any]:
    """The FIX for a pedimento on ``day`` (bundled series, extended by the workspace's)."""
    from immex.services.rates.series import workspace_series

    fx = workspace_series(db)[0]
    quote = fx.for_pedimento(day)
    return {
        "date": day,
        "rate": quote.rate,
        "currency": "USD/MXN",
        "determined_on": quote.determined_on,
        "published_on": quote.published_on,
        "rule": FX_RULE,
        "source": quote.source,
        "warnings": _fx_warnings(day, fx),
    }


def _fx_warnings(day: date, fx: FxSeries) -> list[str]:
    if day.weekday() >= 5:
        return [
            f"{day.isoformat()} is a {day.strftime('%A')}: customs rarely operate; the rule "
            "still gives the last FIX published before it"
        ]
    return (
        []
        if day <= fx.last
        else [f"the FIX series ends on {fx.last.isoformat()}; the answer relies on its last points"]
    )


def inpc_factor(
    from_month: Month, to_month: Month, rounding: str = "truncate", db: str | None = None
) -> dict[str, Any]:
    if rounding not in FACTOR_ROUNDINGS:
        raise InvalidInput(
            BAD_ROUNDING(items=", ".join(FACTOR_ROUNDINGS), rounding=repr(rounding)),
            field="rounding",
        )
    from immex.services.rates.series import workspace_series

    f = workspace_series(db)[1].factor(from_month, to_month, rounding)
    notes = list(f.notes)
    if f.floored:
        notes.append(f"the quotient {f.raw:.6f} is below 1: the factor is 1 (CFF 17-A)")
    return {
        "from_month": month_str(f.from_month),
        "to_month": month_str(f.to_month),
        "factor": f.factor,
        "raw": f.raw,
        "rounding": f.rounding,
        "floored": f.floored,
        "numerator": {"month": month_str(f.numerator_month), "inpc": f.numerator},
        "denominator": {"month": month_str(f.denominator_month), "inpc": f.denominator},
        "rule": INPC_RULE,
        "notes": notes,
    }


__all__ = [
    "build",
    "info",
    "fx_for_pedimento",
    "inpc_factor",
    "default_source",
    "DataCoverageError",
]
