"""The durable mail queue: rows written in the submission's transaction, delivered later.

Delivery claims rows under a lease, so a crashed worker's mail comes back and two workers
never send the same row. Each row's Message-ID is fixed when it is queued and reused on
every retry. Failures back off exponentially up to an hour and keep being retried; only a
permanent refusal (an SMTP 5xx, an address the server cannot take) or an error nobody
planned for marks a message failed, which staff see. Whatever one message does, it is
settled on its own and the rest of its batch goes on.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from talkzone import contact_policy
from talkzone.models import OutboxMessage, utcnow
from talkzone.uow import UnitOfWork

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
MAX_BACKOFF = timedelta(hours=1)
LEASE = timedelta(minutes=5)


class TemporaryFailure(Exception):
    """The mail could not go now; it will be tried again."""


class PermanentFailure(Exception):
    """The mail can never go (an SMTP 5xx, an address the server cannot take); it is marked failed."""


@dataclass(frozen=True)
class OutgoingMail:
    message_id: str
    recipient: str
    subject: str
    body: str
    reply_to: str | None = None


class Transport(Protocol):
    def open(self) -> AbstractContextManager[Callable[[OutgoingMail], None]]:
        """A connection whose value sends one mail, raising Temporary- or PermanentFailure."""


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def queue(session: Session, *, submission, purpose: str, recipient: str, subject: str,
          body: str, domain: str, permit: contact_policy.Permit | None = None,
          reply_to: str | None = None, message_id: str | None = None) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction.

    ``message_id`` is the row's stable id on every retry (a Message-ID unless given: a webhook
    gives its webhook-id).

    A message to a member of the public needs the contact policy's permit; one due outside
    their safe times is held: it is not attempted before the permit's release time.
    """
    not_before = contact_policy.release_time(purpose, recipient, subject, body, permit)
    message = OutboxMessage(
        submission=submission,
        purpose=purpose,
        recipient=recipient,
        subject=subject,
        body=body,
        message_id=message_id or make_msgid(idstring=secrets.token_hex(6), domain=domain),
        status=QUEUED,
        next_attempt_at=not_before or utcnow(),
        held_until=not_before,
        reply_to=reply_to,
    )
    session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 1, 2, 4 ... minutes, capped at an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.lease_until < now),
    )


def claim(uow: UnitOfWork, now: datetime, limit: int = 50, lease: timedelta = LEASE
          ) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due messages; returns the claim token and the ids claimed.

    PostgreSQL skips rows another worker has locked. SQLite ignores FOR UPDATE, so each
    row is claimed by a conditional update whose row count says whether it was won. The
    claim is committed at once: the lease must be visible to other workers before sending.
    """
    session = uow.session
    token = secrets.token_hex(8)
    candidates = session.scalars(
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    won = []
    for message_id in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(status=SENDING, lease_until=now + lease, claim_token=token)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            won.append(message_id)
    uow.commit()
    return token, won


def _settle(uow: UnitOfWork, message_id: int, token: str, **values) -> None:
    # Each message is settled in a commit of its own, so one message's fate never waits on the next.
    result = uow.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(claim_token=None, lease_until=None, attempts=OutboxMessage.attempts + 1, **values)
        .execution_options(synchronize_session=False)
    )
    uow.commit()
    if result.rowcount != 1:
        log.warning("outbox message %s: lease lost before it was settled", message_id)


def deliver_due(uow: UnitOfWork, transport: Transport, *, now: Callable[[], datetime] = utcnow,
                limit: int = 50) -> DeliveryStats:
    """Claim one batch of due messages and try to send each over one connection."""
    stats = DeliveryStats()
    token, ids = claim(uow, now(), limit)
    if not ids:
        return stats
    rows = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                           .order_by(OutboxMessage.id)).all()
    mails = [(m.id, m.attempts, OutgoingMail(m.message_id, m.recipient, m.subject, m.body,
                                                 m.reply_to))
             for m in rows]
    uow.commit()
    pending: Iterator = iter(mails)
    try:
        with transport.open() as send:
            for message_id, attempts, mail in pending:
                try:
                    send(mail)
                except TemporaryFailure as exc:
                    _retry(uow, message_id, token, attempts, exc, now())
                    stats.retried += 1
                except Exception as exc:  # one message, whatever it raises, never stops its batch
                    _fail(uow, message_id, token, exc)
                    stats.failed += 1
                else:
                    _settle(uow, message_id, token, status=SENT, sent_at=now(), last_error=None)
                    stats.sent += 1
    except Exception as exc:
        # The connection itself failed: every message not yet settled waits and tries again.
        log.warning("outbox: could not open or keep a mail connection (%s); the batch waits",
                    type(exc).__name__)
        for message_id, attempts, _mail in pending:
            _retry(uow, message_id, token, attempts, exc, now())
            stats.retried += 1
    return stats


def _fail(uow, message_id, token, exc: Exception) -> None:
    if isinstance(exc, PermanentFailure):
        reason = str(exc)
    else:
        # Only the type: the text of an unplanned error may quote the address or the body.
        reason = f"unexpected error while sending: {type(exc).__name__}"
        log.error("outbox message %s: %s while sending; marked failed", message_id,
                  type(exc).__name__)
    _settle(uow, message_id, token, status=FAILED, last_error=reason[:500])


def _retry(uow, message_id, token, attempts, exc, now) -> None:
    _settle(uow, message_id, token, status=QUEUED, last_error=str(exc)[:500] or repr(exc),
            next_attempt_at=now + backoff(attempts + 1))


def drain(uow: UnitOfWork, transport: Transport, *, now: Callable[[], datetime] = utcnow,
          limit: int = 50, stop: threading.Event | None = None) -> DeliveryStats:
    """Deliver batches until nothing is due now (or ``stop`` is set); returns the totals."""
    total = DeliveryStats()
    while stop is None or not stop.is_set():
        stats = deliver_due(uow, transport, now=now, limit=limit)
        total.sent += stats.sent
        total.retried += stats.retried
        total.failed += stats.failed
        if stats.handled == 0 or stats.sent + stats.failed == 0:
            break
    return total


def run_worker(session_factory: Callable[[], Session], transport: Transport, *,
               stop: threading.Event, poll_seconds: float = 5.0,
               on_batch: Callable[[DeliveryStats], None] | None = None) -> None:
    """Keep delivering until ``stop`` is set, sleeping when nothing is due."""
    while not stop.is_set():
        try:
            with UnitOfWork(session_factory) as uow:
                stats = drain(uow, transport, stop=stop)
        except Exception:  # a database outage must not end the worker
            log.exception("outbox worker: delivery round failed; will try again")
            stats = DeliveryStats()
        if on_batch and stats.handled:
            on_batch(stats)
        stop.wait(poll_seconds)


def backlog(session: Session) -> dict[str, int]:
    """How many messages are in each status."""
    rows = session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {status: count for status, count in rows}


def overdue(now: datetime, grace: timedelta):
    """Rows that should have gone by now: due for longer than ``grace``, or stuck in sending.

    A sending row counts once its lease has run out, or once it has been due for longer than a
    whole lease: a message whose worker dies on it is re-leased again and again, so its lease is
    seldom out, but its due time stays where it was.
    """
    return or_(
        and_(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now - grace),
        and_(OutboxMessage.status == SENDING,
             or_(OutboxMessage.lease_until < now, OutboxMessage.next_attempt_at <= now - LEASE - grace)),
    )
