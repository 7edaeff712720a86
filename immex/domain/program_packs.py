"""The program packs: the annual report of foreign-trade operations (IMMEX, PROSEC) and the
data of a PROSEC application, as figures the ledger gives and the user completes.

- Due dates (RULES I-7, I-12, P-5): the IMMEX report by the last business day of May, one
  report by the last business day of April for a company with IMMEX and PROSEC; PROSEC by
  the last business day of April; late → suspension; IMMEX not filed by the last business
  day of August → cancellation; PROSEC not filed by the last business day of June →
  permanent loss. Holidays are not in the data: "business day" is taken as the last weekday
  of the month, and the pack says so.
- The IMMEX program test (RULES I-11, confidence M): annual sales abroad over US$500,000,
  or exports of at least 10 % of total sales — both figures dated parameters
  (``immex.program_test.*``, read at the end of the year reported on); the total sales are
  the user's figure (from the financial statements or the ISR return, RULES I-12); without
  it only the first branch is evaluated.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from immex.domain.dated import DatedValue
from immex.domain.messages import Msg, Template
from immex.domain.rule_cite import confidence_msg

#: the dated parameters of the IMMEX test (RULES I-11; immex/refdata/sources/parameters.yaml)
PARAM_EXPORTS_USD = "immex.program_test.exports_usd"
PARAM_EXPORTS_SHARE = "immex.program_test.exports_share_pct"

TEST_OVER = Template("pack.test.over", "exports of US${usd} exceed US${threshold}")
TEST_SHARE_MET = Template(
    "pack.test.share_met",
    "exports of US${usd} do not exceed US${threshold}; they are {share} % of the total sales "
    "given (at least {pct} %)",
)
TEST_SHARE_NOT_MET = Template(
    "pack.test.share_not_met",
    "exports of US${usd} do not exceed US${threshold}; they are {share} % of the total sales "
    "given (below {pct} %)",
)
TEST_UNDECIDED = Template(
    "pack.test.undecided",
    "exports of US${usd} do not exceed US${threshold}, and without the total sales "
    "(--sales-total) the {pct} % branch cannot be evaluated",
)
TEST_WHY = Template(
    "pack.test.why",
    "{why} — thresholds in force on {day}: US${threshold} ({threshold_source}; confidence "
    "{threshold_confidence}) and {pct} % ({pct_source}; confidence {pct_confidence})",
)
TEST_RESULT = {
    True: Template("pack.test.met", "met"),
    False: Template("pack.test.not_met", "NOT met"),
    None: Template("pack.test.undecided_short", "undecided"),
}


DUE_PROSEC = Template("pack.due.prosec", "PROSEC annual report {year}")
DUE_IMMEX = Template("pack.due.immex", "IMMEX annual report {year}")
LATE_PROSEC = Template(
    "pack.due.late_prosec", "late: the program is suspended until the report is filed"
)
LOST_PROSEC = Template("pack.due.lost_prosec", "not filed by then: the program is lost for good")
LATE_IMMEX = Template("pack.due.late_immex", "late: the program is suspended")
CANCELLED_IMMEX = Template(
    "pack.due.cancelled_immex", "IMMEX not filed by then: the program is cancelled (RULES I-12)"
)
RULE_WITH_PROSEC = Template(
    "pack.due.with_prosec", "RULES I-7, I-12 (IMMEX with PROSEC: one report)"
)
BUSINESS_DAYS = Template(
    "pack.due.business_days", "last weekday of the month; holidays are not in the data"
)


class Program(StrEnum):
    IMMEX = "immex"
    PROSEC = "prosec"


def last_weekday(year: int, month: int) -> date:
    """The last Monday–Friday of the month (holidays are not in the data)."""
    d = date(year, month, calendar.monthrange(year, month)[1])
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


@dataclass(frozen=True, slots=True)
class DueDate:
    report: str
    due: date
    rule: str
    consequences: tuple[tuple[date | None, str], ...] = ()


def due_dates(program: Program, year: int, *, with_prosec: bool) -> list[DueDate]:
    """When the report on ``year`` is due (filed in ``year + 1``), and what lateness costs."""
    y = year + 1
    if program is Program.PROSEC:
        return [
            DueDate(
                DUE_PROSEC(year=year),
                last_weekday(y, 4),
                "RULES P-5, I-12",
                (
                    (None, LATE_PROSEC()),
                    (last_weekday(y, 6), LOST_PROSEC()),
                ),
            )
        ]
    month, rule = (4, RULE_WITH_PROSEC()) if with_prosec else (5, "RULES I-7, I-12")
    return [
        DueDate(
            DUE_IMMEX(year=year),
            last_weekday(y, month),
            rule,
            (
                (None, LATE_IMMEX()),
                (last_weekday(y, 8), CANCELLED_IMMEX()),
            ),
        )
    ]


@dataclass(frozen=True, slots=True)
class ProgramTest:
    """The IMMEX program test (RULES I-11) and how it came out."""

    exports_usd: Decimal
    exports_mxn: Decimal
    sales_mxn: Decimal | None
    over_usd: bool
    share_pct: Decimal | None  # exports / sales, when the sales are given
    passed: bool | None  # None: cannot be decided without the sales
    explanation: str

    @property
    def result(self) -> Msg:
        return TEST_RESULT[self.passed]()


def program_test(
    exports_usd: Decimal,
    exports_mxn: Decimal,
    sales_mxn: Decimal | None,
    *,
    threshold_usd: DatedValue[Decimal],
    share_pct: DatedValue[Decimal],
    day: date,
) -> ProgramTest:
    """The IMMEX test on the year's exports (RULES I-11) with the thresholds in force on
    ``day`` (the last day of the year reported on)."""
    limit, pct = threshold_usd.value, share_pct.value
    over = exports_usd > limit
    share = None if not sales_mxn else (exports_mxn * 100 / sales_mxn).quantize(Decimal("0.01"))
    fields = {"usd": f"{exports_usd:,.2f}", "threshold": f"{limit:,.0f}", "pct": f"{pct:f}"}
    passed: bool | None
    if over:
        passed, why = True, TEST_OVER(**fields)
    elif share is not None:
        passed = share >= pct
        why = (TEST_SHARE_MET if passed else TEST_SHARE_NOT_MET)(share=f"{share}", **fields)
    else:
        passed, why = None, TEST_UNDECIDED(**fields)
    return ProgramTest(
        exports_usd,
        exports_mxn,
        sales_mxn,
        over,
        share,
        passed,
        TEST_WHY(
            why=why,
            day=day.isoformat(),
            threshold=fields["threshold"],
            threshold_source=threshold_usd.source,
            threshold_confidence=confidence_msg(threshold_usd.confidence),
            pct=fields["pct"],
            pct_source=share_pct.source,
            pct_confidence=confidence_msg(share_pct.confidence),
        ),
    )


@dataclass(frozen=True, slots=True)
class Pack:
    """A program pack: summary figures and tables (rows of plain values), with its dates,
    what the user supplied and which data it used."""

    kind: str  # "annual-report immex" | "annual-report prosec" | "prosec application"
    company_rfc: str
    company_name: str
    period: str
    summary: tuple[tuple[str, Any], ...]
    tables: tuple[tuple[str, tuple[str, ...], tuple[tuple[Any, ...], ...]], ...]
    due: tuple[DueDate, ...] = ()
    supplied_by_user: tuple[str, ...] = ()
    data_used: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.kind,
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "period": self.period,
            "summary": dict(self.summary),
            "tables": {
                name: [dict(zip(cols, row, strict=True)) for row in rows]
                for name, cols, rows in self.tables
            },
            "due_dates": [
                {
                    "report": d.report,
                    "due": d.due,
                    "rule": d.rule,
                    "consequences": [{"by": when, "what": what} for when, what in d.consequences],
                    "business_days": BUSINESS_DAYS(),
                }
                for d in self.due
            ],
            "supplied_by_user": list(self.supplied_by_user),
            "data_used": list(self.data_used),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }
