"""Reconcile the Annex 24 ledger with what SAT holds (pure: plain records in, report out).

Six kinds of difference, each naming both sides' values and the record each came from:

``only_in_sat``       an import pedimento SAT has (Data Stage 501) that the ledger lacks;
``only_in_ledger``    a ledger pedimento SAT does not have (within SAT's coverage);
``quantity_value``    per pedimento and fracción: quantity in UMC, in UMT (when the ledger
                      has it) and USD value differing beyond the tolerance, a fracción on
                      one side only, or units that cannot be compared;
``discharge``         per original IN/AF pedimento and fracción: what SAT's 512 rows say
                      was discharged vs the discharge journal of the engine;
``rectification``     the ledger still uses a pedimento that SAT shows rectified (701);
``open_past_limit``   a temporary import SAT shows still open (551 minus 512) after its
                      legal time limit (the limit comes in as an argument: it is an
                      effective-dated parameter, RULES.md I-2, not a constant here).

Rectification chains: SAT's pedimento P rectified by R is compared through R (the current
version), so a ledger holding P is compared with R's lines and also gets a
``rectification`` difference; discharges that point to P count for R.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from immex.domain.ledger import LOT_KEYS
from immex.domain.reconcile.comparisons import (
    Comparison,
    compare_discharges,
    compare_lines,
    compare_open_past_limit,
    compare_presence,
    group_lines,
)
from immex.domain.reconcile.records import (
    CATEGORIES,
    UNIT_CODES,
    Difference,
    LedgerDischarge,
    LedgerLine,
    LedgerPedimento,
    Report,
    SatDischarge,
    SatLine,
    SatPedimento,
    Tolerance,
    chain_heads,
    fraccion_digits,
    unit_code,
)

__all__ = [
    "CATEGORIES",
    "UNIT_CODES",
    "Difference",
    "LedgerDischarge",
    "LedgerLine",
    "LedgerPedimento",
    "Report",
    "SatDischarge",
    "SatLine",
    "SatPedimento",
    "Tolerance",
    "chain_heads",
    "fraccion_digits",
    "reconcile",
    "unit_code",
]


def reconcile(
    sat_pedimentos: Iterable[SatPedimento],
    sat_lines: Iterable[SatLine],
    sat_discharges: Iterable[SatDischarge],
    ledger_pedimentos: Iterable[LedgerPedimento],
    ledger_lines: Iterable[LedgerLine],
    ledger_discharges: Iterable[LedgerDischarge] | None,
    *,
    as_of: date,
    limit_months: Callable[[str, date], int | None],
    date_from: date | None = None,
    date_to: date | None = None,
    tolerance: Tolerance = Tolerance(),
    sat_coverage: tuple[date, date] | None = None,
    ledger_claves: Iterable[str] = LOT_KEYS,
) -> Report:
    """Compare the ledger with SAT's data; see the module docstring.

    ``ledger_discharges`` None means the ledger has no discharge journal yet (the
    ``discharge`` category is then skipped and a note says so). ``limit_months(clave,
    start)`` gives the legal time limit of a temporary import (None: no limit).
    """
    speds = {p.number: p for p in sat_pedimentos}
    c = Comparison(
        speds=speds,
        heads=chain_heads(speds.values()),
        lpeds={p.number: p for p in ledger_pedimentos},
        date_from=date_from,
        date_to=date_to,
        as_of=as_of,
        tolerance=tolerance,
    )
    members, pairs = compare_presence(c, frozenset(ledger_claves), sat_coverage)
    groups = group_lines(sat_lines, ledger_lines, pairs)
    compare_lines(c, groups)
    all_sat_discharges = list(sat_discharges)
    journal = None if ledger_discharges is None else list(ledger_discharges)
    journal_by_orig: dict[str, list[LedgerDischarge]] = defaultdict(list)
    for ld in journal or ():
        journal_by_orig[ld.original].append(ld)
    compare_discharges(c, all_sat_discharges, journal)
    compare_open_past_limit(c, members, all_sat_discharges, groups, journal_by_orig, limit_months)
    totals = dict.fromkeys(CATEGORIES, 0)
    for diff in c.diffs:
        totals[diff.category] += 1
    return Report(date_from, date_to, as_of, tolerance, tuple(c.diffs), totals,
                  dict(c.compared), tuple(c.notes))  # fmt: skip
