"""LA 63-A / USMCA 2.5: the Mexican duty on a non-originating input of a good exported to
the US or Canada (RULES U-1 … U-4)."""

from __future__ import annotations

from datetime import timedelta

from immex.domain.duties.context import DutyContext, check_positive, chosen_option
from immex.domain.duties.results import UsmcaRequest, UsmcaResult
from immex.domain.duties.trace import (
    MAX_OF,
    MIN_OF,
    MONEY,
    PESOS,
    REF_63A,
    REF_63A_DAYS,
    REF_63A_MIN,
    REF_63A_ORIG,
    REF_FX,
    REF_PAY,
    REF_VALUE,
    STEP,
    WHOLE_PESOS,
    Trace,
    fmt,
    money,
)
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template, joined
from immex.domain.money import ZERO, round_pesos
from immex.domain.rate_rows import agreement_name
from immex.domain.rates import USMCA_PARTIES, RateQuery, is_usmca_agreement, unique

NEGATIVE_US_DUTY = Template(
    "usmca.negative_us_duty",
    "--us-duty-usd must not be negative, got {us_duty_usd}",
)
EXPORT_BEFORE_ENTRY = Template(
    "usmca.export_before_entry",
    "--export-date {export_date} is before --entry-date {entry_date}",
)


FX_ENTRY = Template("step.fx_entry", "exchange rate (entry)")()
FX_EXPORT = Template("step.fx_export", "exchange rate (export)")()
STEP_DAYS = Template("step.days_to_pay", "days to pay / prove")()
TEMPORARY_IMPORT = Template("formula.temporary_import", "date of the temporary import")()
DECLARED_VALUE = Template("formula.declared_value", "declared on the temporary pedimento")()
EXPORT_DATE = Template("formula.export_date", "date of the export (return) pedimento")()
AS_STATED = Template("formula.as_stated", "as stated by the user")()
WHOLE_DUTY = Template(
    "formula.whole_duty",
    "origin {origin} with a certification of USMCA origin: the whole MX duty ({duty})",
)
NOTHING_OWED = Template("formula.nothing_owed", "originating input: nothing owed")()
CALENDAR_DAYS = Template("formula.calendar_days", "calendar days after export ({source})")
PLUS_DAYS = Template("formula.plus_days", "{day} + {days} days")
PROOF_DUE = Template(
    "warn.usmca_proof_due",
    "proof of the US/CA duty paid is due within the period of USMCA 2.5; without it the full "
    "MX duty is owed (refundable later) — RULES U-2",
)()
NOT_WAIVED = Template(
    "warn.usmca_not_waived",
    "antidumping/countervailing duties are never waived under USMCA 2.5 (not computed here); "
    "no actualización or recargos to a later payment date are included",
)()
ORIGINATING = Template(
    "warn.usmca_originating",
    "origin {origin} with the {cert} certification stated: taken as USMCA-originating, nothing "
    "owed (RULES U-4) — the input must meet the rules of origin and the certification must be "
    "kept with the pedimento; a person must confirm",
)
PARTY_NOT_CERTIFIED = Template(
    "warn.usmca_party_not_certified",
    "origin {origin} is a USMCA party but no certification of USMCA origin was stated: the "
    "input is treated as non-originating and the duty is computed (RULES U-4 requires the "
    "certification); if it is originating and certified, state it (--origin-certified TMEC) "
    "and nothing is owed",
)
CERT_NOT_PARTY = Template(
    "warn.usmca_cert_not_party",
    "{cert} certification stated for origin {origin}, which is not a USMCA party (CAN, MEX, "
    "USA): not taken as originating; the duty is computed",
)


def compute_63a(request: UsmcaRequest, context: DutyContext) -> UsmcaResult:
    """LA 63-A / USMCA 2.5 on a non-originating input of a good exported to the US or Canada."""
    r = request
    check_positive(r.value_usd, "value_usd")
    if r.us_duty_usd < 0:
        raise InvalidInput(NEGATIVE_US_DUTY(us_duty_usd=r.us_duty_usd), field="us_duty_usd")
    if r.export_date < r.entry_date:
        raise InvalidInput(
            EXPORT_BEFORE_ENTRY(export_date=r.export_date, entry_date=r.entry_date),
            field="export_date",
        )
    warnings: list[str] = []
    trace = Trace()
    quote, fx_step = context.fx_part(r.entry_date, FX_ENTRY)
    trace.add(STEP["entry_date"], TEMPORARY_IMPORT, r.entry_date, "LA 56")
    trace.steps.append(fx_step)
    trace.add(STEP["value_usd"], DECLARED_VALUE, r.value_usd, REF_VALUE)
    va = r.value_usd * quote.rate
    trace.add(STEP["value_mxn"], f"{fmt(r.value_usd)} × {fmt(quote.rate)}", va, REF_VALUE, MONEY)
    query = RateQuery(r.fraccion, r.origin, r.entry_date, r.prosec_sectors, r.regla8, r.certified)
    decision, rate_steps = context.rate_part(query)
    warnings.extend(decision.warnings)
    chosen = chosen_option(decision, r.entry_date)
    trace.steps.extend(rate_steps)
    rate = chosen.rate or ZERO
    mx_duty = va * rate / 100
    trace.add(
        STEP["mx_duty"],
        f"{money(va)} × {fmt(rate)} / 100",
        mx_duty,
        joined([REF_63A, "RGCE 1.6.11"]),
        MONEY,
    )

    us_quote, us_fx_step = context.fx_part(r.export_date, FX_EXPORT)
    trace.add(STEP["export_date"], EXPORT_DATE, r.export_date, REF_63A)
    trace.add(STEP["us_duty_usd"], AS_STATED, r.us_duty_usd, REF_63A, MONEY)
    trace.steps.append(us_fx_step)
    us_mxn = r.us_duty_usd * us_quote.rate
    trace.add(
        STEP["us_duty_mxn"],
        f"{money(r.us_duty_usd)} × {fmt(us_quote.rate)}",
        us_mxn,
        REF_FX,
        MONEY,
    )
    originating, origin_note = _usmca_origin(r)
    if origin_note:
        warnings.append(origin_note)
    if originating:
        exemption = mx_duty
        trace.add(
            STEP["exemption"],
            WHOLE_DUTY(origin=r.origin, duty=money(mx_duty)),
            exemption,
            REF_63A_ORIG,
            MONEY,
        )
        owed = ZERO
        trace.add(STEP["owed"], NOTHING_OWED, owed, REF_63A_ORIG, PESOS)
    else:
        exemption = min(mx_duty, us_mxn)
        trace.add(
            STEP["exemption"],
            MIN_OF(a=money(mx_duty), b=money(us_mxn)),
            exemption,
            REF_63A_MIN,
            MONEY,
        )
        owed_exact = max(ZERO, mx_duty - exemption)
        trace.add(
            STEP["owed_exact"],
            MAX_OF(a="0", b=f"{money(mx_duty)} − {money(exemption)}"),
            owed_exact,
            REF_63A,
            MONEY,
        )
        owed = round_pesos(owed_exact)
        trace.add(STEP["owed"], WHOLE_PESOS, owed, REF_PAY, PESOS)
        warnings.append(PROOF_DUE)
    days, days_src = context.param(context.params.usmca_days, r.export_date)
    due_by = r.export_date + timedelta(days=int(days))
    trace.add(STEP_DAYS, CALENDAR_DAYS(source=days_src), days, REF_63A_DAYS)
    trace.add(STEP["due_by"], PLUS_DAYS(day=r.export_date, days=int(days)), due_by, REF_63A_DAYS)
    warnings.append(NOT_WAIVED)
    return UsmcaResult(
        r.reference, r.fraccion, r.origin, originating, r.value_usd, r.entry_date, r.export_date,
        quote, va, chosen.program, chosen.detail, rate, mx_duty, r.us_duty_usd,
        us_quote, us_mxn, exemption, owed, due_by, decision.options, trace.done(),
        unique([*warnings, *context.notes]),
    )  # fmt: skip


def _usmca_origin(r: UsmcaRequest) -> tuple[bool, str]:  # the note: a Msg
    """RULES U-4: an input owes nothing only if it is USMCA-originating *with certification*.

    A USMCA-party country of origin alone is not proof: without a stated certification the
    input is treated as non-originating (the duty is computed) and the result says so.
    """
    certs = [c for c in r.certified if is_usmca_agreement(c)]
    party = r.origin in USMCA_PARTIES
    if party and certs:
        return True, ORIGINATING(origin=r.origin, cert=agreement_name(certs[0]))
    if party:
        return False, PARTY_NOT_CERTIFIED(origin=r.origin)
    if certs:
        return False, CERT_NOT_PARTY(origin=r.origin, cert=agreement_name(certs[0]))
    return False, ""
