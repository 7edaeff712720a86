"""Load benchmark: concurrent signed-in users on loopback against a plant on PostgreSQL.

    python bench/bench_api_load.py                              # 100k consumptions, 50 users
    python bench/bench_api_load.py --consumptions 10000000      # the issue's 10M plant

Builds the synthetic ILLUSTRATIVE plant (bench/_plant.py), imports it, runs the discharge,
starts `immex serve` (the whole site, uvicorn) on 127.0.0.1 and has ``--users`` threads,
each with its own bearer token, call balance, expiry and the F4 plan in turn. Bounded by
``--requests`` in all and ``--seconds``; prints p50/p95/max per route and the errors.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _plant import drop_pg, load_workspace, pg_database, plant_files  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RFC = "EKU9003173C9"


def _prepare(url: str, consumptions: int, users: int) -> list[str]:
    from immex.services.accounts import tokens
    from immex.services.accounts import users as accounts
    from immex.services.discharge.runs import run_discharge
    from immex.services.workspace.companies import open_workspace

    t = time.perf_counter()
    load_workspace(url, plant_files(consumptions))
    ws = open_workspace(url, RFC, actor="bench")
    summary = run_discharge(ws)
    issued = []
    for n in range(users):
        email = f"user{n}@example.com"
        accounts.add_user(ws, email, "viewer", [RFC])
        issued.append(tokens.create_token(ws, email).token)
    ws.store.dispose()
    print(f"plant: {summary.consumptions:,} consumptions, {summary.allocations:,} allocations; "
          f"ready in {time.perf_counter() - t:.0f} s", flush=True)  # fmt: skip
    return issued


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "immex.cli.main", "serve", "--db", url, "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/refdata", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def _load(base: str, tokens: list[str], routes: list[str], total: int, seconds: float) -> None:
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    sent = [0]
    stop_at = time.perf_counter() + seconds

    def user(token: str, offset: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=60, trust_env=False) as client:  # fmt: skip
            n = offset
            while time.perf_counter() < stop_at:
                with lock:
                    if sent[0] >= total:
                        return
                    sent[0] += 1
                route = routes[n % len(routes)]
                n += 1
                t = time.perf_counter()
                try:
                    ok = client.get(route).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    times[route.split("?")[0].rsplit("/", 1)[1]].append(time.perf_counter() - t)
                    if not ok:
                        errors[route] += 1

    threads = [threading.Thread(target=user, args=(tok, i)) for i, tok in enumerate(tokens)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    done = sum(len(v) for v in times.values())
    print(f"{len(tokens)} users, {done} requests in {wall:.1f} s ({done / wall:.0f}/s); "
          f"errors: {sum(errors.values())} {dict(errors) or ''}")  # fmt: skip
    for name, values in sorted(times.items()):
        ms = sorted(v * 1000 for v in values)
        p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
        print(f"  {name:10} n={len(ms):5}  p50 {statistics.median(ms):7.1f} ms  "
              f"p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--consumptions", type=int, default=100_000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--requests", type=int, default=1000, help="requests in all (bound)")
    ap.add_argument("--seconds", type=float, default=120, help="time bound of the load")
    ap.add_argument("--as-of", default="2025-12-31")
    args = ap.parse_args()
    url = pg_database()
    server = None
    try:
        tokens = _prepare(url, args.consumptions, args.users)
        month = args.as_of[:7]
        port = _free_port()
        server = _serve(url, port)
        base = f"http://127.0.0.1:{port}"
        company = f"/api/v1/companies/{RFC}"
        routes = [
            f"{company}/balance?as_of={args.as_of}",
            f"{company}/expiry?as_of={args.as_of}&within=90",
            f"{company}/f4-plan?period={month}",
        ]
        _load(base, tokens, routes, args.requests, args.seconds)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_pg(url)


if __name__ == "__main__":
    main()
