"""The rate rows a best-rate decision reads: PROSEC sector lists, agreement schedules, LIGIE
amendments and Regla 8ª authorisations (effective-dated, each with its source), the names of
the programs and the rules they cite.

Pure: the rows are loaded by the caller (``immex rates load``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from immex.domain.errors import InvalidFormat, InvalidInput
from immex.domain.messages import Template
from immex.domain.money import D
from immex.domain.tariff import PublishedRate, RateKind

SCOPE_FRACCION = Template("scope.fraccion", "fracción {code}")
SCOPE_SUBHEADING = Template("scope.subheading", "subheading {code}")
SCOPE_HEADING = Template("scope.heading", "heading {code}")
SCOPE_CHAPTER = Template("scope.chapter", "chapter {code}")
SCOPE_AGREEMENT = Template("scope.agreement", "the whole agreement (*)")
EMPTY_RATE = Template(
    "rates.empty_rate",
    "empty rate; expected Ex., a percentage such as 5, or Prohibida",
)
RATE_RANGE = Template("rates.rate_range", "rate out of range: {raw} (expected 0 … 1000 percent)")
NOT_ISO3 = Template(
    "rates.not_iso3",
    "not an ISO-3 country code: {code} (expected three letters such as CHN, USA)",
)


MFN = "MFN"
PROSEC = "PROSEC"
REGLA8 = "REGLA8"
FTA_PREFIX = "FTA:"

#: USMCA parties (ISO-3) — used by the LA 63-A computation (RULES U-4)
USMCA_PARTIES = ("CAN", "MEX", "USA")
#: names under which a certification of USMCA origin may be stated (``--origin-certified``,
#: the ledger's ``certificate`` column), compared without punctuation: T-MEC, TMEC, USMCA, CUSMA
USMCA_AGREEMENT_NAMES = ("TMEC", "USMCA", "CUSMA")


def is_usmca_agreement(name: str) -> bool:
    """``T-MEC``, ``tmec``, ``USMCA``, ``CUSMA`` → True (the agreement of RULES §3)."""
    return "".join(ch for ch in name.upper() if ch.isalnum()) in USMCA_AGREEMENT_NAMES


#: how a program is shown to a person (the data and JSON keep the codes MFN, PROSEC, REGLA8,
#: FTA:<agreement>); legal names stay Spanish in both languages (Regla 8ª, PROSEC)
PROGRAM_MFN = Template("program.mfn", "MFN (general rate)")
PROGRAM_REGLA8 = Template("program.regla8", "Regla 8ª")
PROGRAM_USMCA = Template("program.usmca", "USMCA")
PROGRAM_DETAIL = Template("program.detail", "{program} {detail}")
PROGRAM_FTA_DETAIL = Template("program.fta_detail", "{program} ({detail})")


def agreement_name(agreement: str) -> str:
    """A trade agreement as a person reads it: the USMCA under its name in the reader's
    language (T-MEC in Spanish), any other agreement as it was loaded."""
    return PROGRAM_USMCA() if is_usmca_agreement(agreement) else agreement


def program_name(program: str, detail: str = "") -> str:
    """The one label of a rate program for display (CLI, reports, traces, reasons):
    ``MFN`` → "MFN (general rate)" / "tasa general (LIGIE)", ``REGLA8`` → "Regla 8ª",
    ``FTA:TMEC`` → "USMCA" / "T-MEC", ``PROSEC`` as it is; with its detail ("sector II",
    the Chapter 98 fracción, the agreement's origin countries) after it. A message of the
    catalog (a ``Msg``, shown in the reader's language) or the plain text."""
    name: str
    if program == MFN:
        name = PROGRAM_MFN()
    elif program == REGLA8:
        name = PROGRAM_REGLA8()
    elif program.startswith(FTA_PREFIX):
        name = agreement_name(program[len(FTA_PREFIX) :])
        if detail:
            return PROGRAM_FTA_DETAIL(program=name, detail=detail.replace(",", ", "))
    else:
        name = program
    return PROGRAM_DETAIL(program=name, detail=detail) if detail else name


def program_key_name(key: str) -> str:
    """:func:`program_name` of a program key as the plans and savings keep it
    (``"PROSEC sector II"``, ``"MFN"``, ``"FTA:TMEC CAN,MEX,USA"``: the code, a space, the
    detail)."""
    program, _, detail = key.partition(" ")
    return program_name(program, detail)


RULE_BEST_RATE = "RGCE 1.6.11; LA 109 (RULES C-4)"
RULE_PROSEC = "Decreto PROSEC art. 5 (RULES P-3, P-6)"
RULE_REGLA8 = "LIGIE Regla Complementaria 8a, Capítulo 98 (RULES C-4)"
RULE_FTA = "Tratado de libre comercio aplicable; prueba de origen (RULES C-4)"
RULE_MFN = "LIGIE art. 1, Tarifa (RULES §6)"


# --------------------------------------------------------------------------- rows


def parse_rate_text(text: str) -> PublishedRate:
    """A rate cell as the LIGIE/PROSEC publish it: ``Ex.``, ``5``, ``2.5%``, ``Prohibida``…

    Anything else (specific or mixed duties) is kept verbatim as ``OTHER``.
    """
    raw = str(text).strip()
    low = raw.lower().rstrip(".")
    if low in ("ex", "exento", "exenta"):
        return PublishedRate(raw, RateKind.EXEMPT, Decimal(0))
    if low.startswith("prohibid"):
        return PublishedRate(raw, RateKind.PROHIBITED, None)
    number = raw.rstrip("%").strip()
    try:
        pct = D(number)
    except (InvalidInput, TypeError):
        if not raw:
            raise InvalidFormat(EMPTY_RATE()) from None
        return PublishedRate(raw, RateKind.OTHER, None)
    if pct < 0 or pct > 1000:
        raise InvalidFormat(RATE_RANGE(raw=repr(raw)))
    return PublishedRate(raw, RateKind.AD_VALOREM, pct)


def normalize_iso3(code: str) -> str:
    text = code.strip().upper()
    if len(text) != 3 or not text.isalpha():
        raise InvalidFormat(
            NOT_ISO3(code=repr(code)),
            field="origin",
        )
    return text


def in_period(valid_from: date | None, valid_to: date | None, when: date) -> bool:
    """``when`` lies in the inclusive period ``valid_from … valid_to`` (None = open end)."""
    return (valid_from is None or valid_from <= when) and (valid_to is None or when <= valid_to)


@dataclass(frozen=True, slots=True)
class Sector:
    """A PROSEC sector (Decree art. 3) with the citation of its row."""

    code: str
    name: str
    source: str
    confidence: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ProsecRow:
    """One fracción of a PROSEC sector list (Decree art. 5), effective-dated."""

    sector: str
    sector_name: str
    fraccion: str
    rate: PublishedRate
    valid_from: date
    valid_to: date | None
    acotacion: str
    source: str

    def covers(self, when: date) -> bool:
        return in_period(self.valid_from, self.valid_to, when)


@dataclass(frozen=True, slots=True)
class FtaRow:
    """A preference rate of one agreement for a set of origin countries, on a fracción or
    on a wider scope: a subheading (``8542.31``), a heading (``8542``), a chapter (``85``) or
    the whole agreement (``*``), less explicit ``exceptions`` (scopes the row leaves out).
    The most specific row of an agreement wins (:func:`scope_level`)."""

    agreement: str
    origin_countries: tuple[str, ...]
    fraccion: str  # the row's scope: a fracción, subheading, heading, chapter or "*"
    rate: PublishedRate
    valid_from: date
    valid_to: date | None
    source: str
    exceptions: tuple[str, ...] = ()

    def covers(self, when: date) -> bool:
        return in_period(self.valid_from, self.valid_to, when)

    def applies_to(self, fraccion: str) -> bool:
        return scope_contains(self.fraccion, fraccion) and not any(
            scope_contains(x, fraccion) for x in self.exceptions
        )


#: scope widths, most specific first: fracción, subheading, heading, chapter, agreement
SCOPE_WHOLE = "*"


def scope_level(scope: str) -> int:
    """0 for a fracción (NNNN.NN.NN), 1 subheading (NNNN.NN), 2 heading (NNNN), 3 chapter
    (NN), 4 the whole agreement (``*``)."""
    if scope == SCOPE_WHOLE:
        return 4
    digits = scope.replace(".", "")
    return {8: 0, 6: 1, 4: 2, 2: 3}[len(digits)]


def scope_contains(scope: str, fraccion: str) -> bool:
    """Whether a scope covers a dotted fracción (``8542.31.03``)."""
    if scope == SCOPE_WHOLE:
        return True
    return fraccion.replace(".", "").startswith(scope.replace(".", ""))


def scope_keys(fraccion: str) -> tuple[str, ...]:
    """The scopes that may cover a dotted fracción, most specific first."""
    digits = fraccion.replace(".", "")
    return (fraccion, f"{digits[:4]}.{digits[4:6]}", digits[:4], digits[:2], SCOPE_WHOLE)


def scope_label(scope: str) -> str:
    level = scope_level(scope)
    digits = scope.replace(".", "")
    return (
        SCOPE_FRACCION(code=scope),
        SCOPE_SUBHEADING(code=f"{digits[:4]}.{digits[4:6]}"),
        SCOPE_HEADING(code=f"{digits[:2]}.{digits[2:4]}"),
        SCOPE_CHAPTER(code=digits),
        SCOPE_AGREEMENT(),
    )[level]


@dataclass(frozen=True, slots=True)
class AmendmentRow:
    """A LIGIE rate change published after the bundled text; overrides it for its period."""

    fraccion: str
    rate: PublishedRate
    valid_from: date
    valid_to: date | None
    source: str

    def covers(self, when: date) -> bool:
        return in_period(self.valid_from, self.valid_to, when)


@dataclass(frozen=True, slots=True)
class Regla8Authorization:
    """An SE authorisation under Regla 8ª: the Chapter 98 fracción it lets the company use.

    Whether the authorisation covers this input is the user's statement (the mapping of
    inputs to 9802 fracciones is in the company's authorisation, user data).
    """

    fraccion98: str
    valid_from: date | None = None
    valid_to: date | None = None
    reference: str = ""

    def covers(self, when: date) -> bool:
        return in_period(self.valid_from, self.valid_to, when)
