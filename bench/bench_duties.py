"""10,000 F4 computations in one call (the batch API the ledger uses) vs the reference loop.

    python bench/bench_duties.py [N]

The reference is the single-computation API, ``compute_f4``, called N times on a context
without memo (every call decides the rate, finds the FIX and computes the CFF 17-A factor
afresh). The batch, ``compute_f4_batch``, shares the rate decision per (fracción, origin,
registrations, date interval), the FIX per date and the factor per month pair. Two request
mixes: N portions of 2,000 lots (a ledger's F4 plan: many portions per pedimento line) and
N portions of N lots (every portion its own lot). Data: the bundled LIGIE, FIX, INPC and
parameters; ILLUSTRATIVE PROSEC rows (sector XIX, Ex.) on a third of the fracciones; no
workspace. Both runs must give equal results (asserted). Best of 3, interleaved: the
machine is shared, so the figures move with its load.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from immex.domain.duties import DutyContext, F4Request, compute_f4, compute_f4_batch
from immex.domain.rates import ProsecRow, RateBook, parse_rate_text
from immex.domain.tariff import RateKind
from immex.refdata.bundled import load_fx, load_inpc
from immex.refdata.tariff_data import load_tariff_book
from immex.services.duties.single import duty_parameters


def requests(n: int, fractions: list[str], lots: int) -> list[F4Request]:
    """``n`` portions of ``lots`` lots, as the ledger's F4 plan sees them.

    A lot is a pedimento line: one fracción, origin and entry date (~600 pedimentos over
    2023-2025); its portions differ in value and in the month-end change date.
    """
    rnd = random.Random(20260424)
    pedimentos = sorted(
        {date(2023, 1, 2) + timedelta(days=rnd.randrange(0, 900)) for _ in range(600)}
    )
    lot_rows = [
        (rnd.choice(fractions), rnd.choice(pedimentos), rnd.choice(["CHN", "KOR", "TWN", "USA"]))
        for _ in range(lots)
    ]
    out = []
    for i in range(n):
        fraccion, entry, origin = rnd.choice(lot_rows)
        change = min(entry + timedelta(days=rnd.randrange(31, 540)), date(2026, 3, 4))
        out.append(
            F4Request(
                fraccion=fraccion,
                value_usd=Decimal(rnd.randrange(100, 5_000_000)) / 100,
                entry_date=entry,
                change_date=date(change.year, change.month, 1) + timedelta(days=27),
                origin=origin,
                prosec_sectors=("I", "XIX"),
                dta_minimum=False,
                reference=f"portion {i}",
            )
        )
    return out


def main(n: int = 10_000, repeat: int = 3) -> None:
    results = {}
    for lots in (2_000, n):
        results[lots] = run(n, lots, repeat)


def run(n: int, lots: int, repeat: int) -> float:
    book = load_tariff_book()
    fractions = [
        c for c in book.codes()[::37]
        if book.get(c).import_rate.kind in (RateKind.AD_VALOREM, RateKind.EXEMPT)
    ][:300]  # fmt: skip
    prosec = [
        ProsecRow("XIX", "Automotriz", f, parse_rate_text("Ex."), date(2020, 1, 1), None, "",
                  "ILLUSTRATIVE row")
        for f in fractions[::3]
    ]  # fmt: skip
    rate_book = RateBook(prosec, sector_order=("I", "XIX"))
    params = duty_parameters()

    def ctx(memo: bool) -> DutyContext:
        return DutyContext(load_fx(), load_inpc(), params, rate_book, book.import_rate_at,
                           memo=memo)  # fmt: skip

    reqs = requests(n, fractions, lots)
    t_ref = t_batch = float("inf")
    for _ in range(repeat):  # best of `repeat`, interleaved (the machine is shared)
        t0 = time.perf_counter()
        reference = [compute_f4(r, ctx(False)) for r in reqs]
        t_ref = min(t_ref, time.perf_counter() - t0)
        t0 = time.perf_counter()
        batch = compute_f4_batch(reqs, ctx(False))
        t_batch = min(t_batch, time.perf_counter() - t0)
    assert batch == reference, "batch and reference differ"
    total = sum((r.total for r in batch), Decimal(0))
    print(
        f"F4 computations: {n} portions of {lots} lots ({len({r.fraccion for r in reqs})} "
        f"fracciones, {len({r.entry_date for r in reqs})} entry dates); best of {repeat}"
    )
    print(f"reference loop (compute_f4, no memo): {t_ref:8.3f} s  {n / t_ref:9.0f} /s")
    print(f"batch (compute_f4_batch, one call):   {t_batch:8.3f} s  {n / t_batch:9.0f} /s")
    print(f"ratio reference / batch: {t_ref / t_batch:.2f}x  · results equal · total {total} MXN")
    return t_ref / t_batch


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
