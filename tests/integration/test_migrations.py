"""Migrations go from empty to head and back, and match the models exactly."""

from __future__ import annotations

import os
from collections import Counter
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from portal.db import alembic_config
from talkzone import rollup
from talkzone.models import Base
from testkit.harness import drop_database, fresh_database
from tests.conftest import PG_URL


def _migration(name: str):
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / f"{name}.py"
    spec = spec_from_file_location(f"migration_{name}", path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database of the test's own, dropped afterwards on PostgreSQL."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    name = f"eh_migrate_{os.getpid()}"
    yield fresh_database(PG_URL, name)
    drop_database(PG_URL, name)


# SQLite cannot reflect expression indexes (search on lower(...)); they are compared on PostgreSQL.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_from_empty_to_head_and_back_down(fresh_url):
    url = fresh_url
    cfg = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(cfg, "head")
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        # The search indexes on expressions (lower(...), text_pattern_ops, INCLUDE) are written
        # per dialect in migration 0002 and not declared on the models; they must exist, and
        # nothing else may differ.
        search = set(_migration("0002_console").EXPRESSION_INDEXES)
        diff = [d for d in diff if not (d[0] == "remove_index" and d[1].name in search)]
        assert diff == [], f"models and migrations differ: {diff}"
        if engine.dialect.name == "postgresql":  # SQLite cannot reflect expression indexes
            assert search <= {i["name"] for i in inspect(engine).get_indexes("submissions")}
        command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def test_search_terms_are_filled_for_items_stored_before_them(fresh_url):
    url = fresh_url
    cfg = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(cfg, "0006_policy")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO submissions (reference, kind, status, channel, language, created_at, updated_at,"
                " destination, answers, contact, subject_name, postcode, phone, safeguarding, legal_hold,"
                " version) VALUES ('TZ-AB23-CD45', 'helpline_contact', 'new', 'online', 'en',"
                " '2026-01-05 10:00:00', '2026-01-05 10:00:00', 'x@example.invalid', '{}', '{}',"
                " 'Robin Hart', 'PR1 2AB', '07700 900123', false, false, 1)"))
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            terms = set(conn.execute(text("SELECT term FROM search_terms")).scalars())
        assert {"n:robin", "n:hart", "p:pr12ab", "p:pr1", "t:07700900123", "r:tzab23cd45", "r:cd45"} <= terms
    finally:
        engine.dispose()


def test_the_reports_roll_up_is_filled_for_items_stored_before_it(fresh_url):
    url = fresh_url
    cfg = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(cfg, "0009_worksurface")
        with engine.begin() as conn:
            # 23:30 UTC on 31 July is 00:30 on 1 August in the UK; a call back inside a safe window.
            for number, moment in enumerate(("2026-07-31 23:30:00", "2026-12-01 23:30:00")):
                conn.execute(text(
                    "INSERT INTO submissions (reference, kind, status, channel, language, created_at,"
                    " updated_at, destination, answers, contact, safeguarding, legal_hold, version) VALUES"
                    f" ('TZ-AB23-CD4{number}', 'helpline_contact', 'new', 'phone', 'en', '{moment}',"
                    f" '{moment}',"
                    """ 'x@example.invalid', '{"topic": {"topic": "home"}}', '{}', false, false, 1)"""))
            conn.execute(text("INSERT INTO callback_attempts (submission_id, at, result, outside_safe_window)"
                              " SELECT id, created_at, 'reached', false FROM submissions"
                              " WHERE reference = 'TZ-AB23-CD40'"))
            # Requests received on Thursday 2 April, the day before Good Friday (due 13 April), one
            # allocated that day (met), one on the 14th (late), one never.
            for number, allocated in enumerate(("2026-04-13 12:00:00", "2026-04-14 12:00:00", None)):
                conn.execute(text(
                    "INSERT INTO submissions (reference, kind, status, channel, language, created_at,"
                    " updated_at, area_code, destination, answers, contact, safeguarding, legal_hold,"
                    f" version) VALUES ('TZ-AB23-CD5{number}', 'request_for_support', 'new', 'online', 'en',"
                    " '2026-04-02 09:00:00', '2026-04-02 09:00:00', 'preston', 'x@example.invalid', '{}',"
                    " '{}', false, false, 1)"))
                if allocated:
                    conn.execute(text(
                        "INSERT INTO audit_events (at, submission_id, action, detail)"
                        f" SELECT '{allocated}', id, 'status_changed', '{{\"status\": \"allocated\"}}'"
                        f" FROM submissions WHERE reference = 'TZ-AB23-CD5{number}'"))
        command.upgrade(cfg, "0014_idempotency")
        with engine.connect() as conn:
            before = rollup.stored(conn)
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            stored = rollup.stored(conn)
            assert stored == rollup.contribution(conn)

        def values(dimension, part=5, stored=stored):
            found = Counter()
            for key, n in stored.items():
                if key[0] == dimension:
                    found[str(key[part])] += n
            return found

        assert values("all", part=1) == {"2026-04-02": 3, "2026-08-01": 1, "2026-12-01": 1}
        assert values("hour") == {"00": 1, "23": 1}
        assert values("callback") == {"inside": 1, "": 1}
        assert values("topic") == {"home": 2}
        assert values("timely") == values("m:timely") == {"met": 1, "late": 1, "": 1}
        assert values("reached") == {}
        # Down again: the rows per day reached come back as they were, and no timeliness rows stay.
        command.downgrade(cfg, "0014_idempotency")
        with engine.connect() as conn:
            assert rollup.stored(conn) == before
        assert values("reached", stored=before) == {"2026-04-13": 1, "2026-04-14": 1, "": 1}
        assert values("timely", stored=before) == {}
    finally:
        engine.dispose()


def test_name_pairs_are_filled_for_items_stored_before_them_and_go_on_the_way_down(fresh_url):
    url = fresh_url
    cfg = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(cfg, "0014_idempotency")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO submissions (reference, kind, status, channel, language, created_at, updated_at,"
                " destination, answers, contact, subject_name, safeguarding, legal_hold, version) VALUES"
                " ('TZ-AB23-CD45', 'helpline_contact', 'new', 'phone', 'en', '2026-01-05 10:00:00',"
                " '2026-01-05 10:00:00', 'x@example.invalid',"
                """ '{"logged_contact": {"channel": "phone", "name": "Zoë Hart", "summary": "x"}}', '{}',"""
                " 'Robin Hart', false, false, 1)"))
            conn.execute(text("INSERT INTO search_terms (submission_id, term)"
                              " SELECT id, 'n:robin' FROM submissions"))
        command.upgrade(cfg, "head")

        def terms():
            with engine.connect() as conn:
                return set(conn.execute(text("SELECT term FROM search_terms")).scalars())

        assert {"w:robin hart", "w:hart robin", "w:zoe hart", "w:hart zoe", "n:robin"} <= terms()
        command.downgrade(cfg, "0014_idempotency")
        assert not any(t.startswith("w:") for t in terms()) and "n:robin" in terms()
    finally:
        engine.dispose()
