"""IMMEX Decree Annex I and Annex II: goods that may not be imported temporarily under the
program (Annex I) or only with extra requirements (Annex II) — RULES I-5, I-10.

The lists are dated data (:class:`AnnexRow`): a chapter (``61``), heading (``6401``),
subheading (``9404.40``) or fracción (``6401.10.01``), its annex, the period it is in force,
its source and confidence, and the scopes it leaves out (``exceptions``: e.g. the cut pieces
of 6117.90 that remain allowed while chapter 61 is in Annex I). A temporary import already
made is history: it is never refused, but a line whose fracción is in a list on its entry
date is *flagged* (:class:`AnnexFlag`) wherever the lot shows — the import summary, the
balance, the expiry radar and the month reports.

Pure: the rows come from the bundled table and the workspace's loaded files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from immex.domain.messages import Msg, Template
from immex.domain.rate_rows import in_period, scope_contains, scope_level
from immex.domain.rule_cite import confidence_msg

#: the rule of the rule book every flag cites
RULE_ANNEX = "RULES I-5, I-10"


#: pedimento keys of temporary imports under the program (RULES §5): inputs and fixed
#: assets, and the virtual transfers received from another IMMEX company
TEMPORARY_IMPORT_KEYS = ("IN", "AF", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9")


def is_temporary_import(clave: str) -> bool:
    return clave in TEMPORARY_IMPORT_KEYS


class Annex(StrEnum):
    """Annex I: may not be imported temporarily; Annex II: only with requirements."""

    I = "I"  # noqa: E741 - the annex is called I
    II = "II"


class FlagKind(StrEnum):
    """What a flag says of a line: restricted by the annex, or inside one of its exceptions
    (allowed only for the goods the exception names: a person confirms)."""

    RESTRICTED = "restricted"
    EXCEPTION = "exception"


@dataclass(frozen=True, slots=True)
class AnnexRow:
    """One entry of Annex I or II, effective-dated, with its citation."""

    scope: str  # chapter NN, heading NNNN, subheading NNNN.NN or fracción NNNN.NN.NN
    annex: Annex
    valid_from: date
    valid_to: date | None
    source: str
    confidence: str
    exceptions: tuple[str, ...] = ()
    note: str = ""

    def covers(self, when: date) -> bool:
        return in_period(self.valid_from, self.valid_to, when)

    def contains(self, fraccion: str) -> bool:
        return scope_contains(self.scope, fraccion)

    def exception_of(self, fraccion: str) -> str | None:
        """The exception scope the fracción falls in (None: restricted by this row)."""
        return next((x for x in self.exceptions if scope_contains(x, fraccion)), None)


SCOPE_NAMES = (
    Template("annex.scope.fraccion", "fracción {code}"),
    Template("annex.scope.subheading", "subheading {code}"),
    Template("annex.scope.heading", "heading {code}"),
    Template("annex.scope.chapter", "chapter {code}"),
)
FLAG_RESTRICTED = {
    Annex.I: Template(
        "annex.flag.i",
        "Annex I of the IMMEX Decree ({scope}, {source}; confidence {confidence}): may not be "
        "imported temporarily on {day} — accepted as history, flagged (RULES I-5, I-10)",
    ),
    Annex.II: Template(
        "annex.flag.ii",
        "Annex II of the IMMEX Decree ({scope}, {source}; confidence {confidence}): temporary "
        "import only with its requirements on {day} — accepted as history, flagged (RULES I-5)",
    ),
}
FLAG_EXCEPTION = Template(
    "annex.flag.exception",
    "inside Annex {annex} of the IMMEX Decree ({scope}, {source}) but in its exception "
    "{exception}{note}: confirm the goods are those the exception allows (RULES I-10)",
)
LABELS = {
    (FlagKind.RESTRICTED, Annex.I): Template("annex.label.i", "Annex I"),
    (FlagKind.RESTRICTED, Annex.II): Template("annex.label.ii", "Annex II"),
    (FlagKind.EXCEPTION, Annex.I): Template("annex.label.exception_i", "Annex I exception"),
    (FlagKind.EXCEPTION, Annex.II): Template("annex.label.exception_ii", "Annex II exception"),
}


def scope_name(scope: str) -> Msg:
    """``chapter 61``, ``heading 6401``, ``subheading 9404.40``, ``fracción 6401.10.01``."""
    return SCOPE_NAMES[scope_level(scope)](code=scope)


@dataclass(frozen=True, slots=True)
class AnnexFlag:
    """A temporary-import line whose fracción is in an annex on its entry date: what it is
    (``label``: ``Anexo I``) and what it means with its citation (``message``)."""

    fraccion: str
    day: date
    kind: FlagKind
    annex: Annex
    scope: str  # the row's scope that covers the fracción
    source: str
    confidence: str
    exception: str | None  # the exception scope, for kind EXCEPTION
    label: Msg
    message: Msg

    @classmethod
    def of(cls, fraccion: str, day: date, row: AnnexRow, exception: str | None) -> AnnexFlag:
        kind = FlagKind.RESTRICTED if exception is None else FlagKind.EXCEPTION
        if kind is FlagKind.EXCEPTION:
            message = FLAG_EXCEPTION(
                annex=row.annex.value, scope=scope_name(row.scope), source=row.source,
                exception=exception, note=f" ({row.note})" if row.note else "",
            )  # fmt: skip
        else:
            message = FLAG_RESTRICTED[row.annex](
                scope=scope_name(row.scope), source=row.source,
                confidence=confidence_msg(row.confidence),
                day=day.isoformat(),
            )  # fmt: skip
        return cls(fraccion, day, kind, row.annex, row.scope, row.source, row.confidence,
                   exception, LABELS[(kind, row.annex)](), message)  # fmt: skip


def _severity(flag: AnnexFlag) -> tuple[int, int]:
    """Annex I before Annex II, restricted before an exception, the specific row first."""
    kind = 0 if flag.kind is FlagKind.RESTRICTED else 1
    return (kind * 2 + (0 if flag.annex is Annex.I else 1), scope_level(flag.scope))


@dataclass(frozen=True, slots=True)
class AnnexBook:
    """Every annex row a workspace knows (bundled + loaded); flags looked up per line."""

    rows: tuple[AnnexRow, ...] = ()

    @classmethod
    def of(cls, *groups: Iterable[AnnexRow]) -> AnnexBook:
        return cls(tuple(r for g in groups for r in g))

    def flags(self, fraccion: str, day: date) -> tuple[AnnexFlag, ...]:
        """Every row that covers ``fraccion`` on ``day``, most severe first."""
        found: list[AnnexFlag] = []
        for row in self.rows:
            if not (row.covers(day) and row.contains(fraccion)):
                continue
            found.append(AnnexFlag.of(fraccion, day, row, row.exception_of(fraccion)))
        return tuple(sorted(found, key=_severity))

    def flag(self, fraccion: str, day: date) -> AnnexFlag | None:
        """The most severe flag of a line (None: no annex covers it on that day)."""
        if not fraccion:
            return None
        found = self.flags(fraccion, day)
        return found[0] if found else None

    def flag_many(self, lines: Sequence[tuple[str, date]]) -> dict[tuple[str, date], AnnexFlag]:
        """The flag of each distinct ``(fracción, day)`` that has one."""
        out: dict[tuple[str, date], AnnexFlag] = {}
        for key in dict.fromkeys(lines):
            f = self.flag(*key)
            if f is not None:
                out[key] = f
        return out

    def lot_flag(self, clave: str, fraccion: str, day: date) -> AnnexFlag | None:
        """The flag of a lot: only a temporary import (IN, AF, a V1-V9 transfer received)."""
        return self.flag(fraccion, day) if is_temporary_import(clave) else None

    @property
    def last_from(self) -> date | None:
        """The latest date a row takes effect (the list's as-of)."""
        return max((r.valid_from for r in self.rows), default=None)
