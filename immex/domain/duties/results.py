"""What a duty computation is asked (requests) and what it answers (results, with every
figure and the trace that derives it)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal

from immex.domain.duties.trace import TraceStep
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.domain.rates import RateOption, Regla8Authorization
from immex.domain.series import FACTOR_ROUNDINGS, FactorRounding, FxQuote, InpcFactor, month_str

BAD_POLICY = Template("duty.bad_policy", "--policy must be one of {policies}, not {value}")
BAD_FACTOR_ROUNDING = Template(
    "duty.bad_factor_rounding",
    "--factor-rounding must be one of {factor_roundings}, not {value}",
)


class F4Policy(enum.StrEnum):
    """Whose date gives the rates and the exchange rate of a change of regime."""

    #: the temporary import's entry date (LA 56; the default)
    ENTRY_DATE = "entry_date"
    #: the date of the change of regime (LA 93)
    CHANGE_DATE = "change_date"


POLICIES = tuple(p.value for p in F4Policy)


def as_policy(value: str) -> F4Policy:
    """The policy a user named; a clear error naming the choices for any other."""
    if value not in POLICIES:
        raise InvalidInput(BAD_POLICY(policies=POLICIES, value=repr(value)), field="policy")
    return F4Policy(value)


def as_factor_rounding(value: str) -> FactorRounding:
    """The CFF 17-A rounding a user named; a clear error naming the choices for any other."""
    if value not in FACTOR_ROUNDINGS:
        raise InvalidInput(
            BAD_FACTOR_ROUNDING(factor_roundings=FACTOR_ROUNDINGS, value=repr(value)),
            field="factor_rounding",
        )
    return FactorRounding(value)


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
    policy: F4Policy = F4Policy.ENTRY_DATE
    factor_rounding: FactorRounding = FactorRounding.TRUNCATE
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
    policy: F4Policy
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
