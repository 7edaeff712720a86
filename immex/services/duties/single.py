"""Duty use cases: the F4 change of regime and the LA 63-A payment, for the CLI and the ledger.

The ledger's F4 planning builds one :class:`DutyContext` with :func:`duty_context` and calls
:func:`immex.domain.duties.compute_f4_batch` (or :func:`f4_batch` here) with thousands of
:class:`~immex.domain.duties.F4Request` at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from immex.domain.dated import Parameter
from immex.domain.duties import (
    DUTY_PARAMETERS,
    PARAM_DTA,
    PARAM_DTA_FEE,
    PARAM_IVA,
    PARAM_SURCHARGE,
    PARAM_SURCHARGE_INCREASE,
    PARAM_SURCHARGE_MAX_YEARS,
    PARAM_USMCA_DAYS,
    DutyContext,
    DutyParameters,
    F4Policy,
    F4Request,
    F4Result,
    UsmcaRequest,
    UsmcaResult,
    as_factor_rounding,
    as_policy,
    compute_63a,
    compute_f4,
    compute_f4_batch,
)
from immex.domain.messages import Template
from immex.domain.rates import MfnLookup, unique
from immex.domain.series import FactorRounding
from immex.refdata.bundled import (
    load_fx,
    load_inpc,
    load_manifest,
    load_parameters,
    manifest_as_of,
)
from immex.services.rates.best_rate import build_query, check_origin, coverage_notes, option_dict
from immex.services.rates.workspace_data import (
    WorkspaceData,
    bundled_data,
    extend,
    merged,
    workspace_data,
)
from immex.services.tariff.lookup import mfn_lookup
from immex.services.workspace.context import Workspace

__all__ = [
    "DUTY_PARAMETERS",
    "PARAM_DTA",
    "PARAM_DTA_FEE",
    "PARAM_IVA",
    "PARAM_SURCHARGE",
    "PARAM_SURCHARGE_INCREASE",
    "PARAM_SURCHARGE_MAX_YEARS",
    "PARAM_USMCA_DAYS",
    "duty_63a",
    "duty_context",
    "duty_f4",
    "duty_parameters",
    "f4",
    "f4_batch",
    "f4_dict",
    "f4_request",
    "usmca_63a",
    "usmca_dict",
    "usmca_request",
]


BUNDLED_DATA = Template("note.bundled_data", "bundled reference data: {built}")
SERIES_EXTENDED = Template(
    "note.series_extended", "FIX/INPC series extended by points loaded into the {source}"
)
PARAMETERS_LOADED = Template(
    "note.parameters_loaded", "parameter values loaded into the workspace used: {names}"
)


def duty_parameters(params: dict[str, Parameter[Any]] | None = None) -> DutyParameters:
    """The duty parameters from the bundled reference data (``immex refdata``)."""
    return DutyParameters.of(load_parameters() if params is None else params)


def duty_context(
    *,
    data: WorkspaceData | None = None,
    mfn: MfnLookup | None = None,
    params: DutyParameters | None = None,
) -> DutyContext:
    """Series, parameters, rate rows and the bundled LIGIE, ready to compute: ``data`` is
    what a workspace adds (:func:`~immex.services.rates.workspace_data.workspace_data`);
    without it, the bundled data alone."""
    data = data or bundled_data()
    notes = list(data.book.data_notes)
    try:
        manifest = load_manifest()
        built = manifest.get("built_from") or manifest_as_of()
        if built:
            notes.append(BUNDLED_DATA(built=built))
    except Exception:  # noqa: BLE001 - the note is informative only
        pass
    fx, inpc = load_fx(), load_inpc()
    if data.points is not None and data.points.files:
        fx, inpc = extend(fx, inpc, data.points)
        notes.append(SERIES_EXTENDED(source=data.points.source))
    if params is None and data.parameters:
        params = duty_parameters(merged(load_parameters(), data.parameters))
        names = ", ".join(sorted(data.parameters))
        notes.append(PARAMETERS_LOADED(names=names))
    return DutyContext(
        fx,
        inpc,
        params or duty_parameters(),
        data.book,
        mfn or mfn_lookup(),
        tuple(notes),
    )


def f4_request(
    fraccion: str,
    value_usd: Decimal,
    entry_date: date,
    change_date: date,
    *,
    origin: str | None = None,
    prosec: Iterable[str] = (),
    certified: Iterable[str] = (),
    regla8: Iterable[str] = (),
    policy: str = F4Policy.ENTRY_DATE,
    factor_rounding: str = FactorRounding.TRUNCATE,
    certified_iva: bool = False,
    paid_on: date | None = None,
    known_sectors: Iterable[str] | None = None,
    reference: str = "",
) -> F4Request:
    """Validate user input into an :class:`F4Request` (fracción, origin, sectors, the
    policy and the factor rounding among their choices…)."""
    q = build_query(fraccion, origin, entry_date, prosec, regla8, certified, known_sectors)
    check_origin(q.origin)
    return F4Request(
        q.fraccion, value_usd, entry_date, change_date, q.origin, q.prosec_sectors, q.certified,
        q.regla8, as_policy(policy), as_factor_rounding(factor_rounding), certified_iva,
        paid_on, True, reference,
    )  # fmt: skip


def f4(request: F4Request, context: DutyContext) -> F4Result:
    result = compute_f4(request, context)
    extra = coverage_notes(result.policy_date, fx=context.fx, inpc=context.inpc)
    if request.paid_on:
        extra += coverage_notes(request.paid_on, fx=context.fx, inpc=context.inpc)
    return _with_warnings(result, extra)


def f4_batch(requests: Sequence[F4Request], context: DutyContext) -> list[F4Result]:
    """Many F4 computations at once (all-or-nothing); see ``compute_f4_batch``."""
    return compute_f4_batch(requests, context)


def usmca_request(
    fraccion: str,
    value_usd: Decimal,
    entry_date: date,
    export_date: date,
    origin: str,
    us_duty_usd: Decimal,
    *,
    prosec: Iterable[str] = (),
    certified: Iterable[str] = (),
    known_sectors: Iterable[str] | None = None,
) -> UsmcaRequest:
    """Validate user input into a :class:`UsmcaRequest`; ``certified`` names the agreements
    whose certification of origin the input has (T-MEC makes a USMCA-party input originating)."""
    q = build_query(fraccion, origin, entry_date, prosec, (), certified, known_sectors)
    check_origin(q.origin)
    return UsmcaRequest(
        q.fraccion,
        value_usd,
        entry_date,
        export_date,
        q.origin,
        us_duty_usd,
        q.prosec_sectors,
        certified=q.certified,
    )


def usmca_63a(request: UsmcaRequest, context: DutyContext) -> UsmcaResult:
    result = compute_63a(request, context)
    return _with_warnings(
        result, coverage_notes(request.entry_date, fx=context.fx, inpc=context.inpc)
    )


def duty_f4(
    ws: Workspace | None,
    fraccion: str,
    value_usd: Decimal,
    entry_date: date,
    change_date: date,
    *,
    origin: str | None = None,
    prosec: Iterable[str] = (),
    certified: Iterable[str] = (),
    policy: str = F4Policy.ENTRY_DATE,
    factor_rounding: str = FactorRounding.TRUNCATE,
    certified_iva: bool = False,
    paid_on: date | None = None,
) -> F4Result:
    """``immex duty f4`` / ``POST /api/duty/f4``: one F4 on the workspace's data (None:
    bundled data only), every input checked here."""
    data = workspace_data(ws)
    request = f4_request(
        fraccion, value_usd, entry_date, change_date, origin=origin, prosec=prosec,
        certified=certified, policy=policy, factor_rounding=factor_rounding,
        certified_iva=certified_iva, paid_on=paid_on, known_sectors=data.sectors,
    )  # fmt: skip
    return f4(request, duty_context(data=data))


def duty_63a(
    ws: Workspace | None,
    fraccion: str,
    value_usd: Decimal,
    entry_date: date,
    export_date: date,
    origin: str,
    us_duty_usd: Decimal,
    *,
    prosec: Iterable[str] = (),
    certified: Iterable[str] = (),
) -> UsmcaResult:
    """``immex duty 63a``: LA 63-A on the workspace's data (None: bundled data only)."""
    data = workspace_data(ws)
    request = usmca_request(
        fraccion, value_usd, entry_date, export_date, origin, us_duty_usd, prosec=prosec,
        certified=certified, known_sectors=data.sectors,
    )  # fmt: skip
    return usmca_63a(request, duty_context(data=data))


R = TypeVar("R", F4Result, UsmcaResult)


def _with_warnings(result: R, extra: list[str]) -> R:
    merged = unique([*result.warnings, *extra])
    return replace(result, warnings=merged) if merged != result.warnings else result


# --------------------------------------------------------------------------- JSON


def _trace(result: F4Result | UsmcaResult) -> list[dict[str, Any]]:
    return [
        {
            "step": i,
            "name": s.name,
            "formula": s.formula,
            "value": s.value,
            "reference": s.reference,
        }
        for i, s in enumerate(result.trace, start=1)
    ]


def _fx(fx: Any) -> dict[str, Any]:
    return {
        "rate": fx.rate,
        "for_date": fx.for_date,
        "determined_on": fx.determined_on,
        "published_on": fx.published_on,
        "source": fx.source,
    }


def f4_dict(r: F4Result) -> dict[str, Any]:
    s = r.surcharges
    return {
        "fraccion": r.fraccion,
        "origin": r.origin or None,
        "value_usd": r.value_usd,
        "entry_date": r.entry_date,
        "change_date": r.change_date,
        "policy": r.policy,
        "policy_date": r.policy_date,
        "fx": _fx(r.fx),
        "customs_value_mxn": r.customs_value_mxn,
        "program": r.program,
        "program_detail": r.program_detail,
        "rate": r.rate,
        "igi": r.igi,
        "inpc_factor": r.inpc_factor,
        "igi_updated": r.igi_updated,
        "dta": r.dta,
        "iva": r.iva,
        "surcharges": None
        if s is None
        else {
            "due_date": s.due_date,
            "paid_on": s.paid_on,
            "months": s.months,
            "monthly_rates": list(s.monthly_rates),
            "rate": s.rate,
            "base": s.base,
            "update_factor": s.update_factor,
            "update": s.update,
            "recargos": s.recargos,
            "total": s.total,
        },
        "total": r.total,
        "options": [option_dict(o) for o in r.options],
        "trace": _trace(r),
        "warnings": list(r.warnings),
    }


def usmca_dict(r: UsmcaResult) -> dict[str, Any]:
    return {
        "fraccion": r.fraccion,
        "origin": r.origin,
        "originating": r.originating,
        "value_usd": r.value_usd,
        "entry_date": r.entry_date,
        "export_date": r.export_date,
        "fx": _fx(r.fx),
        "customs_value_mxn": r.customs_value_mxn,
        "program": r.program,
        "program_detail": r.program_detail,
        "rate": r.rate,
        "mx_duty": r.mx_duty,
        "us_duty_usd": r.us_duty_usd,
        "us_duty_fx": _fx(r.us_fx),
        "us_duty_mxn": r.us_duty_mxn,
        "exemption": r.exemption,
        "owed": r.owed,
        "due_by": r.due_by,
        "options": [option_dict(o) for o in r.options],
        "trace": _trace(r),
        "warnings": list(r.warnings),
    }
