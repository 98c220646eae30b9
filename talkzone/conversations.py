"""Conversations: replies from the console through the contact policy, and the thread of an item.

A reply goes only on a channel the policy allows for this person now, worded as the policy
decides (neutral where they said not to say who we are, never naming someone who must not
know), held outside their safe times, and always through the outbox. Each email reply carries
a reply address that names the item by a random token alone.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone import access, audit, contact_policy, outbox
from talkzone.inbox import Refused
from talkzone.mailing import Mailing
from talkzone.models import (
    CallbackAttempt,
    CannedResponse,
    InboundMessage,
    Note,
    ReplyAddress,
    Submission,
    User,
)

CHANNELS = ("email", "text")
MAX_REPLY = 2000
# The only placeholders a canned response may use: none can carry an address or a name of
# someone who must not know (the first name is the person's own, and the policy checks it too).
PLACEHOLDERS = ("first_name", "reference", "opening_hours")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Channel:
    """A written channel and whether a reply may go on it now: its address, or why not."""

    name: str
    recipient: str | None
    closed_because: str | None


def channels(item: Submission, mailing: Mailing, now: datetime) -> list[Channel]:
    """Email and text for this person: open ones with their address, closed ones with the reason."""
    contact = item.contact or {}
    if item.anonymised_at is not None:
        return [Channel(name, None, "anonymised") for name in CHANNELS]
    open_ = {d.channel: d.recipient
             for d in contact_policy.decide(contact, "reply", now, mailing.sms_gateway)}
    closed = contact_policy.closed_channels(contact, mailing.sms_gateway)
    return [Channel(name, open_.get(name), None if name in open_ else closed.get(name, "not_chosen"))
            for name in CHANNELS]


def _decision(item: Submission, channel: str, mailing: Mailing, now: datetime):
    for decision in contact_policy.decide(item.contact or {}, "reply", now, mailing.sms_gateway):
        if decision.channel == channel:
            return decision
    raise Refused("channel_closed")


def prepare(item: Submission, channel: str, text: str, mailing: Mailing,
            now: datetime) -> contact_policy.Permit:
    """The reply exactly as the person will get it, permitted by the policy; Refused if it may not go."""
    if item.anonymised_at is not None:
        raise Refused("channel_closed")
    text = text.strip()
    if not text:
        raise Refused("reply_needed")
    if len(text) > MAX_REPLY:
        raise Refused("reply_too_long")
    decision = _decision(item, channel, mailing, now)
    permit = contact_policy.approve(
        decision, item.contact or {},
        lambda purpose, neutral: mailing.compose(purpose, item, neutral=neutral, reply=text))
    if permit is None:
        raise Refused("names_must_not_know")
    return permit


def reply_address(session: Session, item: Submission, mailing: Mailing) -> str | None:
    """The item's reply address (local+TOKEN@domain), made once; None if no address is set."""
    if not mailing.reply_address:
        return None
    found = session.scalar(select(ReplyAddress).where(ReplyAddress.submission_id == item.id))
    if found is None:
        found = ReplyAddress(token=secrets.token_hex(10), submission_id=item.id)
        session.add(found)
    local, _, domain = mailing.reply_address.partition("@")
    return f"{local}+{found.token}@{domain}"


def send_reply(session: Session, user: User, reference: str, channel: str, text: str,
               mailing: Mailing, now: datetime):
    """Queue a reply in the outbox: held until the next safe window if now is outside it."""
    item = access.get_item(session, user, reference, "reply")
    permit = prepare(item, channel, text, mailing, now)
    message = outbox.queue(session, submission=item, purpose=permit.purpose,
                           recipient=permit.recipient, subject=permit.subject, body=permit.body,
                           domain=mailing.domain, permit=permit,
                           reply_to=reply_address(session, item, mailing) if channel == "email" else None)
    audit.record(session, "reply_queued", submission=item, actor=user, channel=channel,
                 held_until=permit.release_at.isoformat() if permit.release_at else None)
    return message


def state(message) -> str:
    """An outbound message's delivery state: sent, failed, held (until a safe time) or queued."""
    if message.status in (outbox.SENT, outbox.FAILED):
        return message.status
    return "held" if message.held_until and not message.attempts else "queued"


def thread(session: Session, item: Submission) -> list[dict]:
    """Every message in and out of the item, with notes and callback attempts, oldest first."""
    entries = [{"at": m.created_at, "what": "out", "message": m, "state": state(m)}
               for m in item.outbox if m.purpose in contact_policy.PUBLIC_PURPOSES]
    entries += [{"at": m.received_at, "what": "in", "message": m}
                for m in session.scalars(select(InboundMessage)
                                         .where(InboundMessage.submission_id == item.id))]
    entries += [{"at": n.at, "what": "note", "message": n}
                for n in session.scalars(select(Note).where(Note.submission_id == item.id))]
    entries += [{"at": c.at, "what": "callback", "message": c}
                for c in session.scalars(select(CallbackAttempt)
                                         .where(CallbackAttempt.submission_id == item.id))]
    return sorted(entries, key=lambda e: e["at"])


def unknown_placeholders(body: str) -> list[str]:
    """The {placeholders} in a canned response that may not be used."""
    return [name for name in PLACEHOLDER.findall(body) if name not in PLACEHOLDERS]


def add_canned(session: Session, user: User, title: str, language: str, body: str) -> CannedResponse:
    """Save a canned response; Refused if it uses a placeholder that is not allowed."""
    access.require(user, "manage_canned")
    if unknown_placeholders(body):
        raise Refused("placeholder_not_allowed")
    canned = CannedResponse(title=title.strip(), language=language, body=body.strip())
    session.add(canned)
    session.flush()
    audit.record(session, "canned_response_added", actor=user, canned_id=canned.id, language=language)
    return canned


def canned_for(session: Session, language: str) -> list[CannedResponse]:
    """The canned responses written in a language."""
    return list(session.scalars(select(CannedResponse).where(CannedResponse.language == language)
                                .order_by(CannedResponse.title)))


def fill(canned: CannedResponse, item: Submission, opening_hours: str) -> str:
    """A canned response with its placeholders filled in for this item."""
    # Only a helpline contact's subject is the person written to; elsewhere it is their child.
    own_name = item.subject_name if item.kind == "helpline_contact" else None
    values = {"first_name": (own_name or "").split(" ")[0], "reference": item.reference,
              "opening_hours": opening_hours}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), canned.body)
