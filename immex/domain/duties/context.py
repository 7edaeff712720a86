"""Everything a duty computation reads (series, parameters, rate data, LIGIE look-up), with
the memo the batch API shares between computations, and the checks every duty makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TypeVar

from immex.domain.dated import Parameter
from immex.domain.duties.parameters import DutyParameters
from immex.domain.duties.results import FactorUsed, FxUsed
from immex.domain.duties.trace import TraceStep, factor_steps, fx_step, rate_steps
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template, joined
from immex.domain.money import ONE
from immex.domain.rate_rows import program_name
from immex.domain.rates import MfnLookup, RateBook, RateDecision, RateOption, RateQuery
from immex.domain.series import (
    INPC_BOTH_LAST_PUBLISHED,
    FxQuote,
    FxSeries,
    InpcFactor,
    InpcSeries,
    Month,
    month_str,
    previous_month,
)
from immex.domain.tariff import RateAt

NOT_POSITIVE = Template("duty.not_positive", "--{value} must be positive, got {value2}")
NO_AD_VALOREM = Template(
    "duty.no_ad_valorem",
    "no ad-valorem rate applies to {fraccion} on {when} ({texts}); the duty cannot be computed "
    "as a percentage — a person must determine it",
)


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
            return decision, rate_steps(decision)
        mfn_key = ("mfn", query.fraccion, query.when)
        bundled: RateAt | None = self._cache.get(mfn_key)  # type: ignore[assignment]
        if bundled is None:
            bundled = self._cache[mfn_key] = self.mfn(query.fraccion, query.when)
        key = ("rate", *self.book.interval_key(query, bundled, self.mfn))
        cached: tuple[RateDecision, tuple[TraceStep, ...]] | None
        cached = self._cache.get(key)  # type: ignore[assignment]
        if cached is None:
            made = self.book.decide(query, self.mfn, bundled)
            cached = (made, rate_steps(made))
            self._cache[key] = cached
        return cached  # its as_of may be another date of the same interval

    def fx_for(self, day: date) -> FxQuote:
        return self._get(("fx", day), lambda: self.fx.for_pedimento(day))

    def fx_part(self, day: date, name: str) -> tuple[FxUsed, TraceStep]:
        key = ("fx step", day, name)
        found = self._cache.get(key) if self.memo else None
        if found is None:
            quote = self.fx.for_pedimento(day)
            found = (FxUsed.of(quote), fx_step(name, quote))
            if self.memo:
                self._cache[key] = found
        return found  # type: ignore[return-value]

    def factor(self, start: Month, end: Month, rounding: str) -> InpcFactor:
        return self._get(
            ("inpc", start, end, rounding), lambda: update_factor(self.inpc, start, end, rounding)
        )

    def factor_part(
        self, start: Month, end: Month, rounding: str, label: str, reference: str
    ) -> tuple[FactorUsed, tuple[str, ...], tuple[TraceStep, ...]]:
        key = ("inpc steps", start, end, rounding, label)
        found = self._cache.get(key) if self.memo else None
        if found is None:
            f = update_factor(self.inpc, start, end, rounding)
            found = (FactorUsed.of(f), f.notes, factor_steps(label, f, reference))
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


def update_factor(inpc: InpcSeries, start: Month, end: Month, rounding: str) -> InpcFactor:
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
    note = INPC_BOTH_LAST_PUBLISHED(
        earliest=month_str(before), latest=month_str(previous_month(end)), last=month_str(last)
    )
    return InpcFactor(ONE, ONE, start, end, last, index, last, index, rounding, False, (note,))


def check_positive(value: Decimal, name: str) -> None:
    if value <= 0:
        raise InvalidInput(NOT_POSITIVE(value=name.replace("_", "-"), value2=value), field=name)


def chosen_option(decision: RateDecision, when: date) -> RateOption:
    chosen = decision.chosen
    if chosen is None or chosen.rate is None:
        texts = joined(
            [
                joined([program_name(o.program, o.detail), o.rate_text or "-"], " ")
                for o in decision.options
            ],
            ", ",
        )
        raise InvalidInput(
            NO_AD_VALOREM(fraccion=decision.fraccion, when=when, texts=texts),
            field="fraccion",
        )
    return chosen
