"""F4: the change of regime of an IMMEX input to definitive (LA 109; RULES C-1 … C-9).

:func:`compute_f4` is the reference; :func:`compute_f4_batch` gives the same results for
many requests at once, sharing what they have in common (see
:class:`~immex.domain.duties.context.DutyContext`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from immex.domain.duties.context import DutyContext, check_positive, chosen_option
from immex.domain.duties.results import (
    DtaResult,
    F4Policy,
    F4Request,
    F4Result,
    IvaResult,
    Surcharges,
    as_factor_rounding,
    as_policy,
)
from immex.domain.duties.trace import (
    REF_109,
    REF_CFF21,
    REF_DTA_I,
    REF_DTA_IV,
    REF_DTA_MIN,
    REF_IGI,
    REF_IVA,
    REF_IVA_CREDIT,
    REF_PAY,
    REF_POLICY,
    REF_VALUE,
    Trace,
    fmt,
)
from immex.domain.errors import BatchError, ErrorRecord, ImmexError, InvalidInput
from immex.domain.money import ZERO, round_half_up, round_pesos
from immex.domain.rates import FTA_PREFIX, RateOption, RateQuery, unique
from immex.domain.series import month_of


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_or_fraction(start: date, end: date) -> int:
    """Months "o fracción" from ``start`` to ``end`` (CFF 21): a started month counts whole."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    if add_months(start, months) < end:
        months += 1
    return months


def compute_f4(request: F4Request, context: DutyContext) -> F4Result:
    """One F4 change of regime (the reference implementation)."""
    r = request
    check_positive(r.value_usd, "value_usd")
    policy, rounding = as_policy(r.policy), as_factor_rounding(r.factor_rounding)
    if r.change_date < r.entry_date:
        raise InvalidInput(
            f"--change-date {r.change_date} is before --entry-date {r.entry_date}",
            field="change_date",
        )
    if r.paid_on is not None and r.paid_on < r.change_date:
        raise InvalidInput(
            f"--paid-on {r.paid_on} is before the change of regime {r.change_date}",
            field="paid_on",
        )
    warnings: list[str] = []
    trace = Trace()
    when = r.entry_date if policy is F4Policy.ENTRY_DATE else r.change_date
    trace.add(
        "policy",
        f"rates and exchange rate of the {policy.replace('_', ' ')} ({when})",
        policy,
        REF_POLICY,
    )
    trace.add("entry date", "date of the temporary import (pedimento IN)", r.entry_date, "RLA 173")
    trace.add("change date", "date of the F4 pedimento", r.change_date, "LA 109")

    quote, fx_step = context.fx_part(when, "exchange rate")
    trace.steps.append(fx_step)
    trace.add("customs value (USD)", "declared on the temporary pedimento", r.value_usd, REF_VALUE)
    va = r.value_usd * quote.rate
    trace.add(
        "customs value (MXN)", f"{fmt(r.value_usd)} × {fmt(quote.rate)}", va, f"{REF_VALUE}; CFF 20"
    )

    query = RateQuery(r.fraccion, r.origin, when, r.prosec_sectors, r.regla8, r.certified)
    decision, rate_steps = context.rate_part(query)
    warnings.extend(decision.warnings)
    chosen = chosen_option(decision, when)
    trace.steps.extend(rate_steps)
    rate = chosen.rate or ZERO
    igi = va * rate / 100
    trace.add("IGI", f"{fmt(va)} × {fmt(rate)} / 100", igi, REF_IGI)

    f, notes, factor_steps = context.factor_part(
        month_of(r.entry_date), month_of(r.change_date), rounding, "update factor", REF_109
    )
    warnings.extend(notes)
    trace.steps.extend(factor_steps)
    igi_upd_exact = igi * f.factor
    trace.add("IGI updated", f"{fmt(igi)} × {fmt(f.factor)}", igi_upd_exact, REF_109)
    igi_updated = round_pesos(igi_upd_exact)
    trace.add("IGI updated to pay", "whole pesos", igi_updated, REF_PAY)

    dta = _dta(r, context, trace, warnings, when, va, chosen)

    iva_pct, iva_src = context.param(context.params.iva_rate, when)
    base = va + igi + dta.amount
    trace.add(
        "IVA base",
        f"{fmt(va)} + {fmt(igi)} + {fmt(dta.amount)} (customs value + IGI before update + DTA)",
        base,
        REF_IVA,
    )
    trace.add("IVA rate", f"in force on {when}", iva_pct, f"LIVA 1; {iva_src}")
    iva_amount = base * iva_pct / 100
    trace.add("IVA", f"{fmt(base)} × {fmt(iva_pct)} / 100", iva_amount, REF_IVA)
    if r.certified_iva:
        iva_payable = ZERO
        trace.add(
            "IVA to pay", "credited in full (certified company): 0", iva_payable, REF_IVA_CREDIT
        )
    else:
        iva_payable = round_pesos(iva_amount)
        trace.add("IVA to pay", "whole pesos", iva_payable, REF_PAY)
    iva = IvaResult(base, iva_pct, iva_amount, r.certified_iva, iva_payable)

    surcharges = None
    if r.paid_on is not None and r.paid_on > r.change_date:
        due = igi_updated + dta.payable + iva_payable
        surcharges = _surcharges(
            context, trace, warnings, r.change_date, r.paid_on, due,
            f"{fmt(igi_updated)} + {fmt(dta.payable)} + {fmt(iva_payable)}", rounding,
        )  # fmt: skip

    parts = [igi_updated, dta.payable, iva_payable]
    labels = ["IGI updated", "DTA", "IVA"]
    if surcharges is not None:
        parts += [surcharges.update, surcharges.recargos]
        labels += ["actualización", "recargos"]
    total = sum(parts, ZERO)
    trace.add(
        "total",
        " + ".join(f"{fmt(p)} ({lab})" for p, lab in zip(parts, labels, strict=True)),
        total,
        "LA 109; LFD 49; LIVA 24; CFF 21",
    )
    if chosen.program.startswith(FTA_PREFIX):
        warnings.append(
            f"{chosen.program}: the preference requires the proof of origin stated with "
            "--origin-certified; a person must keep it with the pedimento"
        )
    return F4Result(
        r.reference, r.fraccion, r.origin, r.value_usd, r.entry_date, r.change_date, policy,
        when, quote, va, chosen.program, chosen.detail, rate, igi, f,
        igi_updated, dta, iva, surcharges, total, decision.options, trace.done(),
        unique([*warnings, *context.notes]),
    )  # fmt: skip


def _dta(
    r: F4Request,
    context: DutyContext,
    trace: Trace,
    warnings: list[str],
    when: date,
    va: Decimal,
    chosen: RateOption,
) -> DtaResult:
    fee = context.fixed_fee(when)
    if chosen.program.startswith(FTA_PREFIX):
        if fee is None:
            warnings.append(
                f"DTA: originating goods under {chosen.program} pay the fixed fee of LFD 49-IV, "
                f"whose amount for {when} is not in the data: DTA left at 0 — add the fee"
            )
            amount, src = ZERO, "amount not in the data"
        else:
            amount, src = fee
        trace.add("DTA", f"fixed fee per pedimento ({src})", amount, REF_DTA_IV)
        payable = round_pesos(amount)
        trace.add("DTA to pay", "whole pesos", payable, REF_PAY)
        return DtaResult("fixed fee (treaty, originating)", None, amount, payable, REF_DTA_IV)
    per_mille, src = context.param(context.params.dta_rate, when)
    trace.add("DTA rate", f"per thousand, in force on {when}", per_mille, f"{REF_DTA_I}; {src}")
    amount = va * per_mille / 1000
    trace.add("DTA", f"{fmt(va)} × {fmt(per_mille)} / 1000", amount, f"{REF_DTA_I}; {src}")
    basis, ref = "8 per thousand", REF_DTA_I
    if r.dta_minimum:
        if fee is None:
            warnings.append(
                f"DTA: the fixed fee of LFD 49-III for {when} is not in the data; the minimum "
                "(LFD 49, penultimate paragraphs) was not checked"
            )
        elif amount < fee[0]:
            amount = fee[0]
            basis, ref = "minimum: fixed fee of fr. III", REF_DTA_MIN
            trace.add("DTA minimum", f"8 per thousand below the fee ({fee[1]})", amount, ref)
    payable = round_pesos(amount)
    trace.add("DTA to pay", "whole pesos", payable, REF_PAY)
    return DtaResult(basis, per_mille, amount, payable, ref)


def cff21_monthly_rate(lif_rate: Decimal, increase_pct: Decimal) -> Decimal:
    """CFF 21: the Ley de Ingresos rate increased by ``increase_pct`` %, to the hundredth."""
    return round_half_up(lif_rate * (100 + increase_pct) / 100, 2)


def _surcharges(
    context: DutyContext,
    trace: Trace,
    warnings: list[str],
    due_date: date,
    paid_on: date,
    due: Decimal,
    due_formula: str,
    rounding: str,
) -> Surcharges:
    trace.add(
        "paid on", "after the date of the change of regime: late (CFF 21)", paid_on, REF_CFF21
    )
    trace.add("contributions due", due_formula, due, REF_CFF21)
    months = months_or_fraction(due_date, paid_on)
    # The LIF rate first: a missing Ley de Ingresos year is the usual gap; the error names it.
    context.param(context.params.surcharge_rate, due_date)
    max_years, max_src = context.param(context.params.surcharge_max_years, paid_on)
    max_months = int(max_years * 12)
    capped = min(months, max_months)
    if capped < months:
        warnings.append(f"recargos capped at {max_months} months ({max_src})")
    trace.add(
        "months late",
        f"months or fraction from {due_date} to {paid_on} (max. {max_months}: {max_src})",
        capped,
        REF_CFF21,
    )
    rates: list[Decimal] = []
    for k in range(capped):
        month_day = add_months(due_date, k)
        lif, src = context.param(context.params.surcharge_rate, month_day)
        increase, inc_src = context.param(context.params.surcharge_increase, month_day)
        monthly = cff21_monthly_rate(lif, increase)
        rates.append(monthly)
        trace.add(
            f"recargos rate month {k + 1}",
            f"{fmt(lif)} + {fmt(increase)} %, to the hundredth ({month_day:%Y-%m}; {src}; "
            f"{inc_src})",
            monthly,
            "CFF 21; Ley de Ingresos (LIF 2026 art. 11-I)",
        )
    rate = sum(rates, ZERO)
    trace.add("recargos rate", " + ".join(fmt(x) for x in rates) or "0", rate, REF_CFF21)
    f, notes, factor_steps = context.factor_part(
        month_of(due_date), month_of(paid_on), rounding, "late update factor",
        "CFF 21, 17-A: from the month due to payment",
    )  # fmt: skip
    warnings.extend(notes)
    trace.steps.extend(factor_steps)
    updated = due * f.factor
    trace.add("contributions updated", f"{fmt(due)} × {fmt(f.factor)}", updated, REF_CFF21)
    update = round_pesos(updated - due)
    trace.add("actualización to pay", f"{fmt(updated)} − {fmt(due)}, whole pesos", update, REF_PAY)
    recargos_exact = updated * rate / 100
    trace.add("recargos", f"{fmt(updated)} × {fmt(rate)} / 100", recargos_exact, REF_CFF21)
    recargos = round_pesos(recargos_exact)
    trace.add("recargos to pay", "whole pesos", recargos, REF_PAY)
    total = update + recargos
    trace.add("late payment total", f"{fmt(update)} + {fmt(recargos)}", total, REF_CFF21)
    return Surcharges(
        due_date, paid_on, capped, tuple(rates), rate, due, f, update, recargos,
        total,
    )  # fmt: skip


def compute_f4_batch(
    requests: Iterable[F4Request], context: DutyContext, *, source: str = "request"
) -> list[F4Result]:
    """Many F4 computations in one call (what the ledger's F4 planning uses).

    Same results as ``[compute_f4(r, context) for r in requests]`` (checked by a property
    test and by ``bench/bench_duties.py``), but the rate decision per (fracción, origin,
    registrations, date interval), the exchange rate per date, the update factor per
    (entry month, change month) and the parameters are computed once (see
    :class:`DutyContext`). Pass ``context.with_memo()`` yourself to share them across
    several batches (the ledger prices the same portions at best rate and at MFN).
    All-or-nothing: any bad request → :class:`BatchError` listing every one
    (``source:index: field: message``, index from 1; the request's ``reference`` if set).
    """
    ctx = context.with_memo()
    results: list[F4Result] = []
    errors: list[ErrorRecord] = []
    for i, request in enumerate(requests, start=1):
        try:
            results.append(compute_f4(request, ctx))
        except ImmexError as exc:
            where = f"{source} {request.reference}" if request.reference else source
            errors.append(ErrorRecord(where, i, exc.field, exc.message))
    if errors:
        raise BatchError(errors, f"{len(errors)} of {i} F4 computations failed; nothing computed")
    return results
