"""The "callbacks due now" queue: helpline contacts whose chosen window is open, soonest to close first.

Each window a contact chose is copied into ``callback_windows`` whenever the item is written,
so the queue reads windows ending after now from an index and keeps those already open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from talkzone import access
from talkzone.contact_policy import callback_windows
from talkzone.models import CallbackWindowRow, Kind, Submission, User

LIMIT = 50
DUE = "callback_due"


@dataclass(frozen=True)
class Due:
    """A contact to call now, and the window it is in."""

    item: Submission
    starts_at: datetime
    ends_at: datetime


def _write(connection, item: Submission, replace: bool) -> None:
    if replace:
        connection.execute(delete(CallbackWindowRow).where(CallbackWindowRow.submission_id == item.id))
    windows = callback_windows(item.contact or {}) if item.kind == Kind.HELPLINE_CONTACT else []
    rows = [{"submission_id": item.id, "starts_at": start, "ends_at": end} for start, end in windows]
    if rows:
        connection.execute(insert(CallbackWindowRow), rows)


@event.listens_for(Submission, "after_insert")
def _inserted(_mapper, connection, item: Submission) -> None:
    _write(connection, item, replace=False)


@event.listens_for(Submission, "after_update")
def _updated(_mapper, connection, item: Submission) -> None:
    if inspect(item).attrs["contact"].history.has_changes():
        _write(connection, item, replace=True)


def refill(session: Session, items) -> None:
    """Copy the windows of existing items afresh (the migration's backfill)."""
    for item in items:
        _write(session.connection(), item, replace=True)


def due_now(session: Session, user: User, now: datetime, limit: int = LIMIT) -> list[Due]:
    """Contacts still waiting for a call back whose window is open at ``now``, by the window's end."""
    if not access.can(user, "log_callback") or Kind.HELPLINE_CONTACT not in access.KINDS.get(user.role, ()):
        return []
    query = (select(Submission, CallbackWindowRow.starts_at, CallbackWindowRow.ends_at)
             .join(CallbackWindowRow, CallbackWindowRow.submission_id == Submission.id)
             .where(access.scope(user), Submission.kind == Kind.HELPLINE_CONTACT, Submission.status == DUE,
                    CallbackWindowRow.ends_at > now, CallbackWindowRow.starts_at <= now)
             .order_by(CallbackWindowRow.ends_at, Submission.id).limit(limit))
    return [Due(item, start, end) for item, start, end in session.execute(query)]
