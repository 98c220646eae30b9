"""Throughput and latency of the start page and of a whole Request for Support, under gunicorn on
PostgreSQL, each as a ratio to a bare Flask "hello world" served the same way in the same run.

Usage: .venv/bin/python benchmarks/public_load.py [--seconds 15] [--users 16] [--workers 2]

Starts a private PostgreSQL server (temporary directory, free port), migrates it, and serves
the portal with gunicorn.conf.py in production mode (CSRF on, rate limits on Redis, behind a
proxy); then serves benchmarks/hello.py with the same gunicorn settings (in both, no worker is
recycled during the run). Each user is a thread with a keep-alive connection. Submissions are
walked as a browser does: GET each page, POST it with its CSRF token, through to the confirmation
page. Beside each rate it prints the workers' CPU time per request, which the machine's load moves
far less.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._costs import first_load_bytes, page_costs, worker_cpu_seconds, worker_rss_mib  # noqa: E402
from benchmarks._section import write_part  # noqa: E402
from testkit.harness import (  # noqa: E402
    Browser,
    Gunicorn,
    PrivatePostgres,
    migrate,
    production_env,
    run_submitters,
)


def hammer(port: int, path: str, users: int, seconds: float) -> tuple[float, list[float]]:
    """``users`` threads GET ``path`` back to back; returns requests per second and latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def user():
        browser, mine = Browser(port), []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            page = browser.get(path)
            mine.append(time.perf_counter() - started)
            assert page.status == 200, page.status
        browser.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=user) for _ in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - began), latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    postgres = PrivatePostgres().start()
    try:
        migrate(postgres.url)
        # No worker is recycled during the run (gunicorn.conf.py's max_requests): a new worker's
        # start-up, seconds of CPU, would fall into whichever part happened to reach the count.
        env = production_env(postgres.url, GUNICORN_MAX_REQUESTS="0")
        hello = Gunicorn({**env, "PYTHONPATH": str(Path(__file__).parent)}, workers=args.workers,
                         threads=args.threads, app="hello:app").start()
        try:
            hammer(hello.port, "/", args.users, 2)  # warm up
            used = worker_cpu_seconds(hello.process.pid)
            hello_rps, hello_lat = hammer(hello.port, "/", args.users, args.seconds)
            hello_cpu = (worker_cpu_seconds(hello.process.pid) - used) / len(hello_lat)
        finally:
            hello.stop()
        portal = Gunicorn(env, workers=args.workers, threads=args.threads).start()
        try:
            hammer(portal.port, "/", args.users, 2)
            used = worker_cpu_seconds(portal.process.pid)
            start_rps, start_lat = hammer(portal.port, "/", args.users, args.seconds)
            start_cpu = (worker_cpu_seconds(portal.process.pid) - used) / len(start_lat)
            run_submitters(portal.port, args.users, 2)  # warm up, as for the pages above
            began, used = time.monotonic(), worker_cpu_seconds(portal.process.pid)
            result = run_submitters(portal.port, args.users, args.seconds)
            elapsed = time.monotonic() - began
            journey_cpu = (worker_cpu_seconds(portal.process.pid) - used) / max(len(result.statuses), 1)
            rss = worker_rss_mib(portal.process.pid)
            wire, fetched = first_load_bytes(portal.port)
        finally:
            portal.stop()
        from portal import create_app

        app = create_app("test", DATABASE_URL=postgres.url)
        costs = page_costs(app)
        app.extensions["db_engine"].dispose()
    finally:
        postgres.stop()

    requests = len(result.statuses)
    journey_rps = requests / elapsed
    submissions = len(result.confirmed)
    per_submission = requests / max(submissions, 1)
    parts = ", ".join(f"{url.rsplit('/', 1)[-1] or url} {size / 1000:.1f}" for url, size in fetched)
    rows = [
        ("hello world, GET /", f"{hello_rps:.0f}", f"{pct(hello_lat, .5):.1f}", f"{pct(hello_lat, .95):.1f}",
         "1.00", f"{hello_cpu * 1000:.2f}"),
        ("start page, GET /", f"{start_rps:.0f}", f"{pct(start_lat, .5):.1f}", f"{pct(start_lat, .95):.1f}",
         f"{start_rps / hello_rps:.2f}", f"{start_cpu * 1000:.2f}"),
        (f"Request for Support, every page ({per_submission:.0f} requests each)", f"{journey_rps:.0f}",
         "", "", f"{journey_rps / hello_rps:.2f}", f"{journey_cpu * 1000:.2f}"),
    ]
    load = os.getloadavg()[0]
    lines = [
        "### Start page and Request for Support under gunicorn on PostgreSQL (`benchmarks/public_load.py`)",
        "",
        f"Measured {date.today():%d %B %Y} on {os.cpu_count()} CPUs ({platform.python_implementation()} "
        f"{platform.python_version()}), gunicorn gthread {args.workers} workers x {args.threads} threads, "
        f"{args.users} concurrent users, {args.seconds:.0f} s each, workers not recycled, load average "
        f"{load:.1f} at the end (the benchmark's own servers and users included).",
        "",
        "| What | Requests/s | p50 ms | p95 ms | Ratio to hello world | Worker CPU ms per request |",
        "|---|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in rows],
        "",
        f"Complete submissions: {submissions} in {elapsed:.1f} s = {submissions / elapsed:.2f} per second "
        f"(a submission is {per_submission:.0f} requests: GET and POST of every page, CSRF token, "
        f"the draft saved in PostgreSQL at each step, then one transaction for the request, its routing "
        f"and its outbox rows). Errors: {len(result.errors)}; 5xx: "
        f"{len([s for s in result.statuses if s >= 500])}.",
        "Aim: start page at least 0.40 of hello world, submission pages at least 0.15. This run: start "
        f"page {'met' if start_rps / hello_rps >= 0.40 else 'NOT met'}, submission pages "
        f"{'met' if journey_rps / hello_rps >= 0.15 else 'NOT met'}.",
        "Worker CPU: the user and system time of the gunicorn workers over the timed seconds, divided "
        "by the requests they served (the machine's load moves it far less than requests per second).",
    ]
    lines += [
        "",
        f"Resident size of each gunicorn worker after the run: "
        f"{', '.join(f'{size:.0f} MiB' for size in rss)}.",
        "",
        f"First visit to the start page over the wire (brotli accepted, headers included): "
        f"**{wire / 1000:.1f} KB** in {len(fetched)} responses "
        f"({parts}). "
        "Aim: at most 150 KB.",
        "",
        "Per request, in process through the Flask test client on the same PostgreSQL (the third walk, "
        "caches warm): SQL statements, peak Python allocation (tracemalloc) and blocks still allocated "
        "when the response was read.",
        "",
        "| Page | SQL statements | Peak KiB | Blocks |",
        "|---|---|---|---|",
        *[f"| {page} | {statements} | {peak:.0f} | {blocks} |" for page, statements, peak, blocks in costs],
    ]
    text = "\n".join(lines)
    print(text)
    write_part("public_load", text)


if __name__ == "__main__":
    main()
