"""Benchmark: the import fuzz test (tests/test_import_fuzz.py) with more files.

Every importer through the CLI on files wrong by construction; each must answer exit 2 with
a message and leave the database unchanged. CI runs 1,000 files per importer; this runs
``--files`` (default 10,000) with another seed, and prints the time per importer.

    python bench/bench_import_fuzz.py --files 10000 --seed 7
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000, help="files per importer")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    env = {**os.environ, "IMMEX_FUZZ_FILES": str(args.files), "IMMEX_FUZZ_SEED": str(args.seed)}
    started = time.perf_counter()
    code = subprocess.call(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0",
         "-o", "addopts=", str(ROOT / "tests" / "test_import_fuzz.py")],
        cwd=ROOT, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - started
    print(f"{args.files:,} files per importer (seed {args.seed}) in {wall:.0f} s", flush=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
