"""The PostgreSQL pool pings a connection only after it has sat idle (IDLE_BEFORE_PING), not on
every request, and an idle connection that died is replaced without the person noticing.

PostgreSQL only: the SQLite engine has no pool of network connections to ping.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from portal import db
from testkit.harness import family_answers

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="the pool of network connections is PostgreSQL's")


@pytest.fixture
def pings(app, monkeypatch):
    dialect = app.extensions["db_engine"].dialect
    seen = []
    real = dialect.do_ping

    def counted(dbapi_connection):
        seen.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return seen


def start_draft(client) -> str:
    response = client.post("/request-support/who", data=family_answers()["who"])
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def pooled_backend(app) -> int:
    with app.extensions["db_engine"].connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_in_steady_use_is_lent_again_without_a_ping(app, client, pings):
    following = start_draft(client)
    for _ in range(3):
        assert client.get(following).status_code == 200
    assert pings == []


def test_an_idle_connection_that_died_is_pinged_and_replaced(app, client, pings, monkeypatch):
    following = start_draft(client)
    pid = pooled_backend(app)
    admin = create_engine(app.config["DATABASE_URL"], poolclass=NullPool)
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    admin.dispose()
    monkeypatch.setattr(db, "IDLE_BEFORE_PING", 0.0)  # every connection now counts as idle

    page = client.get(following)

    assert page.status_code == 200
    assert pings
    assert pooled_backend(app) != pid
