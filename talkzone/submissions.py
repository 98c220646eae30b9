"""Use cases that store a submission, route it and queue its mail in one transaction.

The portal passes in a ``compose`` function that renders each message (subject, body) in
the submission's language; which messages go, and where, is decided here.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from talkzone import audit, contact_policy, outbox
from talkzone.calendar import add_working_days, uk_date
from talkzone.models import Kind, Submission, utcnow
from talkzone.profile import Profile
from talkzone.routing import request_mailbox

# No 0/O, 1/I/L, U or 5/S: easy to read aloud and hard to mishear.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRTVWXYZ2346789"
REFERENCE_PREFIX = {Kind.REQUEST_FOR_SUPPORT: "RS", Kind.COMPLAINT: "CP", Kind.HELPLINE_CONTACT: "TZ"}
ALLOCATE_WITHIN_WORKING_DAYS = 5

# compose(purpose, submission, neutral=False) -> (subject, body); neutral names no service.
Compose = Callable[..., tuple[str, str]]


@dataclass(frozen=True)
class Delivery:
    """Where mail is addressed from, and how texts reach an email-to-SMS gateway if any."""

    domain: str
    sms_gateway: str | None = None


def new_reference(kind: str) -> str:
    """A reference like RS-7K4M-2Q9P: 8 characters from 28, about 3.8e11 possibilities."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{REFERENCE_PREFIX[kind]}-{chars[:4]}-{chars[4:]}"


def contact_preferences(contact: dict, safety: dict) -> dict:
    """Join the channel and the safety answers into the record staff see first.

    Details for channels that were not chosen are dropped, never stored.
    """
    channels = list(contact.get("channels") or [])
    prefs = {"channels": channels}
    if {"call", "text"} & set(channels) and contact.get("phone"):
        prefs["phone"] = contact["phone"]
    if "email" in channels and contact.get("email"):
        prefs["email"] = contact["email"]
    for key in ("days", "start", "end", "voicemail", "say_who", "must_not_know"):
        if safety.get(key) not in (None, "", []):
            prefs[key] = safety[key]
    return prefs


def queue_acknowledgements(session: Session, submission: Submission, compose: Compose,
                           delivery: Delivery, purpose: str, now: datetime | None = None) -> None:
    """Write to the person only as the contact policy decides: channel, wording and time."""
    contact = submission.contact or {}
    for decision in contact_policy.decide(contact, purpose, now or utcnow(), delivery.sms_gateway):
        permit = contact_policy.approve(
            decision, contact, lambda p, neutral: compose(p, submission, neutral=neutral))
        if permit is None:
            # Even the neutral wording would name someone who must not know: staff see why.
            audit.record(session, "mail_withheld", submission=submission, purpose=decision.purpose,
                         reason="must_not_know")
            continue
        outbox.queue(session, submission=submission, purpose=permit.purpose,
                     recipient=permit.recipient, subject=permit.subject, body=permit.body,
                     domain=delivery.domain, permit=permit)
        audit.record(session, "mail_queued", submission=submission, purpose=permit.purpose)


def _queue(session, submission, compose, delivery, purpose, recipient) -> None:
    """Mail to a staff mailbox, partner service or professional: no member of the public."""
    subject, body = compose(purpose, submission)
    outbox.queue(session, submission=submission, purpose=purpose, recipient=recipient,
                 subject=subject, body=body, domain=delivery.domain)
    audit.record(session, "mail_queued", submission=submission, purpose=purpose)


def store(session: Session, submission: Submission) -> Submission:
    """Add a new submission and give it a reference, in the caller's transaction."""
    submission.reference = new_reference(submission.kind)
    session.add(submission)
    session.flush()
    audit.record(session, "submitted", submission=submission, channel=submission.channel)
    audit.record(session, "routed", submission=submission, destination=submission.destination)
    return submission


def consent_record(answers: dict, professional: dict | None, now: datetime) -> dict:
    """Consent as recorded, not ticked: who gave it, whose information, what it allows."""
    if professional is not None:
        given = answers.get("family-consent", {}).get("family_consent") == "yes"
        by = f"the family, as confirmed by {professional['name']} ({professional['organisation']})"
    else:
        given = answers.get("consent", {}).get("consent") == "yes"
        by = answers.get("about-you", {}).get("name", "")
    return {
        "given": given,
        "given_by": by,
        "covers": "the family and the children named",
        "allows": ["refer to early help", "share with the services that can help"] if given else [],
        "recorded_at": now.isoformat(),
    }


def submit_request_for_support(session: Session, *, profile: Profile, answers: dict,
                               language: str, compose: Compose, delivery: Delivery,
                               now: datetime | None = None) -> Submission:
    """Store a request for support with its routing and mail, for one commit by the caller.

    A professional whose family has not consented gets the request held as awaiting
    consent: nothing goes to the district, and the professional is asked for consent.
    """
    now = now or utcnow()
    professional = answers.get("professional") if answers["who"]["role"] == "professional" else None
    family_consent = answers.get("family-consent", {}).get("family_consent")
    awaiting_consent = professional is not None and family_consent != "yes"
    # A child at risk comes first, is due today and goes to the duty mailbox, consent or not.
    at_risk = answers.get("risk", {}).get("at_risk") == "yes"
    area_code = answers["area"]["area"]
    first_child = (answers.get("child_list") or [{}])[0]
    contact = contact_preferences(answers.get("contact", {}), answers.get("safety", {}))
    # The answers keep only the details of the channels chosen, like the contact record.
    chosen = {k: v for k, v in answers.get("contact", {}).items() if k == "channels" or k in contact}
    answers = {**answers, "contact": chosen,
               "consent_record": consent_record(answers, professional, now)}
    submission = Submission(
        kind=Kind.REQUEST_FOR_SUPPORT,
        status="awaiting_consent" if awaiting_consent else "new",
        language=language,
        created_at=now,
        area_code=area_code,
        destination=request_mailbox(profile, area_code),
        answers=answers,
        contact=contact,
        subject_name=first_child.get("name"),
        postcode=answers["address"]["postcode"],
        phone=contact.get("phone"),
        email=contact.get("email"),
        safeguarding=at_risk,
        due_on=uk_date(now) if at_risk else add_working_days(uk_date(now), ALLOCATE_WITHIN_WORKING_DAYS),
    )
    store(session, submission)
    if at_risk:
        audit.record(session, "safeguarding_flagged", submission=submission, reason="child_at_risk")
        _queue(session, submission, compose, delivery, "safeguarding_notification", profile.duty_mailbox)
    if awaiting_consent:
        _queue(session, submission, compose, delivery, "consent_needed", professional["work_email"])
    else:
        _queue(session, submission, compose, delivery, "district_notification",
               submission.destination)
        if professional:
            _queue(session, submission, compose, delivery, "referrer_acknowledgement",
                   professional["work_email"])
        queue_acknowledgements(session, submission, compose, delivery, "family_acknowledgement",
                               now)
    return submission
