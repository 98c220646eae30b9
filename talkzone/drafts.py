"""Answers in progress, kept on the server under a random token, gone after idle time."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from talkzone.models import Draft


def load(session: Session, token: str | None, journey: str, now: datetime, idle: timedelta) -> dict:
    """The answers saved under ``token`` for ``journey``; empty if none or expired."""
    if not token:
        return {}
    draft = session.get(Draft, token)
    if draft is None or draft.journey != journey:
        return {}
    if draft.updated_at + idle < now:
        session.delete(draft)
        session.commit()
        return {}
    return dict(draft.answers)


def save(session: Session, token: str | None, journey: str, answers: dict, now: datetime) -> str:
    """Store the answers, returning the token they are kept under (a new one if needed)."""
    draft = session.get(Draft, token) if token else None
    if draft is None or draft.journey != journey:
        draft = Draft(token=secrets.token_urlsafe(32), journey=journey)
        session.add(draft)
    draft.answers = answers
    draft.updated_at = now
    session.commit()
    return draft.token


def touch(session: Session, token: str, now: datetime) -> bool:
    """Mark a draft as active now; False if it has gone."""
    result = session.execute(update(Draft).where(Draft.token == token).values(updated_at=now))
    session.commit()
    return result.rowcount == 1


def discard(session: Session, token: str | None, *, commit: bool = True) -> None:
    if token:
        session.execute(delete(Draft).where(Draft.token == token))
        if commit:
            session.commit()


def purge_expired(session: Session, now: datetime, idle: timedelta) -> int:
    """Delete every draft idle for longer than ``idle``; returns how many went."""
    result = session.execute(delete(Draft).where(Draft.updated_at < now - idle))
    session.commit()
    return result.rowcount
