"""The trace of a duty: the ordered steps (name, formula, value, legal reference) a person
can redo by hand, the legal references they cite, and the steps every duty shares (the
rate options considered, the exchange rate, the CFF 17-A update factor)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from immex.domain.messages import Template, joined
from immex.domain.rate_rows import program_name
from immex.domain.rates import RateDecision
from immex.domain.series import FxQuote, InpcFactor, month_str

_REF = {
    "policy": "LA 56 (rates and exchange rate of the entry date) vs LA 93 — RULES C-3",
    "fx": "CFF 20, 3rd paragraph: FIX published in the DOF the banking day before",
    "value": "RLA 140: value declared on the temporary pedimento (RULES C-2)",
    "rate": "RGCE 1.6.11: lowest lawful rate (LIGIE, PROSEC, Regla 8ª, agreement)",
    "1917a": "CFF 17-A: INPC month before the latest / month before the earliest; <1 → 1",
    "109": "LA 109, 2nd paragraph: IGI updated from the month of entry to the change",
    "pay": "CFF 20, 7th paragraph: paid in whole pesos (.01–.50 down, .51–.99 up)",
    "dta_i": "LFD 49-I: 8 per thousand of the customs value",
    "dta_min": "LFD 49, penultimate paragraphs: not less than the fee of fr. III",
    "dta_iv": "LFD 49-IV: fixed fee when a treaty forbids charges on value (originating)",
    "iva": "LIVA 24-I, 27: customs value + IGI + other contributions of the import",
    "iva_credit": "LIVA 28-A: certified companies credit 100 % of the import IVA",
    "cff21": "CFF 21: actualización + recargos for each month or fraction, max. 5 years",
    "63a_orig": "USMCA art. 2.5: originating inputs owe nothing (RULES U-4)",
    "late_factor": "CFF 21, 17-A: from the month due to payment",
}
REFS = {k: Template(f"ref.{k}", v)() for k, v in _REF.items()}
REF_POLICY, REF_FX, REF_VALUE, REF_RATE = REFS["policy"], REFS["fx"], REFS["value"], REFS["rate"]
REF_IGI = "LA 51-I, 64; LIGIE art. 1"
REF_1917A, REF_109, REF_PAY = REFS["1917a"], REFS["109"], REFS["pay"]
REF_DTA_I, REF_DTA_MIN, REF_DTA_IV = REFS["dta_i"], REFS["dta_min"], REFS["dta_iv"]
REF_IVA, REF_IVA_CREDIT, REF_CFF21 = REFS["iva"], REFS["iva_credit"], REFS["cff21"]
REF_63A = Template("trace.ref_63a", "LA 63-A; USMCA art. 2.5 (RULES U-1, U-2)")()
REF_63A_DAYS = Template("trace.ref_63a_days", "USMCA art. 2.5; LA 63-A")()
REF_63A_MIN = Template(
    "trace.ref_63a_min",
    "LA 63-A; USMCA art. 2.5 (RULES U-1, U-2): min(MX duty, US/CA duty)",
)()
REF_63A_ORIG, REF_LATE_FACTOR = REFS["63a_orig"], REFS["late_factor"]

#: the names of the steps (the trace's "concept" column)
_STEP = {
    "policy": "policy",
    "entry_date": "entry date",
    "change_date": "change date",
    "export_date": "export date",
    "fx": "exchange rate",
    "value_usd": "customs value (USD)",
    "value_mxn": "customs value (MXN)",
    "rate_chosen": "rate chosen",
    "igi_updated": "IGI updated",
    "igi_updated_pay": "IGI updated to pay",
    "dta_rate": "DTA rate",
    "dta_pay": "DTA to pay",
    "dta_minimum": "DTA minimum",
    "iva_base": "IVA base",
    "iva_rate": "IVA rate",
    "iva_pay": "IVA to pay",
    "paid_on": "paid on",
    "due": "contributions due",
    "months_late": "months late",
    "recargos_rate": "recargos rate",
    "updated": "contributions updated",
    "update_pay": "actualización to pay",
    "recargos_pay": "recargos to pay",
    "late_total": "late payment total",
    "mx_duty": "MX duty",
    "us_duty_usd": "US/CA duty paid (USD)",
    "us_duty_mxn": "US/CA duty (MXN)",
    "exemption": "exemption",
    "owed": "owed",
    "owed_exact": "owed (exact)",
    "due_by": "due by",
    "update_factor": "update factor",
    "late_factor": "late update factor",
    "total": "total",
}
STEP = {k: Template(f"step.{k}", v)() for k, v in _STEP.items()}
STEP_OPTION = Template("trace.rate_option", "option: {label}")
STEP_RECARGOS_MONTH = Template("step.recargos_month", "recargos rate month {n}")
STEP_NUMERATOR = Template("step.inpc_numerator", "{label}: INPC numerator")
STEP_DENOMINATOR = Template("step.inpc_denominator", "{label}: INPC denominator")
STEP_QUOTIENT = Template("step.quotient", "{label}: quotient")
STEP_FACTOR = Template("step.factor", "{label}: factor")

#: the wording of the formulas
WHOLE_PESOS = Template("formula.whole_pesos", "whole pesos")()
OPTION_CHOSEN = Template("formula.option_chosen", "eligible, chosen (lowest)")()
OPTION_NOT_CHOSEN = Template("formula.option_not_chosen", "eligible, not chosen: {reason}")
OPTION_NOT_ELIGIBLE = Template("formula.option_not_eligible", "not eligible: {reason}")
LOWEST_ELIGIBLE = Template("formula.lowest_eligible", "lowest eligible: {program}")
MIN_OF = Template("trace.min_of", "min({a}, {b})")
MAX_OF = Template("trace.max_of", "max({a}, {b})")
FX_FORMULA = Template(
    "formula.fx",
    "FIX determined {determined}, published in the DOF {published} (banking day before {day})",
)
FACTOR_TRUNCATED = Template(
    "trace.factor_truncated", "truncated to 4 decimals (CFF 17-A, last paragraph)"
)()
FACTOR_ROUNDED = Template(
    "trace.factor_rounded", "rounded to 4 decimals (CFF 17-A, last paragraph)"
)()
#: the policies as a person reads them (results and JSON keep the codes)
POLICY_LABELS = {
    "entry_date": Template("policy.entry_date", "entry date (LA 56)")(),
    "change_date": Template("policy.change_date", "date of the change of regime (LA 93)")(),
    "truncate": Template("policy.truncate", "truncated")(),
    "round": Template("policy.round", "rounded")(),
}


def policy_label(code: str) -> str:
    """A policy code (``entry_date``, ``change_date``, ``truncate``, ``round``) as a person
    reads it, in the reader's language; an unknown code as it is."""
    return POLICY_LABELS.get(str(code), str(code))


FACTOR_FLOORED = Template("formula.factor_floored", "{rule}; below 1, so 1 (CFF 17-A)")
INPC_MONTH_BEFORE = Template("formula.inpc_month_before", "INPC {month} (month before {of})")

Figure = Decimal | int | str | date

#: how a step's value is shown (the value itself stays exact): an amount in MXN or USD
#: (cents), whole pesos, an exchange rate (4 to 6 decimals), a CFF 17-A factor (4), a
#: quotient (at most 10 decimals), or as it is (rates, INPC, declared values, days)
MONEY, PESOS, FX, FACTOR, QUOTIENT, PLAIN = "money", "pesos", "fx", "factor", "quotient", ""

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class TraceStep:
    name: str
    formula: str
    value: Figure
    reference: str
    kind: str = PLAIN


def _plain(value: Decimal, most: int | None = None) -> str:
    """Without exponent or trailing zeros (``0E-8`` → ``0``), at most ``most`` decimals."""
    if most is not None:
        value = value.quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
    text = format(value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money(value: Decimal) -> str:
    """An amount with its cents (``20,277.70``); more decimals only where the cents alone
    would mislead the whole-peso step that follows (CFF 20: .50 goes down, .5001 up)."""
    cents = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    if abs(value) > abs(cents) and abs(cents) % 1 == Decimal("0.50"):
        return _plain(value, 6)
    return "0.00" if cents == 0 else format(cents, ",.2f")


def figure(value: Figure, kind: str = PLAIN) -> str:
    """A figure of the trace as a person reads it (formulas and shown values)."""
    if isinstance(value, str):  # a text or a message of the catalog: kept, translated later
        return value
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        return value.isoformat() if isinstance(value, date) else str(value)
    d = Decimal(value)
    if kind == MONEY:
        return money(d)
    if kind == PESOS:
        return _plain(d, 0)
    if kind == FX:
        text = _plain(d, 6)
        decimals = len(text.partition(".")[2])
        return text if decimals >= 4 else format(d.quantize(Decimal("0.0001")), ",f")
    if kind == FACTOR:
        return format(d.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), ",f")
    if kind == QUOTIENT:
        return _plain(d, 10)
    # as it is, but never more than 10 decimals (a share computed by division)
    return _plain(d, 10 if d.as_tuple().exponent < -10 else None)  # type: ignore[operator]


def value_text(step: TraceStep) -> str:
    """The value of a step as shown (CLI, reports): :func:`figure` of its kind."""
    return figure(step.value, step.kind)


def fmt(value: Decimal) -> str:
    """A figure inside a formula, as it is (no exponent, no trailing zeros)."""
    return figure(value)


class Trace:
    """An ordered list of steps being written."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps: list[TraceStep] = []

    def add(
        self, name: str, formula: str, value: Figure, reference: str, kind: str = PLAIN
    ) -> None:
        self.steps.append(TraceStep(name, formula, value, reference, kind))

    def done(self) -> tuple[TraceStep, ...]:
        return tuple(self.steps)


def rate_steps(decision: RateDecision) -> tuple[TraceStep, ...]:
    steps = []
    for option in decision.options:
        label = program_name(option.program, option.detail)
        if option.chosen:
            status: str = OPTION_CHOSEN
        elif option.eligible:
            status = OPTION_NOT_CHOSEN(reason=option.reason)
        else:
            status = OPTION_NOT_ELIGIBLE(reason=option.reason)
        value: Figure = option.rate if option.rate is not None else (option.rate_text or "-")
        steps.append(TraceStep(STEP_OPTION(label=label), status, value, option.source))
    chosen = decision.chosen
    if chosen is not None and chosen.rate is not None:
        formula = LOWEST_ELIGIBLE(program=program_name(chosen.program, chosen.detail))
        steps.append(TraceStep(STEP["rate_chosen"], formula, chosen.rate, REF_RATE))
    return tuple(steps)


def fx_step(name: str, quote: FxQuote) -> TraceStep:
    return TraceStep(
        name,
        FX_FORMULA(
            determined=quote.determined_on, published=quote.published_on, day=quote.for_date
        ),
        quote.rate,
        joined([REF_FX, quote.source]),
        FX,
    )


def factor_steps(label: str, f: InpcFactor, reference: str) -> tuple[TraceStep, ...]:
    rule: str = FACTOR_TRUNCATED if f.rounding == "truncate" else FACTOR_ROUNDED
    if f.floored:
        rule = FACTOR_FLOORED(rule=rule)
    return (
        TraceStep(
            STEP_NUMERATOR(label=label),
            INPC_MONTH_BEFORE(month=month_str(f.numerator_month), of=month_str(f.to_month)),
            f.numerator,
            "CFF 17-A; INEGI INPC",
        ),
        TraceStep(
            STEP_DENOMINATOR(label=label),
            INPC_MONTH_BEFORE(month=month_str(f.denominator_month), of=month_str(f.from_month)),
            f.denominator,
            "CFF 17-A; INEGI INPC",
        ),
        TraceStep(
            STEP_QUOTIENT(label=label),
            f"{fmt(f.numerator)} / {fmt(f.denominator)}",
            f.raw,
            reference,
            QUOTIENT,
        ),
        TraceStep(STEP_FACTOR(label=label), rule, f.factor, REF_1917A, FACTOR),
    )
