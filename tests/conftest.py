"""Fixtures: an app per test on SQLite or PostgreSQL (TEST_DATABASE_URL), a real SMTP server.

For speed, templates compile once per test process (one bytecode cache shared by every app) and
each worker starts one SMTP server, emptied before each test.
"""

from __future__ import annotations

import os

import pytest
from alembic import command
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import text

from portal import create_app
from portal.db import alembic_config
from talkzone.models import Base
from testkit.harness import drop_database, free_port, fresh_database
from testkit.smtp import SMTPServer
from tests.pages import CheckedClient, PageRequests

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    name = f"eh_test_{worker_id}_{os.getpid()}"
    if PG_URL:
        url = fresh_database(PG_URL, name)  # this worker's own, empty
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    command.upgrade(alembic_config(url), "head")
    yield url
    if PG_URL:
        drop_database(PG_URL, name)


def empty_database(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


class SharedTemplates(BytecodeCache):
    """Compiled templates kept in memory for every app this process builds (checked by source)."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplates()


@pytest.fixture(scope="session")
def worker_smtp_server():
    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(worker_smtp_server):
    """This worker's SMTP server, empty, refusing no one, running (a test may have stopped it)."""
    worker_smtp_server.reset()
    if worker_smtp_server.controller is None:
        worker_smtp_server.start()
    return worker_smtp_server


@pytest.fixture
def make_app(database_url, smtp_server):
    """Build an app on the test database; keyword arguments override the config."""
    apps = []

    def build(**overrides):
        settings = {"DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1",
                    "MAIL_PORT": smtp_server.port, "WTF_CSRF_ENABLED": False,
                    "MAIL_TIMEOUT": 5, "JINJA_BYTECODE_CACHE": TEMPLATES, **overrides}
        app = create_app("test", **settings)
        apps.append(app)
        return app

    yield build
    for app in apps:
        empty_database(app.extensions["db_engine"])
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture(autouse=True)
def checked_pages(monkeypatch):
    """Every test client checks and parses each HTML page it gets (tests/pages.py)."""
    monkeypatch.setattr(Flask, "test_client_class", CheckedClient)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def client_request(client):
    """GET or POST a page, check its status or redirect, and get the parsed page back."""
    return PageRequests(client)


@pytest.fixture
def db_session(app):
    """A session of the test's own, outside any request (as another process would see it)."""
    session = app.extensions["db_sessionmaker"]()
    yield session
    session.close()
