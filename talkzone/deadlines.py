"""Working-day deadlines: when each item is due, whether it is due soon or overdue, and each team's list.

Every deadline counts England working days from the UK calendar date of its start, so a
request sent at 23:59 on a Friday (UK time) counts from that Friday, and one sent at
00:30 UK time on a Saturday counts from the Monday after. Bank holidays come from the
``holidays`` library through ``talkzone.calendar``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from talkzone import access, audit, outbox
from talkzone.calendar import add_working_days, uk_date
from talkzone.complaints import STAGE_1_WORKING_DAYS
from talkzone.inbox import CLOSED, INITIAL_VISIT_WITHIN_WORKING_DAYS, Conflict, Refused
from talkzone.mailing import Mailing, queue_acknowledgements
from talkzone.models import AuditEvent, Kind, Submission, User, utcnow
from talkzone.submissions import ALLOCATE_WITHIN_WORKING_DAYS
from talkzone.worklist import DUE_SOON_WORKING_DAYS

STAGE_1_EXTENDED_WORKING_DAYS = 20
DUE, DUE_SOON, OVERDUE = "due", "due_soon", "overdue"
EXTENDED = "complaint_extended"


def allocation_due(received: datetime) -> date:
    """A request for support is allocated within 5 working days of the UK date it arrived."""
    return add_working_days(uk_date(received), ALLOCATE_WITHIN_WORKING_DAYS)


def initial_visit_due(allocated: datetime) -> date:
    """The initial visit is within 7 working days of the UK date the request was allocated."""
    return add_working_days(uk_date(allocated), INITIAL_VISIT_WITHIN_WORKING_DAYS)


def stage_1_due(received: datetime, extended: bool = False) -> date:
    """A complaint's stage 1 reply: 10 working days from arrival, or 20 once extended."""
    days = STAGE_1_EXTENDED_WORKING_DAYS if extended else STAGE_1_WORKING_DAYS
    return add_working_days(uk_date(received), days)


def callback_due(contact: dict, received: datetime) -> datetime | None:
    """The end of the first callback window still open at arrival; None when no window was chosen."""
    ends = sorted(datetime.fromisoformat(end) for _start, end in (contact.get("windows") or [])
                  if datetime.fromisoformat(end) > received)
    return ends[0] if ends else None


def state(due_on: date | None, today: date, closed: bool = False) -> str | None:
    """due, due_soon (within the inbox's due-soon working days) or overdue; None if closed or undated.

    The due-soon span is the inbox's own, so the reminder mail and the inbox filter agree.
    """
    if closed or due_on is None:
        return None
    if due_on < today:
        return OVERDUE
    if due_on <= add_working_days(today, DUE_SOON_WORKING_DAYS):
        return DUE_SOON
    return DUE


def item_state(item: Submission, today: date) -> str | None:
    """The state of an item's own deadline today."""
    return state(item.due_on, today, item.status == CLOSED)


@dataclass(frozen=True)
class Team:
    """A team that gets a reminder: its name, its mailbox and the items that are its work."""

    code: str
    name: str
    mailbox: str
    kind: str
    area_code: str | None = None


@dataclass(frozen=True)
class DueItem:
    """One line of a team's list: no personal data, only what finds the item in the console."""

    reference: str
    kind: str
    status: str
    due_on: date
    state: str


def teams(profile) -> list[Team]:
    """District mailboxes (or the one front door) for requests, the complaints and helpline mailboxes."""
    found = []
    if profile.routing_mode == "front_door" and profile.front_door_mailbox:
        found.append(Team("front_door", profile.council_name, profile.front_door_mailbox,
                          Kind.REQUEST_FOR_SUPPORT))
    else:
        found += [Team(a.code, a.name, a.mailbox, Kind.REQUEST_FOR_SUPPORT, a.code)
                  for a in profile.areas if a.mailbox]
    if profile.complaints is not None:
        found.append(Team("complaints", profile.complaints.name, profile.complaints.mailbox, Kind.COMPLAINT))
    if profile.helpline is not None and (profile.helpline.mailbox or profile.helpline.email):
        mailbox = profile.helpline.mailbox or profile.helpline.email
        found.append(Team("helpline", profile.helpline.name, mailbox, Kind.HELPLINE_CONTACT))
    return found


def due_list(session: Session, team: Team, today: date) -> list[DueItem]:
    """The team's open items that are overdue or due soon, soonest first (one indexed query)."""
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    query = (select(Submission.reference, Submission.kind, Submission.status, Submission.due_on)
             .where(Submission.kind == team.kind, Submission.due_on.is_not(None), Submission.due_on <= soon,
                    Submission.status != CLOSED, Submission.anonymised_at.is_(None))
             .order_by(Submission.due_on, Submission.reference))
    if team.area_code:
        query = query.where(Submission.area_code == team.area_code)
    return [DueItem(ref, kind, status, due, state(due, today))
            for ref, kind, status, due in session.execute(query)]


ComposeList = Callable[[Team, list[DueItem], date], tuple[str, str]]


def remind(session: Session, profile, today: date, compose: ComposeList, domain: str) -> dict[str, int]:
    """Queue each team's due-soon and overdue list to its mailbox; teams with nothing due get nothing.

    Returns the number of items listed per team code. One reminder per team per day: a
    second run on the same day finds its earlier reminder in the audit trail and skips it.
    """
    since = datetime.combine(today - timedelta(days=1), time(), tzinfo=UTC)
    sent_today = {e.detail.get("team") for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "deadline_reminder", AuditEvent.at >= since))
        if (e.detail or {}).get("day") == today.isoformat()}
    counts = {}
    for team in teams(profile):
        listed = due_list(session, team, today)
        if not listed or team.code in sent_today:
            continue
        subject, body = compose(team, listed, today)
        outbox.queue(session, submission=None, purpose="deadline_reminder", recipient=team.mailbox,
                     subject=subject, body=body, domain=domain)
        audit.record(session, "deadline_reminder", team=team.code, day=today.isoformat(), items=len(listed))
        counts[team.code] = len(listed)
    return counts


def extended(session: Session, item: Submission) -> bool:
    """Whether the complaint's stage 1 has already had its one extension."""
    return session.scalar(select(AuditEvent.id).where(
        and_(AuditEvent.submission_id == item.id, AuditEvent.action == EXTENDED)).limit(1)) is not None


def extend_complaint(session: Session, user: User, reference: str, reason: str, version: int | None,
                     mailing: Mailing, now: datetime | None = None) -> Submission:
    """Extend a complaint's stage 1 once, to 20 working days, with the reason recorded.

    The complainant is told on the channels they chose and marked safe, and only those;
    with no safe written channel (a call or a letter) the record says no notice was mailed.
    """
    now = now or utcnow()
    item = access.get_item(session, user, reference, "extend_complaint")
    if version is not None and item.version != version:
        raise Conflict(item, [])
    reason = (reason or "").strip()
    if item.kind != Kind.COMPLAINT or item.status == CLOSED or item.status == "responded":
        raise Refused("cannot_extend")
    if not reason:
        raise Refused("reason_needed")
    if extended(session, item):
        raise Refused("already_extended")
    item.due_on = stage_1_due(item.created_at, extended=True)
    item.updated_at = now
    before = len(item.outbox)
    queue_acknowledgements(session, item, mailing, "complaint_extension", now)
    session.flush()
    audit.record(session, EXTENDED, submission=item, actor=user, version=item.version, reason=reason,
                 due_on=item.due_on.isoformat(), notice_queued=len(item.outbox) > before)
    return item
