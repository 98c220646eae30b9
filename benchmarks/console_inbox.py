"""Time the console inbox's first page, searches and callbacks due now on 10,000 to 10,000,000 items.

Usage:
  .venv/bin/python benchmarks/console_inbox.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
                                               [--count 10000 --count 1000000] [--runs 200] [--reuse]

For each count, makes a fresh database ``eh_bench_console_<count>`` on that server, brings it
to the head migration (so the indexes measured are the real ones), fills it a million items at a
time with INSERT ... SELECT over generate_series, printing each step (a third each of requests
for support across the 12 districts, complaints and helpline contacts, over three years, 0.5%
flagged for safeguarding, with names, postcodes, phones and emails to search; names are 20 first
names and 20 surnames with two generated letters, about 270,000 distinct), builds the indexes it
dropped for the load, runs ANALYZE, then times
talkzone.worklist.inbox (the function behind the inbox page, with each role's scope) for:
the first page per role, every kind of search (reference and a part of it, postcode and outward
code, phone as stored and spaced, email, name, name parts reversed, requester's surname) and the
callbacks due now queue (talkzone.callbacks_due.due_now).
Prints median and p95 in milliseconds, and the ratio of the large case to the small one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.db import alembic_config  # noqa: E402
from talkzone import access, callbacks_due, worklist  # noqa: E402
from talkzone.models import User, utcnow  # noqa: E402
from testkit.harness import fresh_database  # noqa: E402

AREAS = ["lancaster", "wyre", "fylde", "preston", "chorley", "south_ribble", "west_lancashire", "hyndburn",
         "ribble_valley", "rossendale", "burnley", "pendle"]
FIRST = ["Alex", "Sam", "Jamie", "Robin", "Kit", "Charlie", "Morgan", "Taylor", "Jordan", "Casey", "Riley",
         "Avery", "Quinn", "Rowan", "Sasha", "Ellis", "Harper", "Jesse", "Logan", "Reese"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
        "Khan", "Hart", "Lee", "Walker", "Hughes", "Green", "Hall", "Wood", "Clarke", "Ahmed"]

FILL = """
INSERT INTO submissions (reference, kind, status, channel, language, created_at, updated_at, area_code,
    destination, answers, contact, subject_name, postcode, phone, email, safeguarding, due_on,
    legal_hold, version)
SELECT k.prefix || '-' || substr(h.hex, 1, 4) || '-' || substr(h.hex, 5, 4),
       k.kind,
       CASE WHEN k.kind = 'helpline_contact' AND i % 4 <> 2 THEN 'callback_due'
            ELSE (ARRAY['new', 'acknowledged', 'closed', 'new'])[1 + i % 4] END,
       'online', 'en', t.at, t.at,
       CASE WHEN k.kind = 'request_for_support' THEN (CAST(:areas AS text[]))[1 + (i / 3) % 12] END,
       'bench@example.invalid',
       jsonb_build_object('about-you', jsonb_build_object('name',
           (CAST(:first AS text[]))[1 + (i / 7) % 20] || ' ' || (CAST(:last AS text[]))[1 + (i / 13) % 20]
           || chr(97 + (i / 260) % 26) || chr(97 + (i / 6760) % 26))),
       '{}'::jsonb,
       (CAST(:first AS text[]))[1 + i % 20] || ' ' || (CAST(:last AS text[]))[1 + (i / 20) % 20]
           || chr(97 + (i / 400) % 26) || chr(97 + (i / 10400) % 26),
       'PR' || (1 + i % 9) || ' ' || (i % 10) || chr(65 + (i / 10) % 26) || chr(65 + (i / 260) % 26),
       '07' || lpad((i % 1000000000)::text, 9, '0'),
       'person' || i || '@example.com',
       random() < 0.005,
       CASE WHEN k.kind <> 'helpline_contact' THEN t.at::date + 7 END,
       false, 1
FROM generate_series(CAST(:start AS integer), CAST(:n AS integer)) AS i
CROSS JOIN LATERAL (SELECT upper(lpad(to_hex(i), 8, '0')) AS hex) AS h
CROSS JOIN LATERAL (SELECT (ARRAY['request_for_support', 'complaint',
                                  'helpline_contact'])[1 + i % 3] AS kind,
                           (ARRAY['RS', 'CP', 'TZ'])[1 + i % 3] AS prefix) AS k
CROSS JOIN LATERAL (SELECT now() AT TIME ZONE 'UTC'
                           - make_interval(secs => (random() * 94608000)::int + 0 * i) AS at) AS t
"""

# The search terms and call back windows talkzone.search_terms and talkzone.callbacks_due keep,
# written in bulk: every tail of the reference, name parts, each two parts of a name both ways
# round, postcode and outward code, phone, email; a two-hour window starting 20 hours after each
# helpline contact came in. Each item's terms are made distinct on their own (a handful of rows)
# rather than in one sort over the whole table, and the items are filled a block of ids at a time.
TERMS = """
INSERT INTO search_terms (submission_id, term)
SELECT s.id, t.term
FROM submissions AS s
CROSS JOIN LATERAL (SELECT lower(replace(s.reference, '-', '')) AS compact,
                           string_to_array(lower(s.subject_name), ' ') AS subject,
                           string_to_array(lower(s.answers -> 'about-you' ->> 'name'), ' ') AS requester) AS c
CROSS JOIN LATERAL (
    SELECT DISTINCT term FROM (
        SELECT 'r:' || substr(c.compact, n) FROM generate_series(1, length(c.compact)) AS n
        UNION ALL SELECT 'n:' || part FROM unnest(c.subject || c.requester) AS part
        UNION ALL SELECT 'w:' || a || ' ' || b FROM unnest(c.subject) AS a, unnest(c.subject) AS b
            WHERE a <> b
        UNION ALL SELECT 'w:' || a || ' ' || b FROM unnest(c.requester) AS a, unnest(c.requester) AS b
            WHERE a <> b
        UNION ALL VALUES ('p:' || lower(replace(s.postcode, ' ', ''))),
                         ('p:' || lower(split_part(s.postcode, ' ', 1))),
                         ('t:' || s.phone), ('e:' || lower(s.email))
    ) AS every_term (term)
) AS t
WHERE s.id BETWEEN CAST(:low AS bigint) AND CAST(:high AS bigint)
"""
WINDOWS = """
INSERT INTO callback_windows (submission_id, starts_at, ends_at)
SELECT id, created_at + interval '20 hours', created_at + interval '22 hours'
FROM submissions WHERE kind = 'helpline_contact'
"""
# The bulk load goes in with the search terms' keys and the items' non-unique indexes dropped;
# they are then built again from their own definitions, once each, with memory to sort in.
REBUILT = """
SELECT 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || conname || ' '
           || pg_get_constraintdef(oid),
       'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || conname
FROM pg_constraint WHERE conrelid = 'search_terms'::regclass
UNION ALL
SELECT indexdef, 'DROP INDEX ' || indexname FROM pg_indexes AS i
WHERE tablename IN ('submissions', 'search_terms') AND indexdef NOT LIKE 'CREATE UNIQUE%'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)
"""
BLOCK = 1_000_000


def seed(url: str, count: int) -> float:
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    started = time.perf_counter()

    def step(what: str, *statements, **values) -> None:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement), values)
        print(f"  {what} ({time.perf_counter() - started:.0f}s)", flush=True)

    with engine.connect() as conn:
        rebuilt = conn.execute(text(REBUILT)).all()
    step(f"dropped {len(rebuilt)} indexes and keys", *[drop for _, drop in rebuilt])
    for low in range(1, count + 1, BLOCK):
        high = min(count, low + BLOCK - 1)
        step(f"items {low:,} to {high:,}", FILL, n=high, start=low, areas=AREAS, first=FIRST, last=LAST)
    with engine.connect() as conn:
        first_id, last_id = conn.execute(text("SELECT min(id), max(id) FROM submissions")).one()
    for low in range(first_id, last_id + 1, BLOCK):
        step(f"search terms of ids {low:,} to {min(last_id, low + BLOCK - 1):,}", TERMS,
             low=low, high=low + BLOCK - 1)
    for build, _ in rebuilt:
        step(build.split(" ON ")[0].split(" (")[0], "SET maintenance_work_mem = '2GB'", build)
    step("callback windows", WINDOWS)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("submissions", "search_terms", "callback_windows"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()
    return time.perf_counter() - started


def staff(session: Session) -> dict[str, User]:
    people = {
        "helpline adviser": User(email="h@x.example", name="H", role=access.HELPLINE_ADVISER, areas=[]),
        "district officer (1 district)": User(email="d1@x.example", name="D1",
                                              role=access.DISTRICT_TRIAGE_OFFICER, areas=["preston"]),
        "district officer (3 districts)": User(email="d3@x.example", name="D3",
                                               role=access.DISTRICT_TRIAGE_OFFICER,
                                               areas=["lancaster", "wyre", "fylde"]),
        "customer feedback officer": User(email="c@x.example", name="C",
                                          role=access.CUSTOMER_FEEDBACK_OFFICER, areas=[]),
        "administrator": User(email="a@x.example", name="A", role=access.ADMINISTRATOR, areas=[]),
    }
    for user in people.values():
        user.password_hash, user.is_active = "x", True
        session.add(user)
    session.commit()
    return people


def timed(session: Session, user: User, case, runs: int) -> tuple[float, float, int]:
    """Time a case: inbox filters, or a function of (session, user) giving a list of items."""
    def run():
        if isinstance(case, worklist.Filters):
            return worklist.inbox(session, user, case).items
        return [due.item for due in case(session, user)]

    run()  # warm the plan and the cache once
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        items = run()
        samples.append((time.perf_counter() - started) * 1000)
        for item in items:  # measure loading rows, not the identity map's cache
            session.expunge(item)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(items)


def cases(session: Session, people: dict[str, User]):
    for role, user in people.items():
        yield f"first page: {role}", user, worklist.Filters()
    adviser = people["helpline adviser"]
    sample = session.execute(text(
        "SELECT reference, postcode, phone, email, subject_name, "
        "answers -> 'about-you' ->> 'name' AS requester FROM submissions WHERE kind = 'helpline_contact' "
        "ORDER BY id DESC LIMIT 1")).one()
    first, surname = sample.subject_name.split()
    yield "search by reference", adviser, worklist.Filters(search=sample.reference)
    yield "search by a part of a reference", adviser, worklist.Filters(search=sample.reference[-7:])
    yield "search by postcode", adviser, worklist.Filters(search=sample.postcode)
    yield "search by outward code (matches grow with the table)", adviser, \
        worklist.Filters(search=sample.postcode.split()[0])
    yield "search by phone", adviser, worklist.Filters(search=sample.phone)
    yield "search by phone, spaced", adviser, \
        worklist.Filters(search=f"{sample.phone[:5]} {sample.phone[5:8]} {sample.phone[8:]}")
    yield "search by email", adviser, worklist.Filters(search=sample.email)
    yield "search by full name", adviser, worklist.Filters(search=sample.subject_name)
    yield "search by surname, then first name", adviser, worklist.Filters(search=f"{surname} {first}")
    yield "search by requester's surname", adviser, \
        worklist.Filters(search=sample.requester.split()[1].upper())
    yield "callbacks due now", adviser, lambda session, user: callbacks_due.due_now(session, user, utcnow())
    # One first name in twenty, and two surnames in twenty start "Ha": 0.5% of all items match.
    yield "search by a broad name prefix", adviser, worklist.Filters(search="Robin Ha")
    yield "filter: overdue (district officer)", people["district officer (1 district)"], \
        worklist.Filters(overdue=True)


def arguments(doc: str) -> tuple[argparse.Namespace, list[int]]:
    """The options every database-size benchmark takes, and the item counts to run at."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--count", type=int, action="append")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reuse", action="store_true",
                        help="time the databases a previous run filled, without filling them again")
    args = parser.parse_args()
    return args, args.count or [10_000, 1_000_000]


def database(args: argparse.Namespace, name: str, count: int, fill) -> str:
    """The URL of database ``name``: filled afresh by ``fill(url, count)``, or as left with --reuse."""
    if args.reuse:
        return args.url.rsplit("/", 1)[0] + f"/{name}"
    url = fresh_database(args.url, name)
    print(f"filling {name} with {count:,} items ...", flush=True)
    print(f"  filled in {fill(url, count):.1f}s", flush=True)
    return url


def print_table(results: dict[str, dict[int, tuple[float, float, int]]], counts: list[int]) -> None:
    """A markdown table: median and p95 per case and count, and the p95 ratio of largest to smallest."""
    header = " | ".join(f"{c:,}: median / p95 ms" for c in counts)
    print(f"\n| case | {header} | p95 ratio |")
    print("|---|" + "---|" * len(counts) + "---|")
    for name, by_count in results.items():
        cells = " | ".join(f"{by_count[c][0]:.2f} / {by_count[c][1]:.2f} ({by_count[c][2]} rows)"
                           for c in counts)
        ratio = by_count[counts[-1]][1] / by_count[counts[0]][1] if len(counts) > 1 else 1.0
        print(f"| {name} | {cells} | {ratio:.2f}x |")


def main() -> None:
    args, counts = arguments(__doc__)
    results: dict[str, dict[int, tuple[float, float, int]]] = {}
    for count in counts:
        url = database(args, f"eh_bench_console_{count}", count, seed)
        engine = create_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            with session.begin():
                session.execute(text("DELETE FROM users"))
            people = staff(session)
            for name, user, filters in cases(session, people):
                results.setdefault(name, {})[count] = timed(session, user, filters, args.runs)
        engine.dispose()
    print_table(results, counts)


if __name__ == "__main__":
    main()
