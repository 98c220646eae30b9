"""Many people sending requests for support at once, under gunicorn on PostgreSQL, with and without
the database restarting underneath them.

These run only on the PostgreSQL pass of the suite (TEST_DATABASE_URL set): they start a
PostgreSQL server of their own in a temporary directory (never the shared one, which other
tests use) and restart it. The app runs as production runs it: gunicorn with gunicorn.conf.py,
CSRF on, rate limits on Redis, behind a proxy (X-Forwarded-For and -Proto).
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from testkit.harness import (
    TRY_AGAIN,
    Browser,
    Gunicorn,
    PrivatePostgres,
    migrate,
    production_env,
    run_submitters,
    submit_request_for_support,
)

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="PostgreSQL pass only: gunicorn against a private PostgreSQL server",
)

USERS = 30
SECONDS = 20


@pytest.fixture(scope="module")
def postgres():
    server = PrivatePostgres().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def portal(postgres):
    migrate(postgres.url)
    server = Gunicorn(production_env(postgres.url), workers=3, threads=4).start()
    yield server
    errors = server.stop()
    assert "Traceback" not in errors, errors[-3000:]


def stored(postgres) -> dict[str, int]:
    """Each stored request's reference, with how many outbox messages it has."""
    rows = postgres.sql(
        "SELECT s.reference, count(o.id) FROM submissions s "
        "LEFT JOIN outbox_messages o ON o.submission_id = s.id GROUP BY s.reference", "portal")
    return {ref: int(count) for ref, count in (line.split("|") for line in rows.splitlines())}


def test_concurrent_submitters_each_confirmation_is_a_stored_request_with_its_mail(postgres, portal):
    before = stored(postgres)
    result = run_submitters(portal.port, USERS, SECONDS)
    after = stored(postgres)

    assert result.errors == []
    assert [s for s in result.statuses if s >= 500] == []
    assert len(result.confirmed) >= USERS  # every user got through at least once
    assert len(set(result.confirmed)) == len(result.confirmed)
    new = {ref: count for ref, count in after.items() if ref not in before}
    # Every confirmation shown is a stored request with its mail queued, and nothing was
    # stored that its sender was not told about.
    assert set(result.confirmed) == set(new)
    assert all(count >= 1 for count in new.values()), new


def test_database_restart_mid_load_no_false_confirmation_try_again_page_and_recovery(postgres, portal):
    before = stored(postgres)
    gap = {}

    def restart():
        time.sleep(6)
        gap["down"] = time.monotonic()
        postgres.down()
        time.sleep(4)
        postgres.up()
        gap["up"] = time.monotonic()

    restarter = threading.Thread(target=restart)
    restarter.start()
    result = run_submitters(portal.port, USERS, SECONDS)
    restarter.join()
    after = stored(postgres)

    assert result.errors == []
    failures = [o for o in result.outcomes if o.reference is None]
    server_errors = [o for o in failures if o.status and o.status >= 500]
    # Users caught in the gap were told plainly to try again; nobody saw a crash page.
    assert server_errors, "the restart was not noticed by anyone: the test did not test it"
    assert {o.status for o in server_errors} == {503}
    assert all(TRY_AGAIN in o.body and "Nothing has been sent" in o.body for o in server_errors)
    assert all(o.status == 503 for o in failures)
    # No confirmation without a stored request, each with its mail queued.
    new = {ref: count for ref, count in after.items() if ref not in before}
    assert set(result.confirmed) <= set(new)
    assert all(new[ref] >= 1 for ref in result.confirmed)
    # The service came back by itself: people were confirmed after the restart, and now.
    assert [o for o in result.outcomes if o.reference and o.finished > gap["up"] + 1]
    assert submit_request_for_support(Browser(portal.port)).reference in stored(postgres)
