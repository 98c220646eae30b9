"""Time the API's list endpoint (GET /api/v1/items) at 10,000 and 1,000,000 items on PostgreSQL.

Usage:
  .venv/bin/python benchmarks/api.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
                                     [--count 10000 --count 1000000] [--runs 200] [--reuse]

For each count, makes a fresh database ``eh_bench_api_<count>``, brings it to the head migration
and fills it with benchmarks/console_inbox.py's generator (its FILL statement: a third each of
requests for support across the 12 districts, complaints and helpline contacts over three years,
0.5% flagged for safeguarding; the search terms it also builds are not used by the API, so they
are not built here). Then calls the endpoint through the whole Flask app (token check, scope,
query, audit row, JSON) with the test client, as clients in several scopes would, and prints
median and p95 in milliseconds and the ratio of the large case to the small one.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.console_inbox import AREAS, FILL, FIRST, LAST, arguments, database, print_table  # noqa: E402
from portal import create_app  # noqa: E402
from portal.db import alembic_config  # noqa: E402
from talkzone import access, api_clients  # noqa: E402
from talkzone.models import utcnow  # noqa: E402

CLIENTS = {
    "district (1 district)": (access.DISTRICT_TRIAGE_OFFICER, ["preston"]),
    "district (3 districts)": (access.DISTRICT_TRIAGE_OFFICER, ["lancaster", "wyre", "fylde"]),
    "helpline": (access.HELPLINE_ADVISER, []),
    "safeguarding lead": (access.SAFEGUARDING_LEAD, []),
}


def fill(url: str, count: int) -> float:
    """The console benchmark's items, and nothing else, analysed."""
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(FILL), {"start": 1, "n": count, "areas": AREAS, "first": FIRST, "last": LAST})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE submissions"))
    engine.dispose()
    return time.perf_counter() - started


def tokens(url: str) -> dict[str, str]:
    engine = create_engine(url)
    made = {}
    with Session(engine) as session:
        session.execute(text("DELETE FROM audit_events"))
        session.execute(text("DELETE FROM api_clients"))
        for name, (role, areas) in CLIENTS.items():
            made[name] = api_clients.create(session, name=name, role=role, areas=areas, known_areas=AREAS)[1]
        session.commit()
    engine.dispose()
    return made


def cases(client_tokens: dict[str, str], middle: str):
    week_ago = (utcnow() - timedelta(days=7)).isoformat()
    for name, token in client_tokens.items():
        yield f"first page: {name}", token, {}
    district = client_tokens["district (1 district)"]
    yield "changed in the last week: district (1 district)", district, {"changed_since": week_ago}
    yield "a page half way through, by cursor: district (1 district)", district, {"cursor": middle}
    yield "status new: district (3 districts)", client_tokens["district (3 districts)"], \
        {"status": "new"}
    yield "kind filter, 200 a page: safeguarding lead", client_tokens["safeguarding lead"], \
        {"kind": "complaint", "limit": 200}


def timed(http, token: str, query: dict, runs: int) -> tuple[float, float, int]:
    headers = {"Authorization": f"Bearer {token}"}
    http.get("/api/v1/items", headers=headers, query_string=query)  # warm the plan and the cache
    samples, shown = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = http.get("/api/v1/items", headers=headers, query_string=query)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
        shown = len(response.json["items"])
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], shown


def middle_cursor(url: str) -> str:
    """A cursor half way through the one-district client's items, in the order of change."""
    from talkzone.handoff import encode_cursor
    from talkzone.models import Submission

    engine = create_engine(url)
    with Session(engine) as session:
        total = session.scalar(text("SELECT count(*) FROM submissions WHERE area_code = 'preston'"))
        item = session.scalars(
            Submission.__table__.select().where(Submission.area_code == "preston")
            .order_by(Submission.updated_at, Submission.id).offset(total // 2).limit(1)
            .with_only_columns(Submission.id)).one()
        item = session.get(Submission, item)
        cursor = encode_cursor(item)
    engine.dispose()
    return cursor


def main() -> None:
    args, counts = arguments(__doc__)
    results: dict[str, dict[int, tuple[float, float, int]]] = {}
    for count in counts:
        url = database(args, f"eh_bench_api_{count}", count, fill)
        app = create_app("test", DATABASE_URL=url, RATELIMIT_ENABLED=False, LOG_JSON=False)
        http = app.test_client()
        for case, token, query in cases(tokens(url), middle_cursor(url)):
            results.setdefault(case, {})[count] = timed(http, token, query, args.runs)
        app.extensions["db_engine"].dispose()
    print(f"\nload average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_table(results, counts)


if __name__ == "__main__":
    main()
