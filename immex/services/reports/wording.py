"""The report's own wording of messages it shares with the CLI.

A CLI message may tell the user which command loads the missing data (``immex rates load
parameters``), name a parameter key (``dta.immex_temporary_fee``) or a loaded file's name. A
report is read by an auditor: it says instead which figure is missing and its legal source,
and which data were loaded (their DOF source, rows, hash and date). :func:`for_report` swaps
such a message for the report's version, with the same fields, wherever it sits (a warning,
a table's note, a cell, a field of another message); every other text is kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from immex.domain.messages import Msg, Template, joined
from immex.services.workspace.context import Workspace

NO_FTA = Template(
    "report.warn_no_fta",
    "no trade-agreement preference schedules are loaded: the tariff preferences of the "
    "trade agreements were not assessed (missing: the preferential rates of each agreement, "
    "published in the DOF)",
)
DTA_NOT_CHECKED = Template(
    "report.warn_dta_not_checked",
    "DTA: the fixed fee of LFD 49-III in force on {day} is not in the reference data (it is "
    "updated each year in Annex 19 of the RMF), so the minimum per pedimento (LFD 49, "
    "penultimate paragraph) could not be applied: the F4 pedimento may owe more DTA and IVA "
    "than shown here",
)
FEE_MISSING = Template(
    "report.plan_fee_missing",
    "the DTA fixed fee of LFD 49-III in force on {day} is not in the reference data (it is "
    "updated each year in Annex 19 of the RMF)",
)
RATES_LOADED = Template(
    "report.workspace_rates_loaded",
    "rate data loaded into the workspace: {prosec}, {fta}, {amendments} — {loaded}",
)
#: one loaded file as the report names it: what it is, its source, rows, hash and date
LOADED_FILE = Template(
    "report.loaded_file",
    "{kind} {sources} ({rows} row, sha256 {sha}…, loaded on {day})",
    "{kind} {sources} ({rows} rows, sha256 {sha}…, loaded on {day})",
    count="rows",
)
KIND = {
    "prosec": Template("report.loaded_kind.prosec", "PROSEC sector list"),
    "fta": Template("report.loaded_kind.fta", "trade-agreement preferences"),
    "amendments": Template("report.loaded_kind.amendments", "LIGIE amendments"),
}

NOT_WAIVED = Template(
    "report.warn_usmca_not_waived",
    "antidumping/countervailing duties are never waived under USMCA art. 2.5 (not computed "
    "here); no actualización or recargos to a later payment date are included",
)
CHANGE_DATE_DEFAULT = Template(
    "report.note_change_date_default",
    "change date {day}: an assumed date, the last weekday of the period; the actual date is "
    "that of the F4 pedimento",
)

PROSEC_NOT_IN_FORCE = Template(
    "report.note_prosec_not_in_force",
    "no PROSEC rate applied to the period's changes of regime: the loaded PROSEC rows were not "
    "in force on the dates used (each line's trace says why)",
)
WHAT_IF = Template(
    "report.note_savings_what_if",
    "sector simulation at the rates in force on {day}: IGI on the customs value (FIX of the "
    "entry date) before the INPC update and the 63-A offset; F4 and US/Canada export portions "
    "of the period",
)

#: a CLI message's key → how the report words it (same fields)
_SAME_FIELDS: dict[str, Template] = {
    "warn.no_fta_schedules": NO_FTA,
    "warn.f4_dta_not_checked": DTA_NOT_CHECKED,
    "plan.fee_missing": FEE_MISSING,
    "warn.usmca_not_waived": NOT_WAIVED,
    "note.f4_change_date_default": CHANGE_DATE_DEFAULT,
    "note.prosec_not_in_force": PROSEC_NOT_IN_FORCE,
    "note.savings_what_if": WHAT_IF,
}


def loaded_files(ws: Workspace) -> Msg | None:
    """The rate files loaded into the workspace, named by their DOF source (``None``: none)."""
    with ws.read() as repos:
        batches = repos.rates.batches()
        sources: dict[str, dict[str, None]] = {}
        for kind in KIND:
            for row, file_name in repos.rates.rows(kind):
                source = str(getattr(row, "source", "") or "").split(",")[0].strip()
                if source:
                    sources.setdefault(file_name, {})[source] = None
    files = [
        LOADED_FILE(
            kind=KIND[b.kind]() if b.kind in KIND else b.kind,
            sources=", ".join(sources.get(b.file_name, {})) or "-",
            rows=b.rows,
            sha=b.sha256[:12],
            day=f"{b.loaded_at:%Y-%m-%d}",
        )
        for b in batches
    ]
    return joined(files) if files else None


def rewording(loaded: Msg | None = None) -> Callable[[Any], Any]:
    """:func:`for_report` with the workspace's loaded files (for the rates note)."""
    return lambda text: for_report(text, loaded)


def for_report(text: Any, loaded: Msg | None = None) -> Any:
    """``text`` as the report says it (a message of the CLI's in the report's words)."""
    if not isinstance(text, Msg):
        return text
    params = {k: for_report(v, loaded) for k, v in text.params.items()}
    if text.key in _SAME_FIELDS:
        return _SAME_FIELDS[text.key](**params)
    if text.key == "note.workspace_rates_files" and loaded is not None:
        return RATES_LOADED(**{k: params[k] for k in ("prosec", "fta", "amendments")},
                            loaded=loaded)  # fmt: skip
    if params == text.params:
        return text
    return Msg(text.key, text.english, params, text.counted)
