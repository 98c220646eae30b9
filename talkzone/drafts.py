"""Answers in progress, kept on the server, gone after idle time.

A browser session holds one random token; each journey keeps its own draft under it, so
one journey never overwrites another's answers and quick exit deletes all of them at once.

Each function runs its statements on what it is given: a unit of work's session, or a connection
whose statements each commit on their own (the portal's question pages read and write drafts on
one, portal.db.drafts; a draft's deletion with the submission it became goes in the unit of work).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from talkzone.models import Draft


def new_token() -> str:
    """A random token for one browser session's drafts."""
    return secrets.token_urlsafe(32)


class Saved(NamedTuple):
    """A journey's draft as read: its answers, and the key it is sent with (None when there is no
    draft, or for one saved before drafts had keys: see ``send_key``)."""

    answers: dict
    key: str | None = None


def load(session: Session | Connection, token: str | None, journey: str, now: datetime,
         idle: timedelta) -> Saved:
    """The draft saved under ``token`` for ``journey``; empty if none or expired."""
    if not token:
        return Saved({})
    found = session.execute(_SELECT, {"t": token, "j": journey}).first()
    if found is None:
        return Saved({})
    if found.updated_at + idle < now:
        discard(session, token, journey)
        return Saved({})
    return Saved(dict(found.answers), found.send_key)


# Built once, in Core: an ORM load or UPDATE of the entity, built afresh and kept in step with the
# identity map, costs more Python than the statement's round trip. Each step reads the answers
# and writes them back whole, so nothing needs a loaded Draft.
_table = Draft.__table__
_ONE = (_table.c.token == bindparam("t"), _table.c.journey == bindparam("j"))
_SELECT = select(_table.c.answers, _table.c.updated_at, _table.c.send_key).where(*_ONE)
_UPDATE = update(_table).where(*_ONE).values(answers=bindparam("new_answers"), updated_at=bindparam("now"))
_INSERT = insert(_table)  # with the table's own default for the send key
_KEY = select(_table.c.send_key).where(*_ONE)
_SET_KEY = update(_table).where(*_ONE, _table.c.send_key.is_(None)).values(send_key=bindparam("key"))


def save(session: Session | Connection, token: str | None, journey: str, answers: dict,
         now: datetime) -> str:
    """Store the journey's answers, returning the token they are kept under (new if needed)."""
    # One statement a step: an UPDATE of the draft that is there, or an INSERT for a first one.
    if token:
        found = session.execute(_UPDATE, {"t": token, "j": journey, "new_answers": answers, "now": now})
        if found.rowcount:
            return token
    else:
        token = new_token()
    session.execute(_INSERT, {"token": token, "journey": journey, "answers": answers, "updated_at": now})
    return token


def send_key(session: Session | Connection, token: str | None, journey: str, saved: Saved) -> str | None:
    """The random key of the draft ``saved`` was read from, given one if it has none; None if no
    draft."""
    if saved.key or not saved.answers:  # a key already, or no draft (none without a token)
        return saved.key
    # A draft saved before drafts had keys: given one, unless another request gave it one first.
    one = {"t": token, "j": journey}
    session.execute(_SET_KEY, {**one, "key": new_token()})
    return session.execute(_KEY, one).scalar_one_or_none()


def touch(session: Session, token: str, now: datetime) -> bool:
    """Mark every draft under ``token`` as active now; False if none is left."""
    result = session.execute(update(Draft).where(Draft.token == token).values(updated_at=now))
    return result.rowcount > 0


def discard(session: Session | Connection, token: str | None, journey: str | None = None) -> None:
    """Delete one journey's draft under ``token``, or every draft under it when no journey is named."""
    if token:
        query = delete(Draft).where(Draft.token == token)
        if journey is not None:
            query = query.where(Draft.journey == journey)
        # Nothing is loaded to keep in step: drafts are read and written in Core (above). What the
        # session holds to write waits for its commit: the deletion needs none of it.
        session.execute(query, execution_options={"synchronize_session": False, "autoflush": False})


def purge_expired(session: Session, now: datetime, idle: timedelta) -> int:
    """Delete every draft idle for longer than ``idle``; returns how many went."""
    result = session.execute(delete(Draft).where(Draft.updated_at < now - idle))
    return result.rowcount
