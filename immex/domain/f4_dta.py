"""The DTA of the month's F4 pedimento (LFD 49 and its minimum, RULES C-8 and C-10).

The duty engine prices each lot portion of the plan without the LFD 49 minimum, because the
minimum is per pedimento (LFD 49, penultimate paragraph: "Cuando la cantidad que resulte de
aplicar lo dispuesto en las fracciones I y II … sea inferior a la señalada en la fracción III,
se aplicará esta última"). Here the F4 pedimento is taken whole: its DTA is
max(8‰ × its customs value, the fr. III fee in force on its date); when the fee applies, the
difference over what the portions carry is spread over the lines by customs value (whole
pesos, largest remainder), and the IVA on it (LIVA 27: DTA is part of the IVA base) likewise.
Portions under a treaty's fixed fee (fr. IV) are not part of the per-thousand amount.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from immex.domain.duties.trace import fmt, money
from immex.domain.messages import Template
from immex.domain.money import ONE, ZERO, round_pesos

REF_DTA_MIN = Template(
    "ref.dta_min_pedimento",
    "LFD 49, penultimate paragraph (minimum: the fr. III fee); RULES C-10",
)()
STEP_PER_THOUSAND = Template(
    "dta.step.per_thousand",
    "8 per thousand of the pedimento's customs value {value} = {exact} (the lines carry "
    "{payable} in whole pesos)",
)
NO_LINE_ON_VALUE = Template("dta.step.no_line_on_value", "no line pays DTA on value")()
STEP_FEE_MISSING = Template(
    "dta.step.fee_missing",
    "the LFD 49-III fee in force on {day} is not in the data: the minimum could not be checked",
)
STEP_AT_LEAST_FEE = Template(
    "dta.step.at_least_fee", "at least the fr. III fee {fee} ({source}): 8 per thousand applies"
)
STEP_BELOW_FEE = Template(
    "dta.step.below_fee",
    "below the fr. III fee {fee} ({source}): the pedimento pays the fee, {due} in whole pesos; "
    "{due} − {payable} = {extra} spread over the lines by customs value",
)
STEP_IVA_CREDITED = Template(
    "dta.step.iva_credited",
    "IVA on the added DTA {base} × {rate} / 100: credited in full (certified company), 0",
)
STEP_IVA = Template("dta.step.iva", "IVA on the added DTA {base} × {rate} / 100 = {iva}")


class DtaBasis(enum.StrEnum):
    PER_THOUSAND = "per_thousand"  # 8‰ of the pedimento's customs value is at least the fee
    MINIMUM_FEE = "minimum_fee"  # the fr. III fee applies
    NOT_CHECKED = "not_checked"  # the fee of that date is not in the data
    NOTHING_ON_VALUE = "nothing_on_value"  # no portion pays DTA on value


@dataclass(frozen=True, slots=True)
class DtaPortion:
    """What the pedimento-level DTA needs of one line: its per-thousand DTA (as priced, exact
    and payable), customs value, IVA rate and whether IVA is credited."""

    line: int
    customs_value_mxn: Decimal
    dta_exact: Decimal
    dta_payable: Decimal
    iva_rate: Decimal
    iva_credited: bool


@dataclass(frozen=True, slots=True)
class PedimentoDta:
    basis: DtaBasis
    date: date
    per_thousand_exact: Decimal  # 8‰ × the pedimento's customs value (sum of the lines')
    lines_payable: Decimal  # what the priced portions carry (whole pesos each)
    fee: Decimal | None
    fee_source: str
    extra_dta: Decimal  # added to the lines when the minimum applies
    extra_iva: Decimal
    shares: tuple[tuple[int, Decimal, Decimal], ...]  # (line, extra DTA, extra IVA payable)
    steps: tuple[str, ...]
    reference: str = REF_DTA_MIN

    def to_dict(self) -> dict[str, object]:
        return {
            "basis": self.basis.value,
            "date": self.date,
            "per_thousand_exact": self.per_thousand_exact,
            "lines_payable": self.lines_payable,
            "fee": self.fee,
            "fee_source": self.fee_source,
            "extra_dta": self.extra_dta,
            "extra_iva": self.extra_iva,
            "shares": [{"line": n, "dta": d, "iva": i} for n, d, i in self.shares],
            "steps": list(self.steps),
            "reference": self.reference,
        }


def spread(total: Decimal, weights: Sequence[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """``total`` whole pesos split by weight, largest remainder (ties: the earlier key)."""
    whole_weight = sum((w for _, w in weights), ZERO)
    if total == 0 or whole_weight == 0:
        return [(k, ZERO) for k, _ in weights]
    raw = [(k, total * w / whole_weight) for k, w in weights]
    floors = [(k, r.quantize(ONE, rounding=ROUND_DOWN)) for k, r in raw]
    left = int(total - sum((f for _, f in floors), ZERO))
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i][1] - floors[i][1]), i))
    bump = set(order[:left])
    return [(k, f + (ONE if i in bump else ZERO)) for i, (k, f) in enumerate(floors)]


def pedimento_dta(
    lines: Sequence[DtaPortion], fee: tuple[Decimal, str] | None, when: date
) -> PedimentoDta:
    """The pedimento's DTA: 8‰ of its value or the fr. III fee, and how the lines share it."""
    exact = sum((ln.dta_exact for ln in lines), ZERO)
    payable = sum((ln.dta_payable for ln in lines), ZERO)
    value = sum((ln.customs_value_mxn for ln in lines), ZERO)
    steps = [STEP_PER_THOUSAND(value=money(value), exact=money(exact), payable=fmt(payable))]
    none = tuple((ln.line, ZERO, ZERO) for ln in lines)
    if not lines:
        return PedimentoDta(DtaBasis.NOTHING_ON_VALUE, when, ZERO, ZERO, None, "", ZERO, ZERO, (),
                            (NO_LINE_ON_VALUE,))  # fmt: skip
    if fee is None:
        steps.append(STEP_FEE_MISSING(day=when))
        return PedimentoDta(DtaBasis.NOT_CHECKED, when, exact, payable, None, "", ZERO, ZERO,
                            none, tuple(steps))  # fmt: skip
    amount, source = fee
    if exact >= amount:
        steps.append(STEP_AT_LEAST_FEE(fee=money(amount), source=source))
        return PedimentoDta(DtaBasis.PER_THOUSAND, when, exact, payable, amount, source, ZERO,
                            ZERO, none, tuple(steps))  # fmt: skip
    due = round_pesos(amount)
    extra = max(due - payable, ZERO)
    steps.append(
        STEP_BELOW_FEE(
            fee=money(amount), source=source, due=fmt(due), payable=fmt(payable), extra=fmt(extra)
        )
    )
    dta_shares = dict(spread(extra, [(ln.line, ln.customs_value_mxn) for ln in lines]))
    by_rate: dict[tuple[Decimal, bool], list[DtaPortion]] = {}
    for ln in lines:
        by_rate.setdefault((ln.iva_rate, ln.iva_credited), []).append(ln)
    iva_shares: dict[int, Decimal] = {}
    extra_iva = ZERO
    for (rate, credited), members in by_rate.items():
        base = sum((dta_shares[m.line] for m in members), ZERO)
        iva = ZERO if credited else round_pesos(base * rate / 100)
        steps.append(
            STEP_IVA_CREDITED(base=fmt(base), rate=fmt(rate))
            if credited
            else STEP_IVA(base=fmt(base), rate=fmt(rate), iva=fmt(iva))
        )
        extra_iva += iva
        iva_shares.update(spread(iva, [(m.line, dta_shares[m.line]) for m in members]))
    shares = tuple((ln.line, dta_shares[ln.line], iva_shares[ln.line]) for ln in lines)
    return PedimentoDta(DtaBasis.MINIMUM_FEE, when, exact, payable, amount, source, extra,
                        extra_iva, shares, tuple(steps))  # fmt: skip
