"""LA 63-A / USMCA 2.5: the Mexican duty on a non-originating input of a good exported to
the US or Canada (RULES U-1 … U-4)."""

from __future__ import annotations

from datetime import timedelta

from immex.domain.duties.context import DutyContext, check_positive, chosen_option
from immex.domain.duties.results import UsmcaRequest, UsmcaResult
from immex.domain.duties.trace import REF_63A, REF_63A_ORIG, REF_FX, REF_PAY, REF_VALUE, Trace, fmt
from immex.domain.errors import InvalidInput
from immex.domain.money import ZERO, round_pesos
from immex.domain.rates import USMCA_PARTIES, RateQuery, is_usmca_agreement, unique


def compute_63a(request: UsmcaRequest, context: DutyContext) -> UsmcaResult:
    """LA 63-A / USMCA 2.5 on a non-originating input of a good exported to the US or Canada."""
    r = request
    check_positive(r.value_usd, "value_usd")
    if r.us_duty_usd < 0:
        raise InvalidInput(
            f"--us-duty-usd must not be negative, got {r.us_duty_usd}", field="us_duty_usd"
        )
    if r.export_date < r.entry_date:
        raise InvalidInput(
            f"--export-date {r.export_date} is before --entry-date {r.entry_date}",
            field="export_date",
        )
    warnings: list[str] = []
    trace = Trace()
    quote, fx_step = context.fx_part(r.entry_date, "exchange rate (entry)")
    trace.add("entry date", "date of the temporary import", r.entry_date, "LA 56")
    trace.steps.append(fx_step)
    trace.add("customs value (USD)", "declared on the temporary pedimento", r.value_usd, REF_VALUE)
    va = r.value_usd * quote.rate
    trace.add("customs value (MXN)", f"{fmt(r.value_usd)} × {fmt(quote.rate)}", va, REF_VALUE)
    query = RateQuery(r.fraccion, r.origin, r.entry_date, r.prosec_sectors, r.regla8, r.certified)
    decision, rate_steps = context.rate_part(query)
    warnings.extend(decision.warnings)
    chosen = chosen_option(decision, r.entry_date)
    trace.steps.extend(rate_steps)
    rate = chosen.rate or ZERO
    mx_duty = va * rate / 100
    trace.add("MX duty", f"{fmt(va)} × {fmt(rate)} / 100", mx_duty, f"{REF_63A}; RGCE 1.6.11")

    us_quote, us_fx_step = context.fx_part(r.export_date, "exchange rate (export)")
    trace.add("export date", "date of the export (return) pedimento", r.export_date, REF_63A)
    trace.add("US/CA duty paid (USD)", "as stated by the user", r.us_duty_usd, REF_63A)
    trace.steps.append(us_fx_step)
    us_mxn = r.us_duty_usd * us_quote.rate
    trace.add(
        "US/CA duty (MXN)", f"{fmt(r.us_duty_usd)} × {fmt(us_quote.rate)}", us_mxn, f"{REF_FX}"
    )
    originating, origin_note = _usmca_origin(r)
    if origin_note:
        warnings.append(origin_note)
    if originating:
        exemption = mx_duty
        trace.add(
            "exemption",
            f"origin {r.origin} with a certification of USMCA origin: the whole MX duty "
            f"({fmt(mx_duty)})",
            exemption,
            REF_63A_ORIG,
        )
        owed = ZERO
        trace.add("owed", "originating input: nothing owed", owed, REF_63A_ORIG)
    else:
        exemption = min(mx_duty, us_mxn)
        trace.add(
            "exemption", f"min({fmt(mx_duty)}, {fmt(us_mxn)})", exemption, f"{REF_63A}: min(MX, US)"
        )
        owed_exact = max(ZERO, mx_duty - exemption)
        trace.add("owed (exact)", f"max(0, {fmt(mx_duty)} − {fmt(exemption)})", owed_exact, REF_63A)
        owed = round_pesos(owed_exact)
        trace.add("owed", "whole pesos", owed, REF_PAY)
        warnings.append(
            "proof of the US/CA duty paid is due within the period of USMCA 2.5; without it "
            "the full MX duty is owed (refundable later) — RULES U-2"
        )
    days, days_src = context.param(context.params.usmca_days, r.export_date)
    due_by = r.export_date + timedelta(days=int(days))
    trace.add(
        "days to pay / prove",
        f"calendar days after export ({days_src})",
        days,
        "USMCA 2.5; LA 63-A",
    )
    trace.add("due by", f"{r.export_date} + {int(days)} days", due_by, "USMCA 2.5; LA 63-A")
    warnings.append(
        "antidumping/countervailing duties are never waived under USMCA 2.5 (not computed here); "
        "no actualización or recargos to a later payment date are included"
    )
    return UsmcaResult(
        r.reference, r.fraccion, r.origin, originating, r.value_usd, r.entry_date, r.export_date,
        quote, va, chosen.program, chosen.detail, rate, mx_duty, r.us_duty_usd,
        us_quote, us_mxn, exemption, owed, due_by, decision.options, trace.done(),
        unique([*warnings, *context.notes]),
    )  # fmt: skip


def _usmca_origin(r: UsmcaRequest) -> tuple[bool, str]:
    """RULES U-4: an input owes nothing only if it is USMCA-originating *with certification*.

    A USMCA-party country of origin alone is not proof: without a stated certification the
    input is treated as non-originating (the duty is computed) and the result says so.
    """
    certs = [c for c in r.certified if is_usmca_agreement(c)]
    party = r.origin in USMCA_PARTIES
    if party and certs:
        return True, (
            f"origin {r.origin} with the {certs[0]} certification stated: taken as "
            "USMCA-originating, nothing owed (RULES U-4) — the input must meet the rules of "
            "origin and the certification must be kept with the pedimento; a person must confirm"
        )
    if party:
        return False, (
            f"origin {r.origin} is a USMCA party but no certification of USMCA origin was "
            "stated: the input is treated as non-originating and the duty is computed (RULES "
            "U-4 requires the certification); if it is originating and certified, state it "
            "(--origin-certified TMEC) and nothing is owed"
        )
    if certs:
        return False, (
            f"{certs[0]} certification stated for origin {r.origin}, which is not a USMCA "
            "party (CAN, MEX, USA): not taken as originating; the duty is computed"
        )
    return False, ""
