"""Use cases that store a submission, route it and queue its mail in one transaction.

The portal passes in a ``Mailing`` (talkzone.mailing) that renders each message in the
submission's language; which messages go, and where, is decided here.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone import audit, callbacks_due, file_drop, search_terms, webhooks  # noqa: F401 (keep their rows in step with items)
from talkzone.calendar import add_working_days, uk_date
from talkzone.conversations import reply_address
from talkzone.mailing import Mailing, queue_acknowledgements, queue_to_staff
from talkzone.models import Kind, Submission, utcnow
from talkzone.profile import Profile
from talkzone.routing import request_mailbox

# No 0/O, 1/I/L, U or 5/S: easy to read aloud and hard to mishear.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRTVWXYZ2346789"
REFERENCE_PREFIX = {Kind.REQUEST_FOR_SUPPORT: "RS", Kind.COMPLAINT: "CP", Kind.HELPLINE_CONTACT: "TZ"}
ALLOCATE_WITHIN_WORKING_DAYS = 5

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


def store(session: Session, submission: Submission, send_key: str | None = None) -> Submission:
    """Add a new submission and give it a reference, in the caller's transaction.

    ``send_key`` is the key of the draft it comes from: a second submission with the same key
    fails here (IntegrityError), so the same draft sent twice at once is stored once.
    """
    submission.reference = new_reference(submission.kind)
    submission.send_key = send_key
    session.add(submission)
    session.flush()
    audit.record(session, "submitted", submission=submission, channel=submission.channel)
    audit.record(session, "routed", submission=submission, destination=submission.destination)
    # The council's case system hears of it in the same transaction: stored together or not at all.
    webhooks.publish(session, submission, "item.created")
    file_drop.queue_item(session, submission)
    return submission


def sent_with(session: Session, send_key: str | None) -> Submission | None:
    """The submission already stored from the draft whose key is ``send_key``, if any."""
    if not send_key:
        return None
    return session.scalar(select(Submission).where(Submission.send_key == send_key))


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
                               language: str, mailing: Mailing,
                               now: datetime | None = None,
                               send_key: str | None = None) -> Submission:
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
    store(session, submission, send_key)
    if at_risk:
        audit.record(session, "safeguarding_flagged", submission=submission, reason="child_at_risk")
        queue_to_staff(session, submission, mailing, "safeguarding_notification", profile.duty_mailbox)
    if awaiting_consent:
        # The professional answers this one: a reply reaches the item (talkzone.conversations).
        queue_to_staff(session, submission, mailing, "consent_needed", professional["work_email"],
                       reply_to=reply_address(session, submission, mailing))
    else:
        queue_to_staff(session, submission, mailing, "district_notification", submission.destination)
        if professional:
            queue_to_staff(session, submission, mailing, "referrer_acknowledgement",
                           professional["work_email"], reply_to=reply_address(session, submission, mailing))
        queue_acknowledgements(session, submission, mailing, "family_acknowledgement", now)
    return submission
