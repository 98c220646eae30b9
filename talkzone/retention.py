"""Retention: anonymise items closed for longer than their kind's retention period, and legal holds.

Periods come from the service profile's ``[retention]`` table (months, per kind), counted
from ``closed_at``. Anonymising blanks every personal field, empties the answers and
contact record, removes note and callback-note text and blanks the item's mail bodies and
recipients, but keeps kind, area, status, channel, dates, outcome and CoN level so the
reports still count the item. An item under legal hold, still open, or not yet expired is
left alone; an item already anonymised is never touched again, so a second run does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from talkzone import access, audit, rollup, search_terms
from talkzone.models import AuditEvent, CallbackAttempt, Note, OutboxMessage, Submission, User, utcnow
from talkzone.uow import UnitOfWork

BATCH = 500
Progress = Callable[[str, int, int], None]


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (following - datetime(year, month, 1, tzinfo=moment.tzinfo)).days
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


@dataclass
class PurgeResult:
    """What a purge found (and, unless a dry run, anonymised), per kind."""

    dry_run: bool
    cutoffs: dict[str, datetime] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Items found (a dry run) or anonymised, across every kind."""
        return sum(self.counts.values())


def _expired(kind: str, cutoff: datetime):
    return (Submission.kind == kind, Submission.closed_at.is_not(None), Submission.closed_at < cutoff,
            Submission.anonymised_at.is_(None))


def _anonymise(session: Session, ids: list[int], now: datetime) -> None:
    with rollup.changing(session, ids):  # emptied answers take the topic and age out of the reports
        session.execute(update(Submission).where(Submission.id.in_(ids)).values(
            answers={}, contact={}, subject_name=None, postcode=None, phone=None, email=None,
            iyss_number=None,
            anonymised_at=now, updated_at=now, version=Submission.version + 1,
        ).execution_options(synchronize_session=False))
    search_terms.forget(session, ids)
    session.execute(update(Note).where(Note.submission_id.in_(ids)).values(text="")
                    .execution_options(synchronize_session=False))
    session.execute(update(CallbackAttempt).where(CallbackAttempt.submission_id.in_(ids)).values(note=None)
                    .execution_options(synchronize_session=False))
    session.execute(update(OutboxMessage).where(OutboxMessage.submission_id.in_(ids))
                    .values(body="", recipient="").execution_options(synchronize_session=False))


def purge(uow: UnitOfWork, profile, now: datetime | None = None, dry_run: bool = False,
          progress: Progress | None = None, actor: User | None = None) -> PurgeResult:
    """Anonymise every expired item not under legal hold; with ``dry_run``, only count them.

    Works in batches of BATCH items, each committed with its audit events, so a purge that
    stops half way leaves what it did recorded and the rest for the next run.
    """
    session = uow.session
    now = now or utcnow()
    result = PurgeResult(dry_run=dry_run)
    for kind, months in sorted(profile.retention_months.items()):
        cutoff = months_before(now, months)
        result.cutoffs[kind] = cutoff
        expired = _expired(kind, cutoff)
        total = session.scalar(select(func.count()).where(*expired, Submission.legal_hold.is_(False))) or 0
        result.held[kind] = session.scalar(
            select(func.count()).where(*expired, Submission.legal_hold.is_(True))) or 0
        result.counts[kind] = total
        if progress:
            progress(kind, 0, total)
        if dry_run or not total:
            continue
        done = 0
        while True:
            batch = session.execute(
                select(Submission.id, Submission.reference)
                .where(*expired, Submission.legal_hold.is_(False)).order_by(Submission.id).limit(BATCH)).all()
            if not batch:
                break
            ids = [row.id for row in batch]
            _anonymise(session, ids, now)
            for row in batch:
                session.add(AuditEvent(at=now, action="anonymised", submission_id=row.id,
                                             detail={"kind": kind, "retention_months": months}))
            uow.commit()
            done += len(batch)
            if progress:
                progress(kind, done, total)
        result.counts[kind] = done
    if not dry_run and result.total:
        audit.record(session, "retention_purge", actor=actor, counts=result.counts, held=result.held,
                     cutoffs={k: v.isoformat() for k, v in result.cutoffs.items()})
        uow.commit()
    return result


def held_items(session: Session, user: User) -> list[Submission]:
    """Every item under legal hold, oldest first (administrators only)."""
    access.require(user, "run_retention")
    return list(session.scalars(select(Submission).where(Submission.legal_hold.is_(True))
                                .order_by(Submission.created_at, Submission.id)))


def set_legal_hold(session: Session, user: User, reference: str, hold: bool, reason: str) -> Submission:
    """Place or lift a legal hold on an item, with the reason, in the audit trail."""
    item = access.get_item(session, user, reference, "legal_hold")
    item.legal_hold = hold
    item.updated_at = utcnow()
    session.flush()
    audit.record(session, "legal_hold_placed" if hold else "legal_hold_lifted", submission=item, actor=user,
                 version=item.version, reason=(reason or "").strip())
    return item
