"""Reference-data use cases: build/check the compiled tables, describe them, FX and INPC.

The CLI (and later the API) call only these functions.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from immex.domain.errors import DataCoverageError, InvalidInput
from immex.domain.messages import Msg, Template
from immex.domain.series import FACTOR_ROUNDINGS, FxSeries, Month, month_str
from immex.refdata import bundled as reference
from immex.refdata.framework import DATA_DIR
from immex.refdata.manifest_texts import as_of_text, note_messages, source_attribution
from immex.reports.i18n import default_lang, tr
from immex.services.refdata.source_texts import (
    BUILDER_NOT_RUN,
    FX_RULE,
    FX_SERIES_ENDS,
    FX_WEEKEND,
    INPC_FLOORED,
    INPC_RULE,
    WEEKDAYS,
)

NO_SOURCE_FOLDER = Template(
    "refdata.no_source_folder",
    "reference source folder not found: {path} — pass {how} pointing at the shared/data folder "
    "(with ligie/, sat/, banxico/, inegi/ …)",
)
BAD_ROUNDING = Template("refdata.bad_rounding", "--rounding must be one of {items}, not {rounding}")


REPO_ROOT = Path(__file__).resolve().parents[3]
ENV_SOURCE = "IMMEX_SHARED_DATA"


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


def say_warning(message: Msg) -> None:
    """A build's warning on stderr, in the run's language."""
    from immex.refdata import build as builder

    sys.stderr.write(f"{tr(builder.WARNING(message=message), default_lang())}\n")


def build(source: Path | None = None, *, check: bool = False) -> dict[str, Any]:
    """Build every table into immex/data (or, with ``check``, compare a fresh build)."""
    from immex.refdata import build as builder

    src = resolve_source(source)
    if check:
        problems = builder.check(src, DATA_DIR, note=say_warning)
        return {
            "source": str(src),
            "data": str(DATA_DIR),
            "check": True,
            "ok": not problems,
            "problems": problems,
        }
    manifest = builder.build_all(src, DATA_DIR, note=say_warning)
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
    warnings = [_coverage_note(c) for c in manifest.get("coverage", [])]
    warnings += [BUILDER_NOT_RUN(builder=m) for m in manifest.get("skipped", [])]
    return {
        "data": str(DATA_DIR),
        "data_version": manifest.get("data_version", ""),
        "as_of": reference.manifest_as_of(),
        "tables": [
            {
                "file": t["file"],
                "rows": t["rows"],
                "as_of": as_of_text(t["file"], None, t["as_of"]),
                "description": t["description"],
                "notes": note_messages(t["file"], t["notes"]),  # in the reader's language
            }
            for t in manifest["tables"]
        ],
        "sources": [
            {
                **s,
                "as_of": as_of_text(None, s["path"], s["as_of"]),
                "attribution": source_attribution(s["path"], s.get("attribution", "")),
            }
            for s in manifest["sources"]
        ],
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


def _coverage_note(item: dict[str, Any]) -> str:
    """A coverage note of the manifest as the catalog's message (by its id), or the
    manifest's own words when it says something the code does not know."""
    note = str(item["note"])
    template = reference.COVERAGE_NOTES.get(str(item.get("id")))
    return template() if template is not None and template.english == note else note


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
        "rule": FX_RULE(),
        "source": quote.source,
        "warnings": _fx_warnings(day, fx),
    }


def _fx_warnings(day: date, fx: FxSeries) -> list[str]:
    if day.weekday() >= 5:
        return [FX_WEEKEND(day=day.isoformat(), weekday=WEEKDAYS[day.weekday()]())]
    return [] if day <= fx.last else [FX_SERIES_ENDS(last=fx.last.isoformat())]


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
        notes.append(INPC_FLOORED(raw=f"{f.raw:.6f}"))
    return {
        "from_month": month_str(f.from_month),
        "to_month": month_str(f.to_month),
        "factor": f.factor,
        "raw": f.raw,
        "rounding": f.rounding,
        "floored": f.floored,
        "numerator": {"month": month_str(f.numerator_month), "inpc": f.numerator},
        "denominator": {"month": month_str(f.denominator_month), "inpc": f.denominator},
        "rule": INPC_RULE(),
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
