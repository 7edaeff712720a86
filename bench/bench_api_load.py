"""Load benchmark: concurrent signed-in users on loopback against a plant on PostgreSQL.

    python bench/bench_api_load.py                              # 100k consumptions, 50 users
    python bench/bench_api_load.py --consumptions 2000 --users 5 --requests 200   # CI-sized
    python bench/bench_api_load.py --consumptions 10000000 --keep   # the issue's 10M plant,
                                                                    # the database kept
    python bench/bench_api_load.py --db postgresql+psycopg://…/immex_bench_x   # reuse it
    python bench/bench_api_load.py --db … --think 1   # each user reads a second per page

Builds the synthetic ILLUSTRATIVE plant (bench/_plant.py), imports it, runs the discharge
and adds ``--users`` viewers (or reuses a database a ``--keep`` run left), starts
`immex serve --workers N` on 127.0.0.1, signs every user in (session cookie) and has one
thread per user call, in turn, the API's balance, expiry and F4 plan and the pages
dashboard, ledger and F4 — bounded by ``--requests`` in all and ``--seconds``. Before the
load, one request per route computes the figures the server then keeps (their time is
printed as "first"). Prints p50/p95/max and errors per route, and the ratio of each p95 to
the p95 of a trivial signed-in route (``/api/v1/me``) measured in the same run, with the
machine's load average. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import random
import re
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
PASSWORD = "bench password 2025"
REFERENCE = "me"


def _prepare(url: str, consumptions: int, users: int) -> None:
    from immex.services.accounts import users as accounts
    from immex.services.discharge.runs import run_discharge
    from immex.services.workspace.companies import open_workspace

    t = time.perf_counter()
    timings = load_workspace(url, plant_files(consumptions))
    print(f"imported in {time.perf_counter() - t:.0f} s {timings}", flush=True)
    ws = open_workspace(url, RFC, actor="bench")
    summary = run_discharge(ws)
    for n in range(users):
        accounts.add_user(ws, f"user{n}@example.com", "viewer", [RFC], password=PASSWORD)
    ws.store.dispose()
    print(f"plant: {summary.consumptions:,} consumptions, {summary.allocations:,} allocations; "
          f"ready in {time.perf_counter() - t:.0f} s", flush=True)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(
    url: str, port: int, workers: int, log: Path | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "immex.cli.main", "serve", "--db", url, "--port", str(port),
           "--workers", str(workers)]  # fmt: skip
    out = log.open("ab") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=out)
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/refdata", timeout=1, trust_env=False)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def _signed_in(base: str, n: int, timeout: float) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=timeout, trust_env=False)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if csrf is None:
        raise SystemExit("no sign-in form")
    r = client.post("/login", data={"email": f"user{n}@example.com", "password": PASSWORD,
                                    "csrf_token": csrf.group(1)})  # fmt: skip
    if r.status_code not in (200, 303):
        raise SystemExit(f"user{n} could not sign in: {r.status_code}")
    return client


def _name(route: str) -> str:
    path = route.split("?")[0]
    if path.startswith("/api/"):
        return path.rsplit("/", 1)[1]
    tail = path.split(f"/c/{RFC}/", 1)[1]
    return "page " + (tail or "dashboard")


def _pct(ms: list[float], p: float) -> float:
    return ms[max(0, int(len(ms) * p + 0.5) - 1)]


def _first(clients: list[httpx.Client], route: str) -> float:
    """Every user asks once at the same time (each server process computes the figures
    once, the others wait for them): the slowest answer, in ms."""
    took: list[float] = []

    def one(client: httpx.Client) -> None:
        t = time.perf_counter()
        try:
            client.get(route)
        except httpx.HTTPError:  # e.g. not computed within the client's timeout
            took.append(float("inf"))
            return
        took.append(time.perf_counter() - t)

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return max(took) * 1000


def _load(
    clients: list[httpx.Client], routes: list[str], total: int, seconds: float,
    think: float = 0.0,
) -> tuple[dict[str, list[float]], dict[str, int], float]:  # fmt: skip
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)  # status code or exception of each error
    lock = threading.Lock()
    sent = [0]
    stop_at = time.perf_counter() + seconds

    def user(client: httpx.Client, offset: int) -> None:
        rng = random.Random(offset)
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
                status = str(client.get(route).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            with lock:
                times[_name(route)].append(time.perf_counter() - t)
                if status != "200":
                    errors[_name(route)] += 1
                    kinds[status] += 1
            if think:  # a person reads the page before the next click (0.5–1.5 × think)
                time.sleep(think * rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=user, args=(c, i)) for i, c in enumerate(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if kinds:
        print(f"  errors by answer: {dict(kinds)}")
    return times, errors, time.perf_counter() - t0


def _report(times: dict[str, list[float]], errors: dict[str, int], wall: float, users: int,
            first: dict[str, float]) -> None:  # fmt: skip
    done = sum(len(v) for v in times.values())
    print(f"{users} users, {done} requests in {wall:.1f} s ({done / wall:.0f}/s); "
          f"errors: {sum(errors.values())} {dict(errors) or ''}")  # fmt: skip
    ref = sorted(v * 1000 for v in times.get(REFERENCE, [])) or [float("nan")]
    ref95 = _pct(ref, 0.95)
    print(f"  {'route':14} {'n':>5}  {'first':>9}  {'p50':>9}  {'p95':>9}  {'max':>9}  "
          f"p95/ref  errors")  # fmt: skip
    for name, values in sorted(times.items()):
        ms = sorted(v * 1000 for v in values)
        cold = f"{first[name]:7.0f}ms" if name in first else " " * 9
        print(f"  {name:14} {len(ms):5}  {cold}  {statistics.median(ms):7.1f}ms  "
              f"{_pct(ms, 0.95):7.1f}ms  {ms[-1]:7.1f}ms  {_pct(ms, 0.95) / ref95:7.1f}  "
              f"{errors.get(name, 0)}")  # fmt: skip
    print(f"  reference: {REFERENCE} (GET /api/v1/me, signed in), p95 {ref95:.1f} ms")


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of process ``root`` and its descendants, from /proc
    (Linux); the server's own cost of the load, whatever else the machine does."""
    children: dict[int, list[int]] = defaultdict(list)
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()  # after "pid (comm)"
        stats[int(entry.name)] = fields
        children[int(fields[1])].append(int(entry.name))
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += (int(stats[pid][11]) + int(stats[pid][12])) / tick
        todo += children.get(pid, [])
    return total


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--consumptions", type=int, default=100_000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--requests", type=int, default=2000, help="requests in all (bound)")
    ap.add_argument("--seconds", type=float, default=120, help="time bound of the load")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--as-of", default="2025-12-31")
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each user pauses between requests (0: back to back)",
    )
    ap.add_argument("--timeout", type=float, default=600, help="seconds a request may take")
    ap.add_argument("--db", help="a database a --keep run prepared (its users are reused)")
    ap.add_argument("--keep", action="store_true", help="keep the database (print its URL)")
    ap.add_argument("--prepare-only", action="store_true", help="build the plant and stop")
    ap.add_argument("--server-log", type=Path, help="append the server's output to this file")
    args = ap.parse_args()
    url = args.db or pg_database()
    print(f"database: {url}", flush=True)
    server = None
    clients: list[httpx.Client] = []
    try:
        if not args.db:
            _prepare(url, args.consumptions, args.users)
        if args.keep or args.prepare_only:
            print(f"database kept: {url}", flush=True)
        if args.prepare_only:
            return
        month = args.as_of[:7]
        port = _free_port()
        server = _serve(url, port, args.workers, args.server_log)
        base = f"http://127.0.0.1:{port}"
        clients = [_signed_in(base, n, args.timeout) for n in range(args.users)]
        api, page = f"/api/v1/companies/{RFC}", f"/c/{RFC}"
        routes = [
            "/api/v1/me",
            f"{api}/balance?as_of={args.as_of}",
            f"{api}/expiry?as_of={args.as_of}&within=90",
            f"{api}/f4-plan?period={month}",
            f"{page}/?as_of={args.as_of}",
            f"{page}/ledger?as_of={args.as_of}",
            f"{page}/f4?period={month}",
        ]
        print(f"{args.workers} server process(es); think time {args.think} s; "
              f"{_load_average()}", flush=True)  # fmt: skip
        first = {_name(route): _first(clients, route) for route in routes}
        server_cpu, own_cpu = _tree_cpu(server.pid), time.process_time()
        times, errors, wall = _load(clients, routes, args.requests, args.seconds, args.think)
        server_cpu, own_cpu = _tree_cpu(server.pid) - server_cpu, time.process_time() - own_cpu
        _report(times, errors, wall, len(clients), first)
        done = sum(len(v) for v in times.values())
        print(f"  CPU per request: server {server_cpu / done * 1000:.1f} ms, "
              f"load client {own_cpu / done * 1000:.1f} ms (of {wall * (os.cpu_count() or 1):.0f} "
              f"CPU-seconds the machine had; server {server_cpu:.0f} s, client {own_cpu:.0f} s)")
        print(_load_average())
    finally:
        for client in clients:
            client.close()
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:  # still computing a figure
                server.kill()
                server.wait(timeout=60)
        if not (args.db or args.keep or args.prepare_only):
            drop_pg(url)


if __name__ == "__main__":
    main()
