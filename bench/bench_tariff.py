"""Benchmark: tariff search latency and `tariff show` time.

Prints p50/p95 search latency over 1,000 queries for the inverted index and for a naive linear
scan (the reference implementation, ``immex.domain.search.naive_search``), their ratio, and the
time of a ``tariff show`` (cold: new process loading the tables; warm: in-process, cached).

    python bench/bench_tariff.py
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from datetime import date

from immex.domain.search import naive_search, tokens
from immex.refdata.tariff_data import TariffBook, load_tariff_book
from immex.services.tariff import lookup as service

N_QUERIES = 1000
N_NAIVE = 100  # the reference scan is slow; time a sample of the same queries


def _queries(book: TariffBook, n: int) -> list[str]:
    rng = random.Random(20261128)
    fixed = [
        "circuitos integrados",
        "telefonos inteligentes",
        "leche condensada",
        "tornillos",
        "motores electricos",
        "neumaticos",
        "cafe tostado",
        "tequila",
        "aguacates",
        "partes para automoviles",
    ]
    words = sorted({w for f in book.fractions() for w in tokens(f.description) if len(w) > 3})
    out = list(fixed)
    while len(out) < n:
        out.append(" ".join(rng.sample(words, rng.choice((1, 2, 2, 3)))))
    return out[:n]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    t0 = time.perf_counter()
    book = TariffBook()
    load_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    book.search("x y z", 1)
    index_ms = (time.perf_counter() - t0) * 1000
    queries = _queries(book, N_QUERIES)

    fast = []
    for q in queries:
        t = time.perf_counter()
        book.search(q, 10)
        fast.append((time.perf_counter() - t) * 1000)
    realistic = []
    for q in queries[:10] * 100:
        t = time.perf_counter()
        book.search(q, 10)
        realistic.append((time.perf_counter() - t) * 1000)
    docs = book.search_docs()
    naive = []
    for q in queries[:N_NAIVE]:
        t = time.perf_counter()
        naive_search(docs, q, 10)
        naive.append((time.perf_counter() - t) * 1000)

    p50, p95 = _pct(fast, 50), _pct(fast, 95)
    n50, n95 = _pct(naive, 50), _pct(naive, 95)
    print(f"fractions: {len(book)}")
    print(f"table load (in-process, cold): {load_ms:.1f} ms; search index build: {index_ms:.1f} ms")
    print(
        f"search, {N_QUERIES} queries: p50 {p50:.3f} ms  p95 {p95:.3f} ms  "
        f"mean {statistics.mean(fast):.3f} ms"
    )
    print(f"search, 10 realistic queries x100 (e.g. 'circuitos integrados'): "
          f"p50 {_pct(realistic, 50):.3f} ms  p95 {_pct(realistic, 95):.3f} ms")
    print(f"reference linear scan, {N_NAIVE} queries: p50 {n50:.1f} ms  p95 {n95:.1f} ms")
    print(f"speed-up vs reference: p50 x{n50 / p50:.0f}  p95 x{n95 / p95:.0f}")

    warm_book = load_tariff_book()
    warm_book.get("8542.31.03")
    shows = []
    for code in ("8708.29.99", "8542.31.03", "0402.99.01", "7208.10.03", "8517.13.01") * 20:
        t = time.perf_counter()
        service.show(code, date(2025, 6, 1), book=warm_book)
        shows.append((time.perf_counter() - t) * 1000)
    print(
        f"tariff show (in-process, warm): p50 {_pct(shows, 50):.3f} ms  "
        f"p95 {_pct(shows, 95):.3f} ms"
    )

    cold = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from datetime import date; from immex.services.tariff import "
                "lookup as s; s.show('8708.29.99', date(2025, 6, 1))",
            ],
            check=True,
        )
        cold.append((time.perf_counter() - t) * 1000)
    print(
        f"tariff show (new Python process, cold load incl. interpreter): "
        f"min {min(cold):.0f} ms  median {statistics.median(cold):.0f} ms"
    )
    cli = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "immex.cli.main",
                "tariff",
                "show",
                "8708.29.99",
                "--as-of",
                "2025-06-01",
                "--json",
            ],
            check=True,
            capture_output=True,
        )
        cli.append((time.perf_counter() - t) * 1000)
    print(
        f"`immex tariff show --json` end to end (whole CLI start-up): "
        f"min {min(cli):.0f} ms  median {statistics.median(cli):.0f} ms"
    )


if __name__ == "__main__":
    main()
