"""talkzone.uow: the one place that commits, and what it does on success, error and close."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from talkzone.models import Base, Draft, utcnow
from talkzone.uow import UnitOfWork

TALKZONE = Path(__file__).resolve().parents[2] / "talkzone"


def commits(source: str) -> list[int]:
    """Lines of ``source`` that call something's ``commit()``."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "commit"]


def test_no_talkzone_module_commits_but_the_unit_of_work():
    found = {path.name: commits(path.read_text()) for path in TALKZONE.glob("*.py")
             if path.name != "uow.py"}
    # outbox and retention commit, but only through the unit of work they are given.
    assert {name: lines for name, lines in found.items() if lines} == {
        "outbox.py": found["outbox.py"], "retention.py": found["retention.py"]}
    for name in ("outbox.py", "retention.py"):
        assert "session.commit()" not in (TALKZONE / name).read_text()
    assert commits("def f(session):\n    session.commit()\n") == [2]  # the check can fail


@pytest.fixture
def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'uow.db'}")
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def drafts_in(sessions) -> int:
    with sessions() as check:
        return check.scalar(select(func.count()).select_from(Draft))


def test_work_is_stored_only_when_committed_and_undone_on_error(sessions):
    with UnitOfWork(sessions) as uow:
        uow.session.add(Draft(token="a", journey="helpline", answers={}, updated_at=utcnow()))
    assert drafts_in(sessions) == 0  # closed without a commit: nothing kept
    with UnitOfWork(sessions) as uow:
        uow.session.add(Draft(token="b", journey="helpline", answers={}, updated_at=utcnow()))
        uow.commit()
    assert drafts_in(sessions) == 1 and uow.committed
    with pytest.raises(RuntimeError), UnitOfWork(sessions) as uow:
        uow.session.add(Draft(token="c", journey="helpline", answers={}, updated_at=utcnow()))
        uow.session.flush()
        raise RuntimeError("the use case failed")
    assert drafts_in(sessions) == 1


def test_a_session_passed_in_stays_open_for_its_owner(sessions):
    with sessions() as session:
        with UnitOfWork(session) as uow:
            assert uow.session is session
        assert isinstance(session, Session) and session.scalar(select(func.count()).select_from(Draft)) == 0
        session.add(Draft(token="d", journey="helpline", answers={}, updated_at=utcnow()))
        session.commit()  # still usable after the unit of work ended
    assert drafts_in(sessions) == 1


def test_a_second_submission_with_the_same_send_key_is_refused(sessions):
    from sqlalchemy.exc import IntegrityError

    from talkzone.models import Kind, Submission
    from talkzone.submissions import sent_with, store

    def request():
        return Submission(kind=Kind.REQUEST_FOR_SUPPORT, status="new", destination="duty@example.org",
                          answers={})

    with UnitOfWork(sessions) as uow:
        first = store(uow.session, request(), "the-draft-key")
        uow.commit()
    with pytest.raises(IntegrityError), UnitOfWork(sessions) as uow:
        store(uow.session, request(), "the-draft-key")
    with UnitOfWork(sessions) as uow:
        assert sent_with(uow.session, "the-draft-key").reference == first.reference
        assert sent_with(uow.session, None) is None and sent_with(uow.session, "another") is None
        store(uow.session, request(), None)
        store(uow.session, request(), None)  # no key: nothing to be the same as
        uow.commit()
        assert uow.session.scalar(select(func.count()).select_from(Submission)) == 3
