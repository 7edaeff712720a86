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
    MONEY,
    PESOS,
    REF_109,
    REF_CFF21,
    REF_DTA_I,
    REF_DTA_IV,
    REF_DTA_MIN,
    REF_IGI,
    REF_IVA,
    REF_IVA_CREDIT,
    REF_LATE_FACTOR,
    REF_PAY,
    REF_POLICY,
    REF_VALUE,
    STEP,
    STEP_RECARGOS_MONTH,
    WHOLE_PESOS,
    Trace,
    fmt,
    money,
    policy_label,
)
from immex.domain.errors import BatchError, ErrorRecord, ImmexError, InvalidInput
from immex.domain.messages import Template, joined
from immex.domain.money import ZERO, round_half_up, round_pesos
from immex.domain.rate_rows import program_name
from immex.domain.rates import FTA_PREFIX, RateOption, RateQuery, unique
from immex.domain.series import month_of

#: the basis of a line's DTA (LFD 49-I, its minimum, or the treaty fee of fr. IV)
BASIS_PER_THOUSAND = Template("dta.basis.per_thousand", "8 per thousand")()
BASIS_MINIMUM = Template("dta.basis.minimum", "minimum: fixed fee of fr. III")()
BASIS_TREATY = Template("dta.basis.treaty", "fixed fee (treaty, originating)")()
CHANGE_BEFORE_ENTRY = Template(
    "f4.change_before_entry",
    "--change-date {change_date} is before --entry-date {entry_date}",
)
PAID_BEFORE_CHANGE = Template(
    "f4.paid_before_change",
    "--paid-on {paid_on} is before the change of regime {change_date}",
)
SOME_FAILED = Template("f4.some_failed", "{n} of {i} F4 computations failed; nothing computed")


POLICY_ENTRY = Template("formula.policy_entry", "rates and exchange rate of the entry date ({day})")
POLICY_CHANGE = Template(
    "formula.policy_change", "rates and exchange rate of the change date ({day})"
)
TEMPORARY_IMPORT_DATE = Template(
    "formula.temporary_import_date", "date of the temporary import (pedimento IN)"
)()
F4_DATE = Template("formula.f4_date", "date of the F4 pedimento")()
DECLARED_VALUE = Template("formula.declared_value", "declared on the temporary pedimento")()
IVA_BASE = Template(
    "formula.iva_base", "{va} + {igi} + {dta} (customs value + IGI before update + DTA)"
)
IN_FORCE_ON = Template("formula.in_force_on", "in force on {day}")
IVA_CREDITED = Template("formula.iva_credited", "credited in full (certified company): 0")()
TERM = Template("formula.term", "{amount} ({label})")
PROOF_OF_ORIGIN = Template(
    "warn.proof_of_origin",
    "{program}: the preference requires the proof of origin stated with --origin-certified; "
    "a person must keep it with the pedimento",
)
DTA_IV_MISSING = Template(
    "warn.dta_iv_missing",
    "DTA: originating goods under {program} pay the fixed fee of LFD 49-IV, whose amount for "
    "{day} is not in the data: DTA left at 0 — add the fee",
)
AMOUNT_NOT_IN_DATA = Template("formula.amount_not_in_data", "amount not in the data")()
FIXED_FEE = Template("formula.fixed_fee", "fixed fee per pedimento ({source})")
PER_MILLE_IN_FORCE = Template("formula.per_mille_in_force", "per thousand, in force on {day}")
DTA_III_MISSING = Template(
    "warn.dta_iii_missing",
    "DTA: the fixed fee of LFD 49-III for {day} is not in the data; the minimum (LFD 49, "
    "penultimate paragraphs) was not checked",
)
BELOW_FEE = Template("formula.below_fee", "8 per thousand below the fee ({source})")
PAID_LATE = Template("formula.paid_late", "after the date of the change of regime: late (CFF 21)")()
RECARGOS_CAPPED = Template("warn.recargos_capped", "recargos capped at {months} months ({source})")
MONTHS_LATE = Template(
    "formula.months_late", "months or fraction from {start} to {end} (max. {most}: {source})"
)
MONTHLY_RATE = Template(
    "formula.monthly_rate", "{lif} + {increase} %, to the hundredth ({month}; {source})"
)
MINUS_WHOLE = Template("formula.minus_whole", "{a} − {b}, whole pesos")


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
            CHANGE_BEFORE_ENTRY(change_date=r.change_date, entry_date=r.entry_date),
            field="change_date",
        )
    if r.paid_on is not None and r.paid_on < r.change_date:
        raise InvalidInput(
            PAID_BEFORE_CHANGE(paid_on=r.paid_on, change_date=r.change_date),
            field="paid_on",
        )
    warnings: list[str] = []
    trace = Trace()
    when = r.entry_date if policy is F4Policy.ENTRY_DATE else r.change_date
    policy_formula = POLICY_ENTRY if policy is F4Policy.ENTRY_DATE else POLICY_CHANGE
    trace.add(STEP["policy"], policy_formula(day=when), policy_label(policy), REF_POLICY)
    trace.add(STEP["entry_date"], TEMPORARY_IMPORT_DATE, r.entry_date, "RLA 173")
    trace.add(STEP["change_date"], F4_DATE, r.change_date, "LA 109")

    quote, fx_step = context.fx_part(when, STEP["fx"])
    trace.steps.append(fx_step)
    trace.add(STEP["value_usd"], DECLARED_VALUE, r.value_usd, REF_VALUE)
    va = r.value_usd * quote.rate
    trace.add(
        STEP["value_mxn"],
        f"{fmt(r.value_usd)} × {fmt(quote.rate)}",
        va,
        joined([REF_VALUE, "CFF 20"]),
        MONEY,
    )

    query = RateQuery(r.fraccion, r.origin, when, r.prosec_sectors, r.regla8, r.certified)
    decision, rate_steps = context.rate_part(query)
    warnings.extend(decision.warnings)
    chosen = chosen_option(decision, when)
    trace.steps.extend(rate_steps)
    rate = chosen.rate or ZERO
    igi = va * rate / 100
    trace.add("IGI", f"{money(va)} × {fmt(rate)} / 100", igi, REF_IGI, MONEY)

    f, notes, factor_steps = context.factor_part(
        month_of(r.entry_date), month_of(r.change_date), rounding, STEP["update_factor"], REF_109
    )
    warnings.extend(notes)
    trace.steps.extend(factor_steps)
    igi_upd_exact = igi * f.factor
    trace.add(STEP["igi_updated"], f"{money(igi)} × {fmt(f.factor)}", igi_upd_exact, REF_109, MONEY)
    igi_updated = round_pesos(igi_upd_exact)
    trace.add(STEP["igi_updated_pay"], WHOLE_PESOS, igi_updated, REF_PAY, PESOS)

    dta = _dta(r, context, trace, warnings, when, va, chosen)

    iva_pct, iva_src = context.param(context.params.iva_rate, when)
    base = va + igi + dta.amount
    trace.add(
        STEP["iva_base"],
        IVA_BASE(va=money(va), igi=money(igi), dta=money(dta.amount)),
        base,
        REF_IVA,
        MONEY,
    )
    trace.add(STEP["iva_rate"], IN_FORCE_ON(day=when), iva_pct, joined(["LIVA 1", iva_src]))
    iva_amount = base * iva_pct / 100
    trace.add("IVA", f"{money(base)} × {fmt(iva_pct)} / 100", iva_amount, REF_IVA, MONEY)
    if r.certified_iva:
        iva_payable = ZERO
        trace.add(STEP["iva_pay"], IVA_CREDITED, iva_payable, REF_IVA_CREDIT, PESOS)
    else:
        iva_payable = round_pesos(iva_amount)
        trace.add(STEP["iva_pay"], WHOLE_PESOS, iva_payable, REF_PAY, PESOS)
    iva = IvaResult(base, iva_pct, iva_amount, r.certified_iva, iva_payable)

    surcharges = None
    if r.paid_on is not None and r.paid_on > r.change_date:
        due = igi_updated + dta.payable + iva_payable
        surcharges = _surcharges(
            context, trace, warnings, r.change_date, r.paid_on, due,
            f"{fmt(igi_updated)} + {fmt(dta.payable)} + {fmt(iva_payable)}", rounding,
        )  # fmt: skip

    parts = [igi_updated, dta.payable, iva_payable]
    labels: list[str] = [STEP["igi_updated"], "DTA", "IVA"]
    if surcharges is not None:
        parts += [surcharges.update, surcharges.recargos]
        labels += ["actualización", "recargos"]
    total = sum(parts, ZERO)
    # CFF 21 (actualización and recargos of a late payment, RULES C-7) is cited only when
    # they were computed: paid on the date of the change of regime, none are owed
    total_ref = "LA 109; LFD 49; LIVA 24" + ("; CFF 21" if surcharges is not None else "")
    trace.add(
        STEP["total"],
        joined(
            [TERM(amount=fmt(p), label=lab) for p, lab in zip(parts, labels, strict=True)],
            " + ",
        ),
        total,
        total_ref,
        PESOS,
    )
    if chosen.program.startswith(FTA_PREFIX):
        warnings.append(PROOF_OF_ORIGIN(program=program_name(chosen.program, chosen.detail)))
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
    src: str
    if chosen.program.startswith(FTA_PREFIX):
        if fee is None:
            warnings.append(
                DTA_IV_MISSING(program=program_name(chosen.program, chosen.detail), day=when)
            )
            amount, src = ZERO, AMOUNT_NOT_IN_DATA
        else:
            amount, src = fee
        trace.add("DTA", FIXED_FEE(source=src), amount, REF_DTA_IV, MONEY)
        payable = round_pesos(amount)
        trace.add(STEP["dta_pay"], WHOLE_PESOS, payable, REF_PAY, PESOS)
        return DtaResult(BASIS_TREATY, None, amount, payable, REF_DTA_IV)
    per_mille, src = context.param(context.params.dta_rate, when)
    trace.add(STEP["dta_rate"], PER_MILLE_IN_FORCE(day=when), per_mille, joined([REF_DTA_I, src]))
    amount = va * per_mille / 1000
    trace.add(
        "DTA", f"{money(va)} × {fmt(per_mille)} / 1000", amount, joined([REF_DTA_I, src]), MONEY
    )
    basis, ref = BASIS_PER_THOUSAND, REF_DTA_I
    if r.dta_minimum:
        if fee is None:
            warnings.append(DTA_III_MISSING(day=when))
        elif amount < fee[0]:
            amount = fee[0]
            basis, ref = BASIS_MINIMUM, REF_DTA_MIN
            trace.add(STEP["dta_minimum"], BELOW_FEE(source=fee[1]), amount, ref, MONEY)
    payable = round_pesos(amount)
    trace.add(STEP["dta_pay"], WHOLE_PESOS, payable, REF_PAY, PESOS)
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
    trace.add(STEP["paid_on"], PAID_LATE, paid_on, REF_CFF21)
    trace.add(STEP["due"], due_formula, due, REF_CFF21, PESOS)
    months = months_or_fraction(due_date, paid_on)
    # The LIF rate first: a missing Ley de Ingresos year is the usual gap; the error names it.
    context.param(context.params.surcharge_rate, due_date)
    max_years, max_src = context.param(context.params.surcharge_max_years, paid_on)
    max_months = int(max_years * 12)
    capped = min(months, max_months)
    if capped < months:
        warnings.append(RECARGOS_CAPPED(months=max_months, source=max_src))
    trace.add(
        STEP["months_late"],
        MONTHS_LATE(start=due_date, end=paid_on, most=max_months, source=max_src),
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
            STEP_RECARGOS_MONTH(n=k + 1),
            MONTHLY_RATE(
                lif=fmt(lif),
                increase=fmt(increase),
                month=f"{month_day:%Y-%m}",
                source=joined([src, inc_src]),
            ),
            monthly,
            "CFF 21; Ley de Ingresos (LIF 2026 art. 11-I)",
        )
    rate = sum(rates, ZERO)
    trace.add(STEP["recargos_rate"], " + ".join(fmt(x) for x in rates) or "0", rate, REF_CFF21)
    f, notes, factor_steps = context.factor_part(
        month_of(due_date), month_of(paid_on), rounding, STEP["late_factor"], REF_LATE_FACTOR,
    )  # fmt: skip
    warnings.extend(notes)
    trace.steps.extend(factor_steps)
    updated = due * f.factor
    trace.add(STEP["updated"], f"{fmt(due)} × {fmt(f.factor)}", updated, REF_CFF21, MONEY)
    update = round_pesos(updated - due)
    trace.add(STEP["update_pay"], MINUS_WHOLE(a=money(updated), b=fmt(due)), update, REF_PAY, PESOS)
    recargos_exact = updated * rate / 100
    trace.add("recargos", f"{money(updated)} × {fmt(rate)} / 100", recargos_exact, REF_CFF21, MONEY)
    recargos = round_pesos(recargos_exact)
    trace.add(STEP["recargos_pay"], WHOLE_PESOS, recargos, REF_PAY, PESOS)
    total = update + recargos
    trace.add(STEP["late_total"], f"{fmt(update)} + {fmt(recargos)}", total, REF_CFF21, PESOS)
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
        raise BatchError(errors, SOME_FAILED(n=len(errors), i=i))
    return results
