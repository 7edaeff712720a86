"""The trace of a duty: the ordered steps (name, formula, value, legal reference) a person
can redo by hand, the legal references they cite, and the steps every duty shares (the
rate options considered, the exchange rate, the CFF 17-A update factor)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from immex.domain.rates import RateDecision
from immex.domain.series import FxQuote, InpcFactor, month_str

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


def rate_steps(decision: RateDecision) -> tuple[TraceStep, ...]:
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


def fx_step(name: str, quote: FxQuote) -> TraceStep:
    return TraceStep(
        name,
        f"FIX determined {quote.determined_on}, published in the DOF {quote.published_on} "
        f"(banking day before {quote.for_date})",
        quote.rate,
        f"{REF_FX}; {quote.source}",
    )


def factor_steps(label: str, f: InpcFactor, reference: str) -> tuple[TraceStep, ...]:
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
