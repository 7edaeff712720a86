"""The best lawful import rate (RGCE 1.6.11; RULES C-4, U-3, P-3, P-6).

For one fracción, origin and date this module lists every option — the general LIGIE rate
(``MFN``), a ``PROSEC`` sector rate, a ``REGLA8`` (LIGIE Chapter 98) rate, a trade-agreement
preference ``FTA:<agreement>`` — says for each whether it may be used and why not, and
chooses the lowest eligible one.

Tie-break (equal rates), a documented and stable order::

    FTA (agreement name A→Z) < PROSEC (sector order) < REGLA8 < MFN

An agreement preference wins a tie because, for originating goods, it also takes the
DTA off the 8 per thousand (LFD 49-IV); MFN is last because it is the fallback. Among
options with the same program the loaded order is kept.

Pure: the LIGIE rate in force (:class:`~immex.domain.tariff.RateAt`) and the loaded
PROSEC / FTA / amendment rows are given by the caller.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from immex.domain import rate_notes as rn
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template, joined
from immex.domain.rate_rows import (
    FTA_PREFIX,
    MFN,
    PROSEC,
    REGLA8,
    RULE_BEST_RATE,
    RULE_FTA,
    RULE_MFN,
    RULE_PROSEC,
    RULE_REGLA8,
    USMCA_AGREEMENT_NAMES,
    USMCA_PARTIES,
    AmendmentRow,
    FtaRow,
    ProsecRow,
    Regla8Authorization,
    Sector,
    agreement_name,
    in_period,
    is_usmca_agreement,
    normalize_iso3,
    parse_rate_text,
    program_name,
    scope_keys,
    scope_label,
    scope_level,
)
from immex.domain.tariff import RateAt, RateKind, RatePeriod

NO_SECTORS = Template("rates.no_sectors", "none")


NO_PROSEC_LIST = Template(
    "rates.no_prosec_list",
    "no PROSEC list loaded (the bundled data has none): load one with `immex rates load prosec`",
)


__all__ = [
    "AmendmentRow",
    "FTA_PREFIX",
    "FtaRow",
    "MFN",
    "MfnLookup",
    "PROSEC",
    "ProsecRow",
    "REGLA8",
    "RULE_BEST_RATE",
    "RULE_FTA",
    "RULE_MFN",
    "RULE_PROSEC",
    "RULE_REGLA8",
    "RateBook",
    "RateDecision",
    "RateOption",
    "RateQuery",
    "Regla8Authorization",
    "Sector",
    "USMCA_AGREEMENT_NAMES",
    "USMCA_PARTIES",
    "best_rate",
    "choose",
    "in_period",
    "is_usmca_agreement",
    "normalize_iso3",
    "parse_rate_text",
    "unique",
]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RateOption:
    program: str  # MFN | PROSEC | REGLA8 | FTA:<agreement>
    rate: Decimal | None  # ad-valorem percent; None when not a plain percentage
    rate_text: str  # as published ("Ex.", "15", "0.36 Dls. por Kg")
    eligible: bool
    reason: str  # why not eligible / not chosen; "" for the chosen one
    source: str
    detail: str = ""  # "sector XIX", "9802.00.19"…
    valid_from: date | None = None
    valid_to: date | None = None
    needs_review: str = ""  # acotación or other limitation a person must check
    chosen: bool = False


@dataclass(frozen=True, slots=True)
class RateDecision:
    fraccion: str
    as_of: date
    origin: str
    options: tuple[RateOption, ...]
    chosen: RateOption | None
    warnings: tuple[str, ...]

    @property
    def rate(self) -> Decimal | None:
        return None if self.chosen is None else self.chosen.rate


@dataclass(frozen=True, slots=True)
class RateQuery:
    fraccion: str  # dotted 8 digits
    origin: str  # ISO-3 ("" = unknown)
    when: date
    prosec_sectors: tuple[str, ...] = ()
    regla8: tuple[Regla8Authorization, ...] = ()
    certified: tuple[str, ...] = ()  # agreements with proof of origin

    def key(self) -> tuple[object, ...]:
        return (
            self.fraccion,
            self.origin,
            self.when,
            tuple(sorted(self.prosec_sectors)),
            self.regla8,
            tuple(sorted(self.certified)),
        )


#: the LIGIE rate in force: ``(fraccion, when) -> RateAt`` (the tariff book's import_rate_at)
MfnLookup = Callable[[str, date], RateAt]


NOT_YET_IN_FORCE = Template("reason.not_yet_in_force", "not yet in force (in force from {start})")
NO_LONGER_IN_FORCE = Template("reason.no_longer_in_force", "no longer in force (ended {end})")
NOT_IN_FORCE = Template("reason.not_in_force", "not in force on the date")()
NOT_IN_PROSEC_LIST = Template(
    "reason.not_in_prosec_list",
    "{fraccion} is not in any loaded PROSEC sector list (company sectors: {sectors})",
)
NOT_REGISTERED = Template(
    "reason.not_registered", "company not registered in PROSEC sector {sector}"
)
NO_REGLA8 = Template(
    "reason.no_regla8", "no Regla 8ª authorisation given (pass the Chapter 98 fracción it covers)"
)()
NO_PREFERENCE = Template(
    "reason.no_preference", "no preference for {fraccion} in the loaded {agreement} schedule"
)
ORIGIN_UNKNOWN = Template("reason.origin_unknown", "origin unknown")()
NOT_COVERED = Template(
    "reason.not_covered", "origin {origin} is not covered by {agreement} ({parties})"
)
NO_PROOF = Template(
    "reason.no_proof", "no proof of origin for {agreement} (pass --origin-certified {agreement})"
)
HIGHER_THAN = Template("rate.higher_than", "higher than {program}: {rate} %")
SAME_RATE = Template(
    "reason.same_rate",
    "same rate as {program}; the tie goes to {program} (order FTA, PROSEC, REGLA8, MFN)",
)
NO_FTA_SCHEDULES = Template(
    "warn.no_fta_schedules",
    "no trade-agreement schedules loaded: FTA preferences not assessed (load them with "
    "`immex rates load fta`)",
)()


def _period_text(start: date | None, end: date | None) -> str:
    a = start.isoformat() if start else "?"
    b = end.isoformat() if end else "open"
    return f"{a} … {b}"


def _not_in_force_reason(start: date | None, end: date | None, when: date) -> str:
    """Why a row does not apply on ``when`` — worded without ``when`` itself, so that one
    decision serves every date of the interval between two row boundaries (batch memo)."""
    if start is not None and when < start:
        return NOT_YET_IN_FORCE(start=start.isoformat())
    if end is not None:
        return NO_LONGER_IN_FORCE(end=end.isoformat())
    return NOT_IN_FORCE


def _row_for(rows: Sequence[ProsecRow], when: date) -> ProsecRow:
    """The row in force (latest start wins); else the next one to start; else the last."""
    in_force = [r for r in rows if r.covers(when)]
    if in_force:
        return max(in_force, key=lambda r: r.valid_from)
    future = [r for r in rows if r.valid_from > when]
    if future:
        return min(future, key=lambda r: r.valid_from)
    return max(rows, key=lambda r: r.valid_from)


def _tie_rank(option: RateOption) -> tuple[int, str]:
    if option.program.startswith(FTA_PREFIX):
        return (0, option.program)
    order = {PROSEC: 1, REGLA8: 2, MFN: 3}
    return (order.get(option.program, 4), "")


# --------------------------------------------------------------------------- the book


@dataclass
class RateBook:
    """The loaded PROSEC / FTA / amendment rows, indexed by fracción (built once)."""

    prosec: Sequence[ProsecRow] = ()
    fta: Sequence[FtaRow] = ()
    amendments: Sequence[AmendmentRow] = ()
    #: said in every result: where the rows came from ("workspace sqlite:///…", "none")
    data_notes: tuple[str, ...] = ()
    sector_order: tuple[str, ...] = ()
    _prosec: dict[str, list[ProsecRow]] = field(default_factory=dict, init=False, repr=False)
    _fta: dict[str, list[FtaRow]] = field(default_factory=dict, init=False, repr=False)
    _amend: dict[str, list[AmendmentRow]] = field(default_factory=dict, init=False, repr=False)
    _bounds: dict[str, tuple[date, ...]] = field(default_factory=dict, init=False, repr=False)
    _agreements: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        p: dict[str, list[ProsecRow]] = defaultdict(list)
        for pr in self.prosec:
            p[pr.fraccion].append(pr)
        f: dict[str, list[FtaRow]] = defaultdict(list)
        for fr in self.fta:
            f[fr.fraccion].append(fr)
        a: dict[str, list[AmendmentRow]] = defaultdict(list)
        for am in self.amendments:
            a[am.fraccion].append(am)
        self._prosec, self._fta, self._amend = dict(p), dict(f), dict(a)
        self._agreements = frozenset(fr.agreement.upper() for fr in self.fta)

    def prosec_for(self, fraccion: str) -> list[ProsecRow]:
        return self._prosec.get(fraccion, [])

    def fta_for(self, fraccion: str, when: date | None = None) -> list[FtaRow]:
        """The agreement rows that apply to the fracción: per agreement, those of the most
        specific scope (fracción, subheading, heading, chapter, ``*``) — among the rows in
        force on ``when`` when one is, else among all — less the rows whose exceptions
        name it."""
        found: dict[str, list[FtaRow]] = defaultdict(list)
        for key in scope_keys(fraccion):
            for row in self._fta.get(key, []):
                if row.applies_to(fraccion):
                    found[row.agreement.upper()].append(row)
        out: list[FtaRow] = []
        for rows in found.values():
            pool = [r for r in rows if when is not None and r.covers(when)] or rows
            level = min(scope_level(r.fraccion) for r in pool)
            out.extend(r for r in pool if scope_level(r.fraccion) == level)
        return out

    def amendment_at(self, fraccion: str, when: date) -> AmendmentRow | None:
        best: AmendmentRow | None = None
        for row in self._amend.get(fraccion, []):
            if row.covers(when) and (best is None or row.valid_from >= best.valid_from):
                best = row
        return best

    # ------------------------------------------------------------------ options

    def mfn_option(
        self, fraccion: str, when: date, bundled: RateAt
    ) -> tuple[RateOption, list[str]]:
        """The general rate: a loaded amendment for the date, else the bundled LIGIE."""
        warnings: list[str] = []
        start: date | None
        end: date | None
        source: str
        amendment = self.amendment_at(fraccion, when)
        if amendment is not None:
            rate, source = amendment.rate, rn.AMENDED_SOURCE(source=amendment.source)
            start, end = amendment.valid_from, amendment.valid_to
            for w in bundled.warnings:
                warnings.append(rn.OVERRIDDEN_NOTE(note=w))
            warnings.append(
                rn.OVERRIDES_BUNDLED(
                    fraccion=fraccion,
                    source=amendment.source,
                    period=_period_text(start, end),
                    rate=repr(bundled.rate.text),
                )
            )
        else:
            rate = bundled.rate
            period: RatePeriod | None = bundled.period
            source = period.source if period is not None else rn.BUNDLED_SOURCE()
            start = period.valid_from if period is not None else None
            end = period.valid_to if period is not None else None
            warnings.extend(bundled.warnings)
        eligible, reason = True, ""
        if rate.kind is RateKind.PROHIBITED:
            eligible, reason = False, rn.PROHIBITED_REASON()
            warnings.append(rn.PROHIBITED(fraccion=fraccion, rate=repr(rate.text)))
        elif rate.percent is None:
            reason = rn.NOT_AD_VALOREM_REASON(rate=repr(rate.text))
            warnings.append(rn.GENERAL_NOT_PERCENT(fraccion=fraccion, rate=repr(rate.text)))
        option = RateOption(MFN, rate.percent, rate.text, eligible, reason, source, "", start, end)
        return option, warnings

    def prosec_options(
        self, fraccion: str, when: date, sectors: Iterable[str]
    ) -> tuple[list[RateOption], list[str]]:
        registered = {s.strip().upper() for s in sectors}
        rows = self.prosec_for(fraccion)
        warnings: list[str] = []
        if not self.prosec:
            return [RateOption(PROSEC, None, "", False, NO_PROSEC_LIST(), RULE_PROSEC)], warnings
        if not rows:
            detail = ", ".join(sorted(registered)) or NO_SECTORS()
            return [
                RateOption(
                    PROSEC,
                    None,
                    "",
                    False,
                    NOT_IN_PROSEC_LIST(fraccion=fraccion, sectors=detail),
                    RULE_PROSEC,
                )
            ], warnings
        order = {s: i for i, s in enumerate(self.sector_order)}
        by_sector: dict[str, list[ProsecRow]] = defaultdict(list)
        for row in rows:
            by_sector[row.sector].append(row)
        options: list[RateOption] = []
        for sector in sorted(by_sector, key=lambda s: (order.get(s, 999), s)):
            row = _row_for(by_sector[sector], when)
            reasons = []
            if not row.covers(when):
                reasons.append(_not_in_force_reason(row.valid_from, row.valid_to, when))
            if row.sector not in registered:
                reasons.append(NOT_REGISTERED(sector=row.sector))
            if row.rate.percent is None:
                reasons.append(rn.RATE_NOT_AD_VALOREM(rate=repr(row.rate.text)))
            review = ""
            if row.acotacion:
                review = rn.ACOTACION_REVIEW(
                    sector=row.sector, fraccion=fraccion, acotacion=repr(row.acotacion)
                )
            options.append(
                RateOption(
                    PROSEC, row.rate.percent, row.rate.text, not reasons, joined(reasons),
                    f"{row.source} ({RULE_PROSEC})", f"sector {row.sector}",
                    row.valid_from, row.valid_to, review,
                )
            )  # fmt: skip
        return options, warnings

    def regla8_options(
        self, when: date, auths: Sequence[Regla8Authorization], mfn: MfnLookup
    ) -> tuple[list[RateOption], list[str]]:
        warnings: list[str] = []
        if not auths:
            return [
                RateOption(
                    REGLA8,
                    None,
                    "",
                    False,
                    NO_REGLA8,
                    RULE_REGLA8,
                )
            ], warnings
        options = []
        for auth in auths:
            at = mfn(auth.fraccion98, when)
            reasons = []
            if not auth.covers(when):
                reasons.append(_not_in_force_reason(auth.valid_from, auth.valid_to, when))
            if at.rate.percent is None:
                reasons.append(
                    rn.RATE_OF_NOT_AD_VALOREM(rate=repr(at.rate.text), fraccion=auth.fraccion98)
                )
            source = at.period.source if at.period is not None else rn.BUNDLED_SOURCE()
            ref = rn.REGLA8_AUTHORISATION(reference=auth.reference) if auth.reference else ""
            options.append(
                RateOption(
                    REGLA8,
                    at.rate.percent,
                    at.rate.text,
                    not reasons,
                    joined(reasons),
                    rn.REGLA8_SOURCE(
                        source=source, fraccion=auth.fraccion98, rule=RULE_REGLA8, authorisation=ref
                    ),
                    auth.fraccion98,
                    auth.valid_from,
                    auth.valid_to,
                    rn.REGLA8_REVIEW,
                )
            )
            warnings.extend(at.warnings)
        return options, warnings

    def fta_options(
        self, fraccion: str, when: date, origin: str, certified: Iterable[str]
    ) -> tuple[list[RateOption], list[str]]:
        cert = {c.strip().upper() for c in certified}
        warnings: list[str] = []
        rows = self.fta_for(fraccion, when)
        if not self.fta:
            warnings.append(NO_FTA_SCHEDULES)
        by_agreement: dict[str, list[FtaRow]] = defaultdict(list)
        for row in rows:
            by_agreement[row.agreement.upper()].append(row)
        options = []
        for agreement in sorted(set(by_agreement) | cert):
            program = f"{FTA_PREFIX}{agreement}"
            candidates = by_agreement.get(agreement, [])
            if not candidates:
                name = agreement_name(agreement)
                why = (
                    NO_PREFERENCE(fraccion=fraccion, agreement=name)
                    if agreement in self._agreements
                    else rn.NO_SCHEDULE(agreement=name)
                )
                options.append(RateOption(program, None, "", False, why, RULE_FTA))
                continue
            in_force = [r for r in candidates if r.covers(when)]
            for_origin = [r for r in in_force if not origin or origin in r.origin_countries]
            row = (for_origin or in_force or sorted(candidates, key=lambda r: r.valid_from))[-1]
            reasons = []
            if not row.covers(when):
                reasons.append(_not_in_force_reason(row.valid_from, row.valid_to, when))
            if not origin:
                reasons.append(ORIGIN_UNKNOWN)
            elif origin not in row.origin_countries:
                parties, name = ", ".join(row.origin_countries), agreement_name(agreement)
                reasons.append(NOT_COVERED(origin=origin, agreement=name, parties=parties))
            if agreement not in cert:
                reasons.append(NO_PROOF(agreement=agreement))
            if row.rate.percent is None:
                reasons.append(rn.RATE_NOT_AD_VALOREM(rate=repr(row.rate.text)))
            options.append(
                RateOption(
                    program,
                    row.rate.percent,
                    row.rate.text,
                    not reasons,
                    joined(reasons),
                    rn.fta_source(row.source, scope_label(row.fraccion), row.exceptions, RULE_FTA),
                    ",".join(row.origin_countries),
                    row.valid_from,
                    row.valid_to,
                )
            )
        return options, warnings

    # ------------------------------------------------------------------ decide

    def boundaries(self, fraccion: str) -> tuple[date, ...]:
        """Dates on which some loaded row of the fracción starts or stops applying."""
        cached = self._bounds.get(fraccion)
        if cached is None:
            days: set[date] = set()
            rows: list[ProsecRow | FtaRow | AmendmentRow] = [
                *self.prosec_for(fraccion), *self.fta_for(fraccion),
                *self._amend.get(fraccion, []),
            ]  # fmt: skip
            for row in rows:
                days.add(row.valid_from)
                if row.valid_to is not None:
                    days.add(row.valid_to + timedelta(days=1))
            cached = tuple(sorted(days))
            self._bounds[fraccion] = cached
        return cached

    def interval_key(self, query: RateQuery, bundled: RateAt, mfn: MfnLookup) -> tuple[object, ...]:
        """Two queries with equal keys get the same decision (but for ``as_of``).

        The key holds the query without its date, the index of the interval between the
        loaded rows' boundaries (and the Regla 8ª authorisations') the date falls in, and the
        LIGIE rates in force (rate, period and warnings) — what :meth:`decide` reads.
        """
        bounds = self.boundaries(query.fraccion)
        r8: list[object] = []
        for auth in query.regla8:
            at = mfn(auth.fraccion98, query.when)
            r8.append((at.rate, at.period, at.warnings))
            before = auth.valid_from is not None and query.when < auth.valid_from
            r8.append(0 if before else (1 if auth.covers(query.when) else 2))
        return (
            query.fraccion, query.origin, tuple(sorted(query.prosec_sectors)), query.regla8,
            tuple(sorted(query.certified)), bisect.bisect_right(bounds, query.when),
            bundled.rate, bundled.period, bundled.warnings, tuple(r8),
        )  # fmt: skip

    def decide(
        self, query: RateQuery, mfn: MfnLookup, bundled: RateAt | None = None
    ) -> RateDecision:
        """Every option for the query and the one chosen (``bundled``: the LIGIE rate in
        force, when the caller already looked it up)."""
        if bundled is None:
            bundled = mfn(query.fraccion, query.when)
        mfn_opt, warnings = self.mfn_option(query.fraccion, query.when, bundled)
        options: list[RateOption] = []
        more: list[str] = []
        fta, w = self.fta_options(query.fraccion, query.when, query.origin, query.certified)
        options.extend(fta)
        more.extend(w)
        prosec, w = self.prosec_options(query.fraccion, query.when, query.prosec_sectors)
        options.extend(prosec)
        more.extend(w)
        regla8, w = self.regla8_options(query.when, query.regla8, mfn)
        options.extend(regla8)
        more.extend(w)
        options.append(mfn_opt)
        return choose(query, options, [*warnings, *more, *self.data_notes])


def choose(query: RateQuery, options: Sequence[RateOption], warnings: list[str]) -> RateDecision:
    """Pick the lowest eligible ad-valorem option; fill in why the others were not chosen."""
    usable = [o for o in options if o.eligible and o.rate is not None]
    chosen: RateOption | None = None
    if usable:
        chosen = min(usable, key=lambda o: (o.rate, _tie_rank(o)))
    mfn = next((o for o in options if o.program == MFN), None)
    mfn_not_pct = mfn is not None and mfn.eligible and mfn.rate is None
    if chosen is not None and mfn is not None and mfn_not_pct and chosen.rate != 0:
        warnings.append(
            rn.CHOSEN_AMONG_PERCENT(
                rate=repr(mfn.rate_text),
                program=program_name(chosen.program, chosen.detail),
                percent=chosen.rate,
            )
        )
    if chosen is None:
        warnings.append(rn.NO_AD_VALOREM(fraccion=query.fraccion))
    final: list[RateOption] = []
    for option in options:
        if option is chosen:
            final.append(replace(option, chosen=True, reason=""))
            if option.needs_review:
                warnings.append(option.needs_review)
        elif option.eligible and option.rate is not None and chosen is not None:
            name = program_name(chosen.program, chosen.detail)
            why = (
                HIGHER_THAN(program=name, rate=chosen.rate)
                if option.rate > (chosen.rate or 0)
                else SAME_RATE(program=name)
            )
            final.append(replace(option, reason=why))
        else:
            final.append(option)
    picked = next((o for o in final if o.chosen), None)
    return RateDecision(
        query.fraccion, query.when, query.origin, tuple(final), picked, unique(warnings)
    )


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Items without repeats, first occurrence order kept."""
    return tuple(dict.fromkeys(items))


def best_rate(
    query: RateQuery,
    bundled: RateAt,
    prosec: Sequence[ProsecRow] = (),
    fta: Sequence[FtaRow] = (),
    amendments: Sequence[AmendmentRow] = (),
    mfn: MfnLookup | None = None,
) -> RateDecision:
    """One decision without building a :class:`RateBook` by hand (tests, one-off calls)."""

    def lookup(fraccion: str, when: date) -> RateAt:
        if fraccion == query.fraccion and when == query.when:
            return bundled
        if mfn is None:
            raise InvalidInput(f"no LIGIE lookup given for {fraccion}", field="regla8")
        return mfn(fraccion, when)

    return RateBook(prosec, fta, amendments).decide(query, lookup)
