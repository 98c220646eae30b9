"""The audit trail: who viewed or changed what, and when. Rows are only ever added."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone.models import AuditEvent, utcnow


def record(session: Session, action: str, *, submission=None, actor=None, **detail) -> AuditEvent:
    """Add an event to the trail in the caller's transaction."""
    event = AuditEvent(
        at=utcnow(),
        action=action,
        submission_id=submission.id if submission is not None else None,
        actor_id=actor.id if actor is not None else None,
        detail=detail,
    )
    session.add(event)
    return event


def events_for(session: Session, submission) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.submission_id == submission.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
