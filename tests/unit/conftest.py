"""Fixtures for the talkzone tests: a plain SQLAlchemy session on the test database, no app."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from tests.conftest import empty_database


@pytest.fixture
def session(database_url):
    engine = create_engine(database_url)
    with sessionmaker(engine)() as session:
        yield session
    empty_database(engine)
    engine.dispose()
