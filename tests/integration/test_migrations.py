"""Migrations go from empty to head and back, and match the models exactly."""

from __future__ import annotations

import os

import pytest

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal.cli import alembic_config
from talkzone.models import Base
from tests.conftest import PG_URL, _worker_database


def _fresh_url(tmp_path) -> str:
    if PG_URL:
        return _worker_database(PG_URL, f"eh_migrate_{os.getpid()}")
    return f"sqlite:///{tmp_path / 'migrate.db'}"


# SQLite cannot reflect expression indexes (search on lower(...)); they are compared on PostgreSQL.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_from_empty_to_head_and_back_down(tmp_path):
    url = _fresh_url(tmp_path)
    cfg = alembic_config(url)
    engine = create_engine(url)
    try:
        command.upgrade(cfg, "head")
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
    finally:
        engine.dispose()
