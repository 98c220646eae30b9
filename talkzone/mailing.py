"""The one mail port: how talkzone's use cases write and address mail, filled in by the portal.

A use case decides which messages go and to whom; ``Mailing.compose`` renders each one in
the right language, and the outbox carries it. Mail to staff and partner services goes
through ``queue_to_staff``; mail to a member of the public only through
``queue_acknowledgements``, which asks the contact policy first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from talkzone import audit, contact_policy, outbox
from talkzone.models import Submission, utcnow

# compose(purpose, submission, neutral=False) -> (subject, body); neutral names no service.
Compose = Callable[..., tuple[str, str]]


@dataclass(frozen=True)
class Mailing:
    """How mail is written (compose), addressed from (domain), texted (sms_gateway), for whom (profile).

    ``reply_address`` is the address replies come back to (the portal's LMTP listener or IMAP
    mailbox); each reply names its item by a token added to it as a plus-address.
    """

    compose: Compose
    domain: str
    sms_gateway: str | None = None
    profile: object = field(default=None, repr=False)
    reply_address: str | None = None


def queue_to_staff(session: Session, submission: Submission, mailing: Mailing, purpose: str,
                   recipient: str, reply_to: str | None = None) -> None:
    """Mail to a staff mailbox, partner service or professional: no member of the public.

    ``reply_to`` is the item's reply address when the message asks for an answer by email.
    """
    extra = {"reply_to": reply_to} if reply_to else {}
    subject, body = mailing.compose(purpose, submission, **extra)
    outbox.queue(session, submission=submission, purpose=purpose, recipient=recipient,
                 subject=subject, body=body, domain=mailing.domain, reply_to=reply_to)
    audit.record(session, "mail_queued", submission=submission, purpose=purpose)


def queue_acknowledgements(session: Session, submission: Submission, mailing: Mailing, purpose: str,
                           now: datetime | None = None) -> None:
    """Write to the person only as the contact policy decides: channel, wording and time."""
    contact = submission.contact or {}
    for decision in contact_policy.decide(contact, purpose, now or utcnow(), mailing.sms_gateway):
        permit = contact_policy.approve(
            decision, contact, lambda p, neutral: mailing.compose(p, submission, neutral=neutral))
        if permit is None:
            # Even the neutral wording would name someone who must not know: staff see why.
            audit.record(session, "mail_withheld", submission=submission, purpose=decision.purpose,
                         reason="must_not_know")
            continue
        outbox.queue(session, submission=submission, purpose=permit.purpose,
                     recipient=permit.recipient, subject=permit.subject, body=permit.body,
                     domain=mailing.domain, permit=permit)
        audit.record(session, "mail_queued", submission=submission, purpose=permit.purpose)
