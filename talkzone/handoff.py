"""Handing items on to a council's case system: what it may read, and what it says back.

The case system reads items in its client's scope (talkzone.access, as for staff), in the order
they last changed, a page at a time behind an opaque cursor. It answers once per item:
accepted (with its own case id, and the worker it allocated) or declined (with a reason). An
accepted item may be updated (a new worker); a declined one may still be accepted later, when
the council thinks again; an accepted one is never declined. Every read and every answer is
written to the audit trail. Nothing here writes to the person: this is staff-to-staff.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from talkzone import access, audit, disclosure, inbox, webhooks
from talkzone.models import ApiClient, Handoff, ReportCount, Submission, utcnow

ACCEPTED, DECLINED = "accepted", "declined"
STATUSES = (ACCEPTED, DECLINED)
# What may follow what: None is "not answered yet".
TRANSITIONS: dict[str | None, tuple[str, ...]] = {
    None: (ACCEPTED, DECLINED),
    DECLINED: (ACCEPTED, DECLINED),
    ACCEPTED: (ACCEPTED,),
}
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Refused(ValueError):
    """An answer or a query that cannot be taken as given; ``code`` says why."""

    def __init__(self, code: str, field: str):
        super().__init__(code)
        self.code, self.field = code, field


@dataclass(frozen=True)
class ItemPage:
    """One page of items and the cursor for the next (None when this is the last)."""

    items: list[Submission]
    next_cursor: str | None


def encode_cursor(item: Submission) -> str:
    """An opaque cursor after this item: where it sits in the order of change."""
    raw = f"{item.updated_at.astimezone(UTC).isoformat()}|{item.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (updated_at, id) a cursor points after; Refused if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, item_id = raw.split("|")
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None or not 0 < int(item_id) < 2**63:
            raise ValueError(cursor)
        return at, int(item_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Refused("bad_cursor", "cursor") from None


def items(session: Session, client: ApiClient, *, kind: str | None = None, area: str | None = None,
          status: str | None = None, changed_since: datetime | None = None, cursor: str | None = None,
          limit: int = PAGE_SIZE) -> ItemPage:
    """One page of the items the client may see, oldest change first; the read is audited."""
    query = access.items(client)
    if kind:
        query = query.where(Submission.kind == kind)
    else:
        # Spelling out the role's kinds lets the database use the (kind, ...) indexes.
        query = query.where(Submission.kind.in_(access.KINDS[client.role]))
    if area:
        query = query.where(Submission.area_code == area)
    if status:
        query = query.where(Submission.status == status)
    if changed_since is not None:
        query = query.where(Submission.updated_at >= changed_since)
    if cursor:
        query = query.where(tuple_(Submission.updated_at, Submission.id) > decode_cursor(cursor))
    limit = min(max(1, limit), MAX_PAGE_SIZE)
    rows = list(session.scalars(query.order_by(Submission.updated_at, Submission.id).limit(limit + 1)))
    page = rows[:limit]
    audit.record(session, "api_listed", client_id=client.id, references=[i.reference for i in page])
    return ItemPage(page, encode_cursor(page[-1]) if len(rows) > limit else None)


def get(session: Session, client: ApiClient, reference: str, action: str = "api_read",
        for_update: bool = False) -> Submission:
    """One item in the client's scope (access.NotFound otherwise, never telling why); audited."""
    if "\x00" in reference:  # no reference holds one, and PostgreSQL text cannot
        raise access.NotFound(reference)
    query = access.items(client).where(Submission.reference == reference)
    if for_update:
        query = query.with_for_update()
    item = session.scalars(query).one_or_none()
    if item is None:
        raise access.NotFound(reference)
    audit.record(session, action, submission=item, client_id=client.id)
    return item


def current(session: Session, item: Submission) -> Handoff | None:
    """The case system's latest answer about the item, if any."""
    return session.get(Handoff, item.id)


def details(session: Session, item: Submission) -> dict:
    """The item as a case system receives it: its answers and contact preferences as staff see
    them, except the names of people who must not know (talkzone.disclosure)."""
    answers, contact, withheld = disclosure.for_case_system(item)
    return {"answers": answers, "contact": contact, "withheld": withheld, "handoff": current(session, item)}


def timeline(session: Session, item: Submission) -> list[dict]:
    """What happened to the item, as the console shows it, with must-not-know names taken out."""
    names = disclosure.names_to_withhold(item)
    return [{"at": e["at"], "what": e["what"], "by_staff": e["actor_id"] is not None,
             "detail": disclosure.scrub(e["detail"], names)} for e in inbox.timeline(session, item)]


def _text(value: str | None, limit: int) -> str | None:
    value = " ".join((value or "").split())
    return value[:limit] or None


def record_status(session: Session, client: ApiClient, reference: str, status: str, *,
                  reason: str | None = None, case_id: str | None = None,
                  allocated_worker: str | None = None) -> Handoff:
    """Take the case system's answer about an item: the one place a hand-off status changes.

    Checks scope (access.NotFound), then the answer (Refused), then stores it, moves the item's
    change time on (so it shows under changed-since) and writes the audit event
    "handoff_<status>", and queues the `item.status_changed` webhook.
    """
    item = get(session, client, reference, action="api_status_received", for_update=True)
    reason, case_id = _text(reason, 500), _text(case_id, 100)
    allocated_worker = _text(allocated_worker, 200)
    if status not in STATUSES:
        raise Refused("unknown_status", "status")
    if status == ACCEPTED and not case_id:
        raise Refused("case_id_needed", "case_id")
    if status == DECLINED and not reason:
        raise Refused("reason_needed", "reason")
    handoff = current(session, item)
    if status not in TRANSITIONS[handoff.status if handoff else None]:
        raise Refused("status_not_allowed", "status")
    if handoff is None:
        handoff = Handoff(submission_id=item.id)
        session.add(handoff)
    handoff.status, handoff.reason, handoff.case_id = status, reason, case_id
    handoff.allocated_worker, handoff.client_id, handoff.at = allocated_worker, client.id, utcnow()
    item.updated_at = handoff.at
    audit.record(session, f"handoff_{status}", submission=item, client_id=client.id, case_id=case_id,
                 allocated_worker=allocated_worker, reason=reason)
    webhooks.publish(session, item, "item.status_changed", source="case_system", status=status,
                     case_id=case_id, allocated_worker=allocated_worker, reason=reason)
    return handoff


def counts(session: Session, user) -> dict[str | None, int]:
    """How many items the user may see are in each hand-off status (None: not answered yet), summed
    from the reports' roll-up (talkzone.rollup: per month, kept in step with the hand-offs)."""
    rows = session.execute(
        select(ReportCount.value, func.sum(ReportCount.n))
        .where(access.scope(user, ReportCount), ReportCount.dimension == "m:handoff")
        .group_by(ReportCount.value))
    return {status or None: int(n) for status, n in rows if n}
