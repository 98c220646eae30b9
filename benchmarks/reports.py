"""Time the console reports page over 1,000,000 items in PostgreSQL.

Usage: .venv/bin/python benchmarks/reports.py [--reuse] [postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
(--reuse times the database left by an earlier run instead of filling a new one)

Makes a fresh database ``eh_bench_reports`` on that server, migrates it, fills it in SQL
(generate_series: 1,000,000 items over two years across kinds, districts, channels,
outcomes and CoN levels, with an allocation or response in the audit trail for most
requests and complaints, and call backs for a third of helpline contacts), then signs in
an administrator and times GET /console/reports through the Flask test client for a
12-week range, a year, a year for one district, and the CSV. Prints the median and 95th
percentile of 20 runs each, and the load average.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app  # noqa: E402
from portal.db import alembic_config  # noqa: E402
from talkzone import access, rollup  # noqa: E402
from testkit.factories import make_user, sign_in_as  # noqa: E402

ITEMS = 1_000_000
RUNS = 20
NAME = "eh_bench_reports"
AREAS = ["lancaster", "wyre", "fylde", "preston", "chorley", "south_ribble", "west_lancashire", "hyndburn",
         "ribble_valley", "rossendale", "burnley", "pendle"]

FILL = """
INSERT INTO submissions (reference, kind, status, channel, language, created_at, updated_at, area_code,
    destination, answers, contact, safeguarding, due_on, con_level, outcome, legal_hold, closed_at, version)
SELECT 'BM-' || i,
       k.kind,
       CASE WHEN i % 3 = 0 THEN 'closed' ELSE 'new' END,
       (ARRAY['online','online','online','phone','email','text'])[1 + i % 6],
       'en',
       now() AT TIME ZONE 'UTC' - make_interval(secs => (i * 63.07)::int),
       now() AT TIME ZONE 'UTC',
       CASE WHEN k.kind = 'request_for_support' THEN (CAST(:areas AS text[]))[1 + (i / 3) % 12] END,
       'bench@example.invalid',
       CASE WHEN k.kind = 'helpline_contact' THEN jsonb_build_object(
         'topic', jsonb_build_object('topic', (ARRAY['home','relationships','mental_health','bullying',
                                                     'jobs','something_else'])[1 + i % 6]),
         'about-you', jsonb_build_object('age', (ARRAY['under_12','13','15','16','17','19','22','prefer_not'])
                                                [1 + i % 8]))
       ELSE '{}'::jsonb END,
       '{}'::jsonb, i % 97 = 0,
       (now() AT TIME ZONE 'UTC' - make_interval(secs => (i * 63.07)::int))::date + 7,
       CASE WHEN k.kind = 'request_for_support' AND i % 3 = 0 THEN 1 + i % 4 END,
       CASE WHEN i % 3 = 0 THEN
         CASE k.kind WHEN 'request_for_support' THEN 'level_1_signposted' WHEN 'complaint' THEN 'upheld'
                     ELSE 'advice_given' END END,
       false,
       CASE WHEN i % 3 = 0 THEN now() AT TIME ZONE 'UTC' - make_interval(secs => (i * 63.07)::int) END,
       1
FROM generate_series(1, :n) AS i
CROSS JOIN LATERAL (SELECT (ARRAY['request_for_support','request_for_support','complaint',
                                  'helpline_contact','helpline_contact'])[1 + i % 5] AS kind) AS k
"""
EVENTS = """
INSERT INTO audit_events (at, submission_id, action, detail)
SELECT s.created_at + make_interval(days => 1 + s.id % 9), s.id, 'status_changed',
       jsonb_build_object('status', CASE s.kind WHEN 'complaint' THEN 'responded' ELSE 'allocated' END,
                          'version', 2)
FROM submissions s WHERE s.kind IN ('request_for_support', 'complaint') AND s.id % 4 <> 0
"""
CALLS = """
INSERT INTO callback_attempts (submission_id, at, result, outside_safe_window)
SELECT s.id, s.created_at + interval '2 hours', 'reached', s.id % 7 = 0
FROM submissions s WHERE s.kind = 'helpline_contact' AND s.id % 3 = 0
"""


def prepare(base_url: str) -> str:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{NAME}"'))
    admin.dispose()
    url = base_url.rsplit("/", 1)[0] + f"/{NAME}"
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(FILL), {"n": ITEMS, "areas": AREAS})
        conn.execute(text(EVENTS))
        conn.execute(text(CALLS))
        rollup.rebuild(conn)  # the roll-up filled as the migration fills it for stored items
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        counts = conn.execute(text("SELECT (SELECT count(*) FROM submissions),"
                                   " (SELECT count(*) FROM audit_events),"
                                   " (SELECT count(*) FROM callback_attempts)")).one()
    engine.dispose()
    print(f"filled {counts[0]:,} items, {counts[1]:,} audit events, {counts[2]:,} callback attempts "
          f"in {time.perf_counter() - started:.1f} s")
    return url


def timed(client, path: str, runs: int = RUNS) -> tuple[float, float, float]:
    """The median and 95th percentile of ``runs`` requests (after one to warm up), and the median CPU
    time the app's own process spent on one (without waiting for the database or for a core)."""
    client.get(path)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        response.get_data()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], statistics.median(cpu)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--reuse"]
    base_url = args[0] if args else "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    if "--reuse" in sys.argv:
        url = base_url.rsplit("/", 1)[0] + f"/{NAME}"
    else:
        url = prepare(base_url)
    app = create_app("test", DATABASE_URL=url, WTF_CSRF_ENABLED=False)
    session = app.extensions["db_sessionmaker"]()
    client = app.test_client()
    admin = make_user(session, access.ADMINISTRATOR, email=f"bench-{time.time_ns()}@council.example")
    sign_in_as(client, session, admin)
    from datetime import date, timedelta

    today = date.today()

    def span(days: int) -> str:
        start = today - timedelta(days=days)
        return (f"start={start.day}&start={start.month}&start={start.year}"
                f"&end={today.day}&end={today.month}&end={today.year}")

    cases = [("reports page, 12 weeks (default)", "/console/reports"),
             ("reports page, 1 year", f"/console/reports?{span(364)}"),
             ("reports page, 1 year, one district", f"/console/reports?{span(364)}&area=preston"),
             ("CSV, 1 year", f"/console/reports.csv?{span(364)}")]
    print(f"{RUNS} runs each, {ITEMS:,} items, PostgreSQL, load average {os.getloadavg()[0]:.2f}:")
    print(f"  {'':40s} {'p50':>8s} {'p95':>8s} {'app CPU':>9s}")
    for name, path in cases:
        p50, p95, cpu = timed(client, path)
        print(f"  {name:40s} {p50 * 1000:6.0f} ms {p95 * 1000:6.0f} ms {cpu * 1000:6.0f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    session.close()
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
