"""Duties that explain themselves: the F4 change of regime and the LA 63-A / USMCA 2.5 payment.

Every result carries ``trace``: the ordered steps (name, formula, value, legal reference)
a person can redo by hand; every figure of the result is the value of one step.

Rounding happens only at the legal steps, and only there:

* the update factor to the ten-thousandth (CFF 17-A, last paragraph) — ``truncate``
  (default) or ``round``, named in the result (done by :meth:`InpcSeries.factor`);
* the monthly surcharge rate to the hundredth (CFF 21, first paragraph);
* every amount *to pay* (IGI updated, DTA, IVA, actualización, recargos, the 63-A amount)
  to whole pesos (CFF 20, 7th paragraph — :func:`immex.domain.money.round_pesos`).

Customs value, IGI before update and the IVA base keep every decimal ("para determinar
las contribuciones se considerarán, inclusive, las fracciones del peso", CFF 20).

F4 (LA 109; RULES C-1 … C-9), policy ``entry_date`` (default) or ``change_date``::

    VA      = value_usd × FIX(policy date)                       RLA 140, CFF 20
    IGI     = VA × best_rate(policy date) / 100                  RGCE 1.6.11, LA 56 / 93
    factor  = INPC(month before change month) / INPC(month before entry month)  CFF 17-A
    IGI_upd = IGI × factor → whole pesos                         LA 109, CFF 17-A, CFF 20
    DTA     = VA × 8 / 1000 (min. fixed fee fr. III), or the fixed fee of fr. IV when an
              agreement preference is claimed for originating goods          LFD 49
    IVA     = 16 % × (VA + IGI + DTA); credited (0 to pay) if certified      LIVA 24, 27, 28-A
    late    = (due × update factor change→payment) + recargos (rate × months or fraction)
                                                                              CFF 21, LIF art. 11
    total   = IGI_upd + DTA + IVA to pay + actualización + recargos

63-A (USMCA 2.5; RULES U-1 … U-4)::

    mx_duty = value_usd × FIX(entry) × best_rate(entry) / 100    RGCE 1.6.11
    us_mxn  = us_duty_usd × FIX(export date)                     CFF 20
    owed    = max(0, mx_duty − min(mx_duty, us_mxn)) → whole pesos; due export + 60 days
    owed    = 0 for a USMCA-originating input: a USMCA party as origin *and* a stated
              certification of USMCA origin (RULES U-4); a party without it is non-originating

The batch API (:func:`compute_f4_batch`) gives the same results as calling
:func:`compute_f4` one by one (the reference), sharing the rate decisions, exchange rates and
update factors between requests.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from immex.domain.dated import Parameter
from immex.domain.errors import BatchError, ErrorRecord, ImmexError, InvalidInput
from immex.domain.money import ONE, ZERO, round_half_up, round_pesos
from immex.domain.rates import (
    FTA_PREFIX,
    USMCA_PARTIES,
    MfnLookup,
    RateBook,
    RateDecision,
    RateOption,
    RateQuery,
    Regla8Authorization,
    is_usmca_agreement,
    unique,
)
from immex.domain.series import (
    FACTOR_ROUNDINGS,
    FxQuote,
    FxSeries,
    InpcFactor,
    InpcSeries,
    Month,
    month_of,
    month_str,
    previous_month,
)
from immex.domain.tariff import RateAt

POLICIES = ("entry_date", "change_date")

#: CFF 21, 1st paragraph: the monthly rate is the one fixed by the Ley de Ingresos "incrementada

REF_POLICY = "LA 56 (rates and exchange rate of the entry date) vs LA 93 — RULES C-3"
REF_FX = "CFF 20, 3rd paragraph: FIX published in the DOF the banking day before"
REF_VALUE = "RLA 140: value declared on the temporary pedimento (RULES C-2)"
REF_RATE = "RGCE 1.6.11: lowest lawful rate (LIGIE, PROSEC, Regla 8ª, agreement)"
REF_IGI = "LA 51-I, 64; LIGIE art. 1"
REF_1917A = "CFF 17-A: INPC month before the latest / month before the earliest; <1 → 1"
REF_109 = "LA 109, 2nd paragraph: IGI updated from the month of entry to the change"
REF_PAY = "CFF 20, 7th paragraph: paid in whole pesos (.01–.50 down, .51–.99 up)"
REF_DTA_I = "LFD 49-I: 8 per thousand of the customs value"
REF_DTA_MIN = "LFD 49, penultimate paragraphs: not less than the fee of fr. III"
REF_DTA_IV = "LFD 49-IV: fixed fee when a treaty forbids charges on value (originating)"
REF_IVA = "LIVA 24-I, 27: customs value + IGI + other contributions of the import"
REF_IVA_CREDIT = "LIVA 28-A: certified companies credit 100 % of the import IVA"
REF_CFF21 = "CFF 21: actualización + recargos for each month or fraction, max. 5 years"
REF_63A = "LA 63-A; USMCA art. 2.5 (RULES U-1, U-2)"
REF_63A_ORIG = "USMCA art. 2.5: originating inputs owe nothing (RULES U-4)"


# --------------------------------------------------------------------------- parameters


#: names of the curated parameters (immex/refdata/sources/parameters.yaml)
PARAM_IVA = "iva.rate"
PARAM_DTA = "dta.ad_valorem"
PARAM_DTA_FEE = "dta.immex_temporary_fee"
PARAM_SURCHARGE = "recargos.lif_monthly_rate"
PARAM_SURCHARGE_INCREASE = "recargos.cff21_increase"
PARAM_SURCHARGE_MAX_YEARS = "recargos.max_years"
PARAM_USMCA_DAYS = "usmca.proof_period_days"
#: every parameter the duty engine reads (and so the ones a workspace may load values for)
DUTY_PARAMETERS = (
    PARAM_IVA,
    PARAM_DTA,
    PARAM_DTA_FEE,
    PARAM_SURCHARGE,
    PARAM_SURCHARGE_INCREASE,
    PARAM_SURCHARGE_MAX_YEARS,
    PARAM_USMCA_DAYS,
)


@dataclass(frozen=True, slots=True)
class DutyParameters:
    """The effective-dated figures the duties need (loaded from ``immex.refdata``)."""

    iva_rate: Parameter[Decimal]  # percent, 16
    dta_rate: Parameter[Decimal]  # per thousand, 8 (LFD 49-I)
    surcharge_rate: Parameter[Decimal]  # Ley de Ingresos monthly rate, percent (1.38 in 2026)
    surcharge_increase: Parameter[Decimal]  # CFF 21: percent added to the LIF rate (50)
    surcharge_max_years: Parameter[Decimal]  # CFF 21: recargos accrue for at most (5) years
    usmca_days: Parameter[Decimal]  # 60 days to prove the US/CA duty
    dta_fixed_fee: Parameter[Decimal] | None = None  # LFD 49-III/IV pesos per pedimento

    @classmethod
    def of(cls, params: Mapping[str, Parameter[Any]]) -> DutyParameters:
        """The duty parameters from the curated records by name (``DUTY_PARAMETERS``)."""
        # the DTA fixed fee may be absent: the duty says when it could not apply it
        missing = [n for n in DUTY_PARAMETERS if n != PARAM_DTA_FEE and n not in params]
        if missing:
            raise InvalidInput(
                f"reference parameters missing: {', '.join(missing)}; "
                "rebuild with `immex refdata build`"
            )
        return cls(
            iva_rate=params[PARAM_IVA],
            dta_rate=params[PARAM_DTA],
            surcharge_rate=params[PARAM_SURCHARGE],
            surcharge_increase=params[PARAM_SURCHARGE_INCREASE],
            surcharge_max_years=params[PARAM_SURCHARGE_MAX_YEARS],
            usmca_days=params[PARAM_USMCA_DAYS],
            dta_fixed_fee=params.get(PARAM_DTA_FEE),
        )


# --------------------------------------------------------------------------- trace


Figure = Decimal | int | str | date


@dataclass(frozen=True, slots=True)
class TraceStep:
    name: str
    formula: str
    value: Figure
    reference: str


def fmt(value: Decimal) -> str:
    return format(value, "f")


class Trace:
    """An ordered list of steps being written."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps: list[TraceStep] = []

    def add(self, name: str, formula: str, value: Figure, reference: str) -> None:
        self.steps.append(TraceStep(name, formula, value, reference))

    def done(self) -> tuple[TraceStep, ...]:
        return tuple(self.steps)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class FxUsed:
    for_date: date
    rate: Decimal
    determined_on: date
    published_on: date
    source: str

    @classmethod
    def of(cls, quote: FxQuote) -> FxUsed:
        return cls(
            quote.for_date, quote.rate, quote.determined_on, quote.published_on, quote.source
        )


@dataclass(frozen=True, slots=True)
class FactorUsed:
    factor: Decimal
    raw: Decimal
    rounding: str
    from_month: str
    to_month: str
    numerator_month: str
    numerator: Decimal
    denominator_month: str
    denominator: Decimal
    floored: bool

    @classmethod
    def of(cls, f: InpcFactor) -> FactorUsed:
        return cls(
            f.factor, f.raw, f.rounding, month_str(f.from_month), month_str(f.to_month),
            month_str(f.numerator_month), f.numerator, month_str(f.denominator_month),
            f.denominator, f.floored,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DtaResult:
    basis: str  # "8 per thousand" | "minimum fixed fee" | "fixed fee (treaty)" | …
    rate: Decimal | None  # per thousand when on value
    amount: Decimal
    payable: Decimal
    reference: str


@dataclass(frozen=True, slots=True)
class IvaResult:
    base: Decimal
    rate: Decimal
    amount: Decimal
    credited: bool
    payable: Decimal


@dataclass(frozen=True, slots=True)
class Surcharges:
    due_date: date
    paid_on: date
    months: int
    monthly_rates: tuple[Decimal, ...]  # one per month or fraction (CFF 21 rate)
    rate: Decimal  # sum, percent
    base: Decimal  # contributions due (whole pesos)
    update_factor: FactorUsed
    update: Decimal  # actualización to pay (whole pesos)
    recargos: Decimal  # to pay (whole pesos)
    total: Decimal


@dataclass(frozen=True, slots=True)
class F4Request:
    fraccion: str  # dotted
    value_usd: Decimal
    entry_date: date
    change_date: date
    origin: str = ""
    prosec_sectors: tuple[str, ...] = ()
    certified: tuple[str, ...] = ()
    regla8: tuple[Regla8Authorization, ...] = ()
    policy: str = "entry_date"
    factor_rounding: str = "truncate"
    certified_iva: bool = False
    paid_on: date | None = None
    #: False when the request is one portion of a larger pedimento (the DTA minimum of
    #: LFD 49 applies per pedimento, not per portion)
    dta_minimum: bool = True
    reference: str = ""


@dataclass(frozen=True, slots=True)
class F4Result:
    reference: str
    fraccion: str
    origin: str
    value_usd: Decimal
    entry_date: date
    change_date: date
    policy: str
    policy_date: date
    fx: FxUsed
    customs_value_mxn: Decimal
    program: str
    program_detail: str
    rate: Decimal
    igi: Decimal
    inpc_factor: FactorUsed
    igi_updated: Decimal  # whole pesos to pay
    dta: DtaResult
    iva: IvaResult
    surcharges: Surcharges | None
    total: Decimal
    options: tuple[RateOption, ...]
    trace: tuple[TraceStep, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UsmcaRequest:
    fraccion: str
    value_usd: Decimal
    entry_date: date
    export_date: date
    origin: str
    us_duty_usd: Decimal
    prosec_sectors: tuple[str, ...] = ()
    regla8: tuple[Regla8Authorization, ...] = ()
    certified: tuple[str, ...] = ()
    reference: str = ""


@dataclass(frozen=True, slots=True)
class UsmcaResult:
    reference: str
    fraccion: str
    origin: str
    originating: bool
    value_usd: Decimal
    entry_date: date
    export_date: date
    fx: FxUsed
    customs_value_mxn: Decimal
    program: str
    program_detail: str
    rate: Decimal
    mx_duty: Decimal
    us_duty_usd: Decimal
    us_fx: FxUsed
    us_duty_mxn: Decimal
    exemption: Decimal
    owed: Decimal  # whole pesos
    due_by: date
    options: tuple[RateOption, ...]
    trace: tuple[TraceStep, ...]
    warnings: tuple[str, ...]


# --------------------------------------------------------------------------- context


V = TypeVar("V")
_MISSING = object()


@dataclass
class DutyContext:
    """Everything a duty computation reads: series, parameters, rate data, LIGIE lookup.

    ``memo=True`` (what :func:`compute_f4_batch` uses) shares between computations: the
    rate decision and its trace steps per (fracción, origin, registrations, LIGIE rate in
    force, interval between the loaded rows' boundaries) — see
    :meth:`RateBook.interval_key` —, the FIX and its step per date, the update factor and
    its steps per (start month, end month, rounding), and parameter values per date. A
    memo context is meant for one batch (its cache grows with the distinct keys).
    """

    fx: FxSeries
    inpc: InpcSeries
    params: DutyParameters
    book: RateBook
    mfn: MfnLookup
    notes: tuple[str, ...] = ()  # said in every result (data used, as of when)
    memo: bool = False
    _cache: dict[tuple[object, ...], object] = field(default_factory=dict, init=False, repr=False)

    def _get(self, key: tuple[object, ...], make: Callable[[], V]) -> V:
        if not self.memo:
            return make()
        found = self._cache.get(key, _MISSING)
        if found is _MISSING:
            found = self._cache[key] = make()
        return found  # type: ignore[return-value]

    def decision(self, query: RateQuery) -> RateDecision:
        """The rate decision; with memo, one per interval of dates where nothing changes."""
        decision = self.rate_part(query)[0]
        if decision.as_of != query.when:
            decision = replace(decision, as_of=query.when)
        return decision

    def rate_part(self, query: RateQuery) -> tuple[RateDecision, tuple[TraceStep, ...]]:
        """The decision and its trace steps (each option, the one chosen); with memo the
        decision's ``as_of`` may be another date of the same interval (use :meth:`decision`
        for a decision to show)."""
        if not self.memo:
            decision = self.book.decide(query, self.mfn)
            return decision, _rate_steps(decision)
        mfn_key = ("mfn", query.fraccion, query.when)
        bundled: RateAt | None = self._cache.get(mfn_key)  # type: ignore[assignment]
        if bundled is None:
            bundled = self._cache[mfn_key] = self.mfn(query.fraccion, query.when)
        key = ("rate", *self.book.interval_key(query, bundled, self.mfn))
        cached: tuple[RateDecision, tuple[TraceStep, ...]] | None
        cached = self._cache.get(key)  # type: ignore[assignment]
        if cached is None:
            made = self.book.decide(query, self.mfn, bundled)
            cached = (made, _rate_steps(made))
            self._cache[key] = cached
        return cached  # its as_of may be another date of the same interval

    def fx_for(self, day: date) -> FxQuote:
        return self._get(("fx", day), lambda: self.fx.for_pedimento(day))

    def fx_part(self, day: date, name: str) -> tuple[FxUsed, TraceStep]:
        key = ("fx step", day, name)
        found = self._cache.get(key) if self.memo else None
        if found is None:
            quote = self.fx.for_pedimento(day)
            found = (FxUsed.of(quote), _fx_step(name, quote))
            if self.memo:
                self._cache[key] = found
        return found  # type: ignore[return-value]

    def factor(self, start: Month, end: Month, rounding: str) -> InpcFactor:
        return self._get(
            ("inpc", start, end, rounding), lambda: _factor(self.inpc, start, end, rounding)
        )

    def factor_part(
        self, start: Month, end: Month, rounding: str, label: str, reference: str
    ) -> tuple[FactorUsed, tuple[str, ...], tuple[TraceStep, ...]]:
        key = ("inpc steps", start, end, rounding, label)
        found = self._cache.get(key) if self.memo else None
        if found is None:
            f = _factor(self.inpc, start, end, rounding)
            found = (FactorUsed.of(f), f.notes, _factor_steps(label, f, reference))
            if self.memo:
                self._cache[key] = found
        return found  # type: ignore[return-value]

    def param(self, p: Parameter[Decimal], when: date) -> tuple[Decimal, str]:
        key = ("param", p.name, when)
        found = self._cache.get(key) if self.memo else None
        if found is None:
            dv = p.at(when)
            found = (dv.value, dv.source)
            if self.memo:
                self._cache[key] = found
        return found  # type: ignore[return-value]

    def fixed_fee(self, when: date) -> tuple[Decimal, str] | None:
        p = self.params.dta_fixed_fee
        if p is None:
            return None

        def make() -> tuple[Decimal, str] | None:
            for v in reversed(p.values):
                if v.covers(when):
                    return v.value, v.source
            return None

        return self._get(("fee", when), make)

    def with_memo(self) -> DutyContext:
        if self.memo:
            return self
        return DutyContext(self.fx, self.inpc, self.params, self.book, self.mfn, self.notes, True)


# --------------------------------------------------------------------------- helpers


def _factor(inpc: InpcSeries, start: Month, end: Month, rounding: str) -> InpcFactor:
    """CFF 17-A factor; when even the month before the earliest is not yet published, both
    indices are the last published one and the factor is 1 (reading of CFF 17-A, 2nd
    paragraph: the last published index stands for the unpublished one)."""
    before = previous_month(start)
    if before <= inpc.last_month or end < start:
        return inpc.factor(start, end, rounding)
    last = inpc.last_month
    index = inpc.index(last)
    if index is None:  # pragma: no cover - last_month is always in the series
        return inpc.factor(start, end, rounding)
    note = (
        f"INPC {month_str(before)} and {month_str(previous_month(end))} not yet published in the "
        f"data; both taken as the last published, {month_str(last)}: factor 1 (CFF 17-A)"
    )
    return InpcFactor(ONE, ONE, start, end, last, index, last, index, rounding, False, (note,))


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


def _check_positive(value: Decimal, name: str) -> None:
    if value <= 0:
        raise InvalidInput(f"--{name.replace('_', '-')} must be positive, got {value}", field=name)


def _rate_steps(decision: RateDecision) -> tuple[TraceStep, ...]:
    steps = []
    for option in decision.options:
        label = option.program + (f" ({option.detail})" if option.detail else "")
        if option.chosen:
            status = "eligible, chosen (lowest)"
        elif option.eligible:
            status = f"eligible, not chosen: {option.reason}"
        else:
            status = f"not eligible: {option.reason}"
        value: Figure = option.rate if option.rate is not None else (option.rate_text or "-")
        steps.append(TraceStep(f"rate option {label}", status, value, option.source))
    chosen = decision.chosen
    if chosen is not None and chosen.rate is not None:
        formula = f"lowest eligible: {chosen.program} {chosen.detail}".rstrip()
        steps.append(TraceStep("rate chosen", formula, chosen.rate, REF_RATE))
    return tuple(steps)


def _chosen(decision: RateDecision, when: date) -> RateOption:
    chosen = decision.chosen
    if chosen is None or chosen.rate is None:
        texts = ", ".join(f"{o.program} {o.rate_text or '-'}" for o in decision.options)
        raise InvalidInput(
            f"no ad-valorem rate applies to {decision.fraccion} on {when} ({texts}); "
            "the duty cannot be computed as a percentage — a person must determine it",
            field="fraccion",
        )
    return chosen


def _fx_step(name: str, quote: FxQuote) -> TraceStep:
    return TraceStep(
        name,
        f"FIX determined {quote.determined_on}, published in the DOF {quote.published_on} "
        f"(banking day before {quote.for_date})",
        quote.rate,
        f"{REF_FX}; {quote.source}",
    )


def _factor_steps(label: str, f: InpcFactor, reference: str) -> tuple[TraceStep, ...]:
    how = "truncated" if f.rounding == "truncate" else "rounded"
    rule = f"{how} to 4 decimals (CFF 17-A last paragraph, policy {f.rounding})"
    if f.floored:
        rule += "; below 1, so 1 (CFF 17-A)"
    return (
        TraceStep(
            f"{label}: INPC numerator",
            f"INPC {month_str(f.numerator_month)} (month before {month_str(f.to_month)})",
            f.numerator,
            "CFF 17-A; INEGI INPC",
        ),
        TraceStep(
            f"{label}: INPC denominator",
            f"INPC {month_str(f.denominator_month)} (month before {month_str(f.from_month)})",
            f.denominator,
            "CFF 17-A; INEGI INPC",
        ),
        TraceStep(
            f"{label}: quotient", f"{fmt(f.numerator)} / {fmt(f.denominator)}", f.raw, reference
        ),
        TraceStep(f"{label}: factor", rule, f.factor, REF_1917A),
    )


# --------------------------------------------------------------------------- F4


def compute_f4(request: F4Request, context: DutyContext) -> F4Result:
    """One F4 change of regime (the reference implementation)."""
    r = request
    _check_positive(r.value_usd, "value_usd")
    if r.policy not in POLICIES:
        raise InvalidInput(f"--policy must be one of {POLICIES}, not {r.policy!r}", field="policy")
    if r.factor_rounding not in FACTOR_ROUNDINGS:
        raise InvalidInput(
            f"--factor-rounding must be one of {FACTOR_ROUNDINGS}, not {r.factor_rounding!r}",
            field="factor_rounding",
        )
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
    when = r.entry_date if r.policy == "entry_date" else r.change_date
    trace.add(
        "policy",
        f"rates and exchange rate of the {r.policy.replace('_', ' ')} ({when})",
        r.policy,
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
    chosen = _chosen(decision, when)
    trace.steps.extend(rate_steps)
    rate = chosen.rate or ZERO
    igi = va * rate / 100
    trace.add("IGI", f"{fmt(va)} × {fmt(rate)} / 100", igi, REF_IGI)

    f, notes, factor_steps = context.factor_part(
        month_of(r.entry_date), month_of(r.change_date), r.factor_rounding, "update factor", REF_109
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
            f"{fmt(igi_updated)} + {fmt(dta.payable)} + {fmt(iva_payable)}", r.factor_rounding,
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
        r.reference, r.fraccion, r.origin, r.value_usd, r.entry_date, r.change_date, r.policy,
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


# --------------------------------------------------------------------------- 63-A


def compute_63a(request: UsmcaRequest, context: DutyContext) -> UsmcaResult:
    """LA 63-A / USMCA 2.5 on a non-originating input of a good exported to the US or Canada."""
    r = request
    _check_positive(r.value_usd, "value_usd")
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
    chosen = _chosen(decision, r.entry_date)
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


def result_figures(result: F4Result | UsmcaResult) -> list[Decimal | date]:
    """Every number and date of a result, options' rates included (each must be in the trace)."""
    out: list[Decimal | date] = []

    def walk(obj: object) -> None:
        if isinstance(obj, (Decimal, date)):
            out.append(obj)
        elif isinstance(obj, tuple):
            for item in obj:
                if isinstance(item, (Decimal, date)):
                    out.append(item)
        elif is_dataclass(obj) and not isinstance(obj, (RateOption, TraceStep)):
            for f in fields(obj):
                walk(getattr(obj, f.name))

    for f in fields(result):
        if f.name not in ("options", "trace", "warnings"):
            walk(getattr(result, f.name))
    out.extend(o.rate for o in result.options if o.rate is not None)
    return out


__all__ = [
    "POLICIES",
    "DutyContext",
    "DutyParameters",
    "F4Request",
    "F4Result",
    "TraceStep",
    "UsmcaRequest",
    "UsmcaResult",
    "compute_63a",
    "compute_f4",
    "compute_f4_batch",
    "result_figures",
]
