"""Mail coming in: kept raw first, then read as a reply, an auto-reply, a bounce or a new contact.

``accept`` stores the raw bytes (de-duplicated by Message-ID) and its caller commits before the
sending server is told 250, so nothing accepted is lost. ``process`` then reads the stored
message: a bounce (a delivery status notification) marks the outbox message that bounced as
failed and the person's address as failing; an auto-reply (RFC 3834) is recorded but is no
reply; a reply lands on its item by the token in the address it was sent to, the message it
answers, or the reference in its subject from the item's own address. Mail to the helpline's
address that matches no item becomes a new helpline contact. HTML is kept as sanitised text;
attachments are never opened, only described. Nothing personal goes to the log.
"""

from __future__ import annotations

import html
import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

import nh3
from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone import audit, contact_policy, outbox
from talkzone.mailing import Mailing
from talkzone.models import InboundMessage, Kind, OutboxMessage, ReplyAddress, Submission, utcnow
from talkzone.submissions import store

log = logging.getLogger(__name__)

REFERENCE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")
TOKEN = re.compile(r"^[^@+]+\+([0-9a-f]{20})@", re.IGNORECASE)
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
MAX_TEXT = 20_000


def _header(message, name: str) -> str:
    try:
        return str(message.get(name) or "").strip()
    except Exception:  # a header the parser cannot decode (8-bit, broken encoded words)
        return ""


def message_id_of(raw: bytes) -> str | None:
    """The Message-ID, read from the headers alone, or None."""
    value = _header(BytesHeaderParser(policy=policy.compat32).parsebytes(raw, headersonly=True),
                    "Message-ID")
    return "".join(value.split())[:300] or None


def accept(session: Session, raw: bytes, recipients: list[str], via: str) -> InboundMessage | None:
    """Keep a received message as it came; None if one with its Message-ID is already kept."""
    message_id = message_id_of(raw)
    if message_id and session.scalar(select(InboundMessage.id)
                                      .where(InboundMessage.message_id == message_id)):
        log.info("mail in: a duplicate Message-ID; already kept")
        return None
    inbound = InboundMessage(via=via, raw=raw, message_id=message_id, received_at=utcnow(),
                             recipients=[r[:254] for r in recipients][:20], kind="unprocessed",
                             attachments=[])
    session.add(inbound)
    session.flush()
    return inbound


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        content = html.unescape(nh3.clean(content, tags=set()))
    return content.replace("\x00", "").strip()[:MAX_TEXT]


def _attachments(message: EmailMessage, keep_under: int) -> list[dict]:
    found = []
    for part in message.iter_attachments():
        size = len(part.get_payload(decode=True) or b"")
        found.append({"name": (part.get_filename() or "")[:200], "type": part.get_content_type(),
                      "size": size, "kept": size <= keep_under})
    return found


def _bounced_id(message: EmailMessage) -> tuple[str | None, str]:
    """For a delivery status notification: the bounced message's Message-ID and the status."""
    original, status = None, ""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                status = status or _header(block, "Status")
        elif kind in ("message/rfc822", "text/rfc822-headers") and original is None:
            inner = part.get_payload()[0] if kind == "message/rfc822" else \
                BytesHeaderParser().parsebytes(part.get_payload(decode=True) or b"")
            original = "".join(_header(inner, "Message-ID").split()) or None
    return original, status


def _is_auto_reply(message) -> bool:
    auto = _header(message, "Auto-Submitted").lower()
    return ((auto not in ("", "no")) or bool(_header(message, "X-Autoreply"))
            or bool(_header(message, "X-Autorespond"))
            or _header(message, "Precedence").lower() in AUTO_PRECEDENCE)


def _match(session: Session, message, recipients: list[str], sender: str) -> Submission | None:
    for address in recipients:
        if (found := TOKEN.match(address)) is not None:
            item_id = session.scalar(select(ReplyAddress.submission_id)
                                     .where(ReplyAddress.token == found.group(1).lower()))
            if item_id:
                return session.get(Submission, item_id)
    answered = (_header(message, "In-Reply-To") + " " + _header(message, "References")).split()
    if answered:
        row = session.scalar(select(OutboxMessage).where(OutboxMessage.message_id.in_(answered[-20:])))
        if row is not None and row.submission is not None:
            return row.submission
    for reference in REFERENCE.findall(_header(message, "Subject")):
        item = session.scalar(select(Submission).where(Submission.reference == reference))
        # The reference alone is guessable: it counts only from the item's own address.
        if item is not None and sender and (item.email or "").lower() == sender.lower():
            return item
    return None


def _record_bounce(session: Session, inbound: InboundMessage, message) -> bool:
    original, status = _bounced_id(message)
    row = original and session.scalar(select(OutboxMessage).where(OutboxMessage.message_id == original))
    if not row:
        return False
    inbound.kind, inbound.bounced_id, inbound.submission_id = "bounce", row.id, row.submission_id
    row.status, row.last_error = outbox.FAILED, f"bounced ({status or 'no status given'})"[:500]
    item = row.submission
    if item is not None and item.email and row.recipient.lower() == item.email.lower():
        item.contact = {**(item.contact or {}), "email_failing": True}
    audit.record(session, "mail_bounced", submission=item, purpose=row.purpose, status=status)
    return True


def _new_contact(session: Session, inbound: InboundMessage, mailing: Mailing) -> Submission:
    helpline = mailing.profile.helpline
    item = Submission(kind=Kind.HELPLINE_CONTACT, status="new", channel="email", created_at=utcnow(),
                      destination=helpline.mailbox or helpline.email,
                      answers={"email_in": {"subject": inbound.subject or "", "message": inbound.text or ""}},
                      contact={"channels": ["email"], "email": inbound.sender}, email=inbound.sender)
    return store(session, item)


def helpline_addresses(mailing: Mailing) -> set[str]:
    """The addresses whose unmatched mail becomes a new helpline contact."""
    helpline = getattr(mailing.profile, "helpline", None)
    return {a.lower() for a in (mailing.reply_address, helpline and helpline.email) if a}


def process(session: Session, inbound: InboundMessage, mailing: Mailing, keep_under: int) -> str:
    """Read a kept message and put it where it belongs; returns what it was taken to be."""
    try:
        message = message_from_bytes(inbound.raw, policy=policy.default)
        inbound.sender = parseaddr(_header(message, "From"))[1][:254] or None
        inbound.subject = _header(message, "Subject")[:300] or None
        inbound.text = _text(message)
        inbound.attachments = _attachments(message, keep_under)
    except Exception as exc:  # malformed MIME: kept as received, for staff to read raw
        inbound.kind, inbound.problem = "unreadable", type(exc).__name__[:60]
        log.warning("mail in %s: unreadable (%s); kept raw", inbound.id, type(exc).__name__)
        return inbound.kind
    own = {a.lower() for a in helpline_addresses(mailing)} | {f"no-reply@{mailing.domain}"}
    if message.get_content_type() == "multipart/report" and _record_bounce(session, inbound, message):
        pass
    elif (inbound.sender or "").lower() in own or _header(message, "X-Loop"):
        inbound.kind, inbound.problem = "refused", "mail_loop"
    else:
        item = _match(session, message, inbound.recipients, inbound.sender or "")
        auto = _is_auto_reply(message)
        if item is not None and item.anonymised_at is not None:
            inbound.kind, inbound.problem, inbound.text, inbound.raw = "refused", "item_anonymised", None, b""
        elif item is not None:
            inbound.kind, inbound.submission_id = ("auto_reply" if auto else "reply"), item.id
            audit.record(session, "auto_reply_received" if auto else "reply_received", submission=item)
        elif auto:
            inbound.kind = "auto_reply"
        elif mailing.profile.helpline and _to_helpline(inbound, mailing):
            inbound.kind, inbound.submission_id = "new_contact", _new_contact(session, inbound, mailing).id
        else:
            inbound.kind, inbound.problem = "unmatched", "unknown_address"
    log.info("mail in %s: %s%s", inbound.id, inbound.kind, f" ({inbound.problem})" if inbound.problem else "")
    return inbound.kind


def _to_helpline(inbound: InboundMessage, mailing: Mailing) -> bool:
    wanted = helpline_addresses(mailing)
    return any(a.lower() in wanted for _, a in getaddresses(inbound.recipients))


def _mobile_key(number: str | None) -> str | None:
    digits = contact_policy.text_number(number)
    return digits[-10:] if digits else None


def accept_text(session: Session, raw: bytes, payload: dict) -> InboundMessage | None:
    """Keep an inbound text (from Notify's callback) as received; None if already kept."""
    message_id = f"notify:{payload.get('id') or ''}"[:300] if payload.get("id") else None
    if message_id and session.scalar(select(InboundMessage.id)
                                      .where(InboundMessage.message_id == message_id)):
        return None
    inbound = InboundMessage(via="notify", raw=raw, message_id=message_id, received_at=utcnow(),
                             recipients=[str(payload.get("destination_number") or "")[:30]],
                             kind="unprocessed", attachments=[])
    session.add(inbound)
    session.flush()
    return inbound


def process_text(session: Session, inbound: InboundMessage, payload: dict, mailing: Mailing) -> str:
    """Put a text on the open item whose mobile number matches, or make a new helpline contact."""
    inbound.text = str(payload.get("content") or "").replace("\x00", "")[:MAX_TEXT]
    key = _mobile_key(str(payload.get("source_number") or ""))
    inbound.sender = key and f"0{key}"
    candidates = session.scalars(select(Submission).where(Submission.phone.is_not(None),
                                                          Submission.anonymised_at.is_(None))
                                 .order_by(Submission.created_at.desc()).limit(5000))
    item = next((s for s in candidates if key and _mobile_key(s.phone) == key), None)
    if item is not None:
        inbound.kind, inbound.submission_id = "reply", item.id
        audit.record(session, "reply_received", submission=item)
    elif key and mailing.profile.helpline:
        helpline = mailing.profile.helpline
        new = store(session, Submission(
            kind=Kind.HELPLINE_CONTACT, status="new", channel="text", created_at=utcnow(),
            destination=helpline.mailbox or helpline.email, answers={"text_in": {"message": inbound.text}},
            contact={"channels": ["text"], "phone": inbound.sender}, phone=inbound.sender))
        inbound.kind, inbound.submission_id = "new_contact", new.id
    else:
        inbound.kind, inbound.problem = "unmatched", "no_mobile_number"
    log.info("text in %s: %s", inbound.id, inbound.kind)
    return inbound.kind
