"""The contact policy: whether, when and how a member of the public is written to.

Every message to a member of the public passes here: only on a written channel they chose
(and so marked safe), texts only to UK mobile numbers, in their safe times (a message due
outside them is held until the next safe window opens, in UK time), neutral wording where
they said not to say who we are, and never with a name they said must not know. The outbox
refuses such a message unless it carries the permit issued here.

Mail to staff mailboxes, partner services and a professional's work address (the consent
request and the referrer's acknowledgement) is not to a member of the public at risk: those
purposes are listed here too, so an unlisted purpose is refused rather than sent unchecked.
Webhooks and the file drop hand an item to the council's own case system (a machine, never the
person or anyone they named): they are the system purposes, and carry no message to anyone.
The transport sends every message from the profile's bare no-reply address, with no display
name, so the sender never names the service either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from talkzone.calendar import DAY_CODES, UK, uk_time

# Messages to the person who asked: each has a text variant, "<purpose>_text".
PUBLIC = ("family_acknowledgement", "complaint_acknowledgement", "helpline_acknowledgement",
          "complaint_extension", "reply")
PUBLIC_PURPOSES = frozenset(PUBLIC + tuple(f"{p}_text" for p in PUBLIC))
PROFESSIONAL_PURPOSES = frozenset({"consent_needed", "referrer_acknowledgement", "advocacy_referral"})
STAFF_PURPOSES = frozenset({"district_notification", "complaint_notification", "helpline_notification",
                            "safeguarding_notification", "deadline_reminder",
                            "console_safeguarding_alert",
                            "console_complaint_referral"})
# To the council's case system: a signed webhook POST, or a file in the council's drop folder.
# Their outbox rows are addressed to the system, never to a mailbox, and go by those transports only.
SYSTEM_ADDRESSES = {"council_webhook": "@webhook", "council_file_drop": "@file-drop"}
SYSTEM_PURPOSES = frozenset(SYSTEM_ADDRESSES)
# Kinds whose content may go to the case system (a webhook with the item, the file drop): never a
# helpline contact, whose young person was told that what they say stays with the helpline. Sent
# on with their agreement (or a safeguarding override), it becomes a new item, which may.
CASE_SYSTEM_KINDS = frozenset({"request_for_support", "complaint"})
UK_MOBILE = re.compile(r"^(?:07|447)\d{9}$")
# Capitalised words in a must-not-know answer that are not names ("Her ex-partner", "My carer").
NOT_NAMES = frozenset("her his him she he they them their my our your the mum dad mother father "
                      "step and who not any ex".split())
_ISSUED = object()

Render = Callable[[str, bool], tuple[str, str]]


class PolicyBypassed(RuntimeError):
    """A message to a member of the public without this policy's permit, or an unknown purpose."""


@dataclass(frozen=True)
class Decision:
    """One message the person may get: channel, address, wording style and release time."""

    purpose: str
    channel: str
    recipient: str
    neutral: bool
    release_at: datetime | None


@dataclass(frozen=True)
class Permit:
    """The policy's approval of one rendered message; the outbox queues nothing public without it."""

    purpose: str
    recipient: str
    subject: str
    body: str
    release_at: datetime | None
    seal: object = field(repr=False, default=None)


def callback_windows(contact: dict) -> list[tuple[datetime, datetime]]:
    """A helpline contact's chosen windows as aware (start, end) pairs.

    Stored as {"start": iso, "end": iso} by the helpline journey; [start, end] is read too.
    """
    windows = []
    for window in contact.get("windows") or []:
        start, end = (window["start"], window["end"]) if isinstance(window, dict) else window
        windows.append((datetime.fromisoformat(start), datetime.fromisoformat(end)))
    return windows


def in_safe_window(contact: dict, moment: datetime) -> bool | None:
    """Whether ``moment`` is inside the times the person said are safe; None if any time is."""
    windows = callback_windows(contact)
    if windows:
        return any(start <= moment < end for start, end in windows)
    days, start, end = contact.get("days") or [], contact.get("start"), contact.get("end")
    if not days and not start:
        return None
    local = uk_time(moment)
    if days and DAY_CODES[local.weekday()] not in days:
        return False
    if start and end:
        return start <= local.strftime("%H:%M") < end
    return True


def safe_time_choices(calls_from: time, calls_until: time) -> list[str]:
    """The times a person may give as the start or end of their safe window: every half hour
    across the service's calling hours, as "HH:MM" (the form in_safe_window compares)."""
    marks, minutes = [], calls_from.hour * 60 + calls_from.minute
    while minutes <= calls_until.hour * 60 + calls_until.minute:
        marks.append(f"{minutes // 60:02d}:{minutes % 60:02d}")
        minutes += 30
    return marks


def next_safe_moment(contact: dict, now: datetime) -> datetime | None:
    """When a message may go: None if now is safe, else the next safe window's start (UK time)."""
    if in_safe_window(contact, now) is not False:
        return None
    windows = callback_windows(contact)
    if windows:
        upcoming = sorted(start for start, end in windows if end > now)
        return upcoming[0] if upcoming else None  # every window has passed: as soon as we can
    days = contact.get("days") or DAY_CODES
    opens = time.fromisoformat(contact["start"]) if contact.get("start") else time()
    today = uk_time(now).date()
    for offset in range(8):
        day = today + timedelta(days=offset)
        start = datetime.combine(day, opens, tzinfo=UK)
        if DAY_CODES[day.weekday()] in days and start > now:
            return start
    return None


def text_number(phone: str | None) -> str | None:
    """The digits of a UK mobile number (07..., +447...), or None: texts go to mobiles only."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits if UK_MOBILE.match(digits) else None


def writes_by_email(contact: dict) -> bool:
    """Whether the person's written messages go by email: they chose email and gave an address."""
    return "email" in (contact.get("channels") or ()) and bool(contact.get("email"))


def decide(contact: dict, purpose: str, now: datetime, sms_gateway: str | None) -> list[Decision]:
    """The messages a person may get for ``purpose``: one per written channel they chose."""
    if purpose not in PUBLIC:
        raise PolicyBypassed(f"{purpose!r} is not a message to a member of the public")
    channels = set(contact.get("channels") or ())
    neutral = contact.get("say_who") == "no"
    release = next_safe_moment(contact, now)
    decisions = []
    if writes_by_email(contact) and not contact.get("email_failing"):
        decisions.append(Decision(purpose, "email", contact["email"], neutral, release))
    number = text_number(contact.get("phone")) if "text" in channels else None
    if number and sms_gateway:
        decisions.append(Decision(f"{purpose}_text", "text", f"{number}@{sms_gateway}", neutral,
                                  release))
    return decisions


def closed_channels(contact: dict, sms_gateway: str | None) -> dict[str, str]:
    """The written channels the person may not be sent to, each with the reason (a code)."""
    channels = set(contact.get("channels") or ())
    closed = {}
    if "email" not in channels:
        closed["email"] = "not_chosen"
    elif not contact.get("email"):
        closed["email"] = "no_address"
    elif contact.get("email_failing"):
        closed["email"] = "address_failing"
    if "text" not in channels:
        closed["text"] = "not_chosen"
    elif not text_number(contact.get("phone")):
        closed["text"] = "not_a_mobile"
    elif not sms_gateway:
        closed["text"] = "no_text_service"
    return closed


def must_not_know_names(contact: dict) -> list[str]:
    """The names in the must-not-know answer: each part as typed, and each capitalised name in it."""
    answer = contact.get("must_not_know") or ""
    parts = [p.strip() for p in re.split(r"[,;/\n&]| and ", answer) if p.strip()]
    words = [w for p in parts for w in re.findall(r"[^\W\d_][\w'-]*", p)
             if w[0].isupper() and len(w) >= 3 and w.lower() not in NOT_NAMES]
    return parts + words


def names_someone_who_must_not_know(contact: dict, *texts: str) -> bool:
    """Whether any must-not-know name appears, as a whole word, in the texts."""
    for name in must_not_know_names(contact):
        flags = 0 if " " not in name and name[0].isupper() else re.IGNORECASE
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", flags)
        if any(pattern.search(text) for text in texts):
            return True
    return False


def approve(decision: Decision, contact: dict, render: Render) -> Permit | None:
    """Render the message in the decided style and permit it; None if it must not go.

    A message that would name someone who must not know is rendered neutrally instead, and
    withheld if even that names them.
    """
    for neutral in dict.fromkeys((decision.neutral, True)):
        subject, body = render(decision.purpose, neutral)
        if not names_someone_who_must_not_know(contact, subject, body):
            return Permit(decision.purpose, decision.recipient, subject, body, decision.release_at,
                          _ISSUED)
    return None


def case_system_may_have(kind: str) -> bool:
    """Whether the council's case system may be sent an item's content, not only its reference."""
    return kind in CASE_SYSTEM_KINDS


def release_time(purpose: str, recipient: str, subject: str, body: str,
                 permit: Permit | None) -> datetime | None:
    """The outbox's check: the hold time for a permitted public message; refuses any bypass."""
    if purpose in SYSTEM_PURPOSES:
        if not recipient.endswith(SYSTEM_ADDRESSES[purpose]) or "@" in recipient.removesuffix(
                SYSTEM_ADDRESSES[purpose]):
            raise PolicyBypassed(f"{purpose!r} goes to the council's system, never to an address")
        return None
    if purpose in STAFF_PURPOSES or purpose in PROFESSIONAL_PURPOSES:
        return None
    if purpose not in PUBLIC_PURPOSES:
        raise PolicyBypassed(f"purpose {purpose!r} is not classified in talkzone.contact_policy")
    if (permit is None or permit.seal is not _ISSUED
            or (permit.purpose, permit.recipient, permit.subject, permit.body)
            != (purpose, recipient, subject, body)):
        raise PolicyBypassed(f"{purpose!r} to a member of the public needs the contact policy's permit")
    return permit.release_at
