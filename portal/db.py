"""The database engine, and one unit of work per request.

The request's unit of work commits once, when the view (its use case) returns and before
the response leaves; a server error rolls everything back instead. Answers in progress are read
and written outside it, each statement on its own (``drafts``).
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from talkzone.uow import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """Alembic's configuration for the migrations in migrations/, against the database at `url`."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def make_engine(url: str):
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # hide_parameters: answers never appear in database error messages or logs.
    engine = create_engine(url, pool_size=5, max_overflow=10, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


# A connection back in the pool for longer than this is pinged before it is lent again (one
# round trip); one in steady use is not. A connection that died under a busy pool fails its
# request with the "try again" page, and the disconnect empties the pool, as a ping would.
IDLE_BEFORE_PING = 5.0


def _ping_when_idle(engine) -> None:
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record):
        record.info["returned"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        returned = record.info.get("returned")
        if returned is None or time.monotonic() - returned < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the idle connection is gone") from exc  # the pool reconnects


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    # talkzone reads these from a session's info: the console link in webhooks and file drops,
    # and whether the file drop is on (talkzone.webhooks, talkzone.file_drop).
    info = {"public_base_url": app.config["PUBLIC_BASE_URL"],
            "file_drop": bool(app.config.get("FILE_DROP_DIR"))}
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False, info=info)
    app.extensions["db_autocommit"] = engine.execution_options(isolation_level="AUTOCOMMIT")
    _commit_when_the_view_returns(app)
    app.after_request(_commit)
    app.teardown_request(_close_session)
    app.teardown_appcontext(_close_session)


def new_session() -> Session:
    """A session outside the request's (for workers and commands)."""
    return current_app.extensions["db_sessionmaker"]()


def new_uow() -> UnitOfWork:
    """A unit of work of its own (for workers and commands); ``with`` it, and commit."""
    return UnitOfWork(new_session)


def uow() -> UnitOfWork:
    """The request's unit of work, opened on first use."""
    if "db_uow" not in g:
        g.db_uow = new_uow()
    return g.db_uow


def session() -> Session:
    """The request's session: the one its unit of work commits."""
    return uow().session


def drafts() -> Connection:
    """The request's connection for answers in progress, each statement committed on its own.

    A question page reads its draft and writes it back whole, one statement each, and nothing
    else is stored with them: outside the unit of work they go without its BEGIN and COMMIT, two
    of a page's three or four round trips. What must be stored together with a draft (its
    deletion, with the submission it became) goes through the unit of work.
    """
    if "db_drafts" not in g:
        g.db_drafts = current_app.extensions["db_autocommit"].connect()
    return g.db_drafts


def _commit_when_the_view_returns(app: Flask) -> None:
    # Committing inside dispatch means a failed commit reaches the error handlers (the
    # "nothing has been sent" page) like any other database error, not a bare 500.
    dispatch = app.dispatch_request

    def dispatch_and_commit():
        response = dispatch()
        work = g.get("db_uow")
        if work is not None:
            work.commit()
        return response

    app.dispatch_request = dispatch_and_commit


def _commit(response):
    # What before-request hooks and handled 4xx errors wrote (a revoked staff session, a
    # refused sign-in) is kept, as the view's own work is; a 5xx keeps nothing.
    work = g.get("db_uow")
    if work is not None:
        if response.status_code < 500:
            work.commit()
        else:
            work.rollback()
    return response


def _close_session(_exc) -> None:
    connection = g.pop("db_drafts", None)
    if connection is not None:
        try:
            connection.close()
        except DBAPIError:
            connection.invalidate()
    work = g.pop("db_uow", None)
    if work is not None:
        try:
            work.close()
        except DBAPIError:
            # The connection died under the request (the database restarted): closing rolls
            # back on it and fails. Drop the connection rather than fail the response.
            work.session.invalidate()
