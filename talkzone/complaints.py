"""A young person's complaint: who may have an advocate, and the use case that stores it.

The complaint goes to the Customer Feedback Service. An advocacy request is signposted to
the profile's advocacy service, and referred to it only with the young person's consent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from talkzone import audit
from talkzone.calendar import add_working_days, uk_date
from talkzone.mailing import Mailing, queue_acknowledgements, queue_to_staff
from talkzone.models import Kind, Submission, utcnow
from talkzone.profile import Profile
from talkzone.submissions import contact_preferences, store

# Statutory children's complaints in England: stage 1 is answered within 10 working days.
STAGE_1_WORKING_DAYS = 10

# The way the Customer Feedback Service gets back in touch -> the answer that holds its details.
DETAILS_STEP = {"call": "phone", "text": "phone", "email": "email", "letter": "address"}
CONTACT_METHODS = ("call", "text", "email", "letter", "helpline", "advocate")

# Outcomes of the advocacy offer, kept in the record for staff.
NOT_OFFERED, DECLINED, SIGNPOSTED, REFERRED = "not_offered", "declined", "signposted", "referred"
ADVOCACY_STEPS = ("advocate", "advocate-info", "advocacy-consent")


def for_someone_else(answers: dict) -> bool:
    """Whether the complaint is made on a young person's behalf."""
    return answers.get("who", {}).get("who") == "someone_else"


def _over_21(age: str | None) -> bool:
    """Whether an age answer (an age in years, "over_25", or a band of older drafts) is over 21."""
    if age in ("22_25", "over_25"):
        return True
    return (age or "").isdigit() and int(age) > 21


def advocacy_offered(answers: dict, profile: Profile) -> bool:
    """Whether to offer an advocate: only to young people the advocacy service is for.

    Advocacy is for children in care, care leavers up to 21 and children in need (a young
    person complaining about their social worker has one). Someone complaining for a young
    person who does not know about it cannot ask for an advocate for them.
    """
    if profile.advocacy is None:
        return False
    if for_someone_else(answers) and answers.get("agrees", {}).get("agrees") != "yes":
        return False
    care = answers.get("care", {}).get("care")
    age = answers.get("age", {}).get("age")
    if care in ("looked_after", "not_sure"):
        return True
    if care == "care_leaver":
        return not _over_21(age)
    return answers.get("about", {}).get("about") == "social_worker"


def wants_advocate(answers: dict) -> str | None:
    """"yes" or "no" once decided (after "tell me more", the second answer counts)."""
    first = answers.get("advocate", {}).get("advocate")
    if first == "tell_me_more":
        return answers.get("advocate-info", {}).get("advocate")
    return first


def advocacy_outcome(answers: dict, profile: Profile) -> str:
    """What happens about an advocate: not offered, declined, signposted or referred."""
    if not advocacy_offered(answers, profile):
        return NOT_OFFERED
    if wants_advocate(answers) != "yes":
        return DECLINED
    if answers.get("advocacy-consent", {}).get("consent") == "yes":
        return REFERRED
    return SIGNPOSTED


def contact_method(answers: dict) -> str | None:
    """The one way the Customer Feedback Service should get in touch."""
    return answers.get("contact-method", {}).get("method")


def kept_answers(answers: dict) -> dict:
    """The answers to store: details for ways of contact not chosen, and the other branch, dropped."""
    keep = DETAILS_STEP.get(contact_method(answers))
    other_branch = ("your-name",) if for_someone_else(answers) else ("on-behalf", "agrees")
    return {step: value for step, value in answers.items()
            if (step not in DETAILS_STEP.values() or step == keep) and step not in other_branch}


def complaint_contact(answers: dict) -> dict:
    """The contact record: the one chosen way, its details only, and when it is safe."""
    method = contact_method(answers)
    details = {}
    if DETAILS_STEP.get(method) == "phone":
        details["phone"] = answers.get("phone", {}).get("phone")
    elif method == "email":
        details["email"] = answers.get("email", {}).get("email")
    contact = contact_preferences({"channels": [method] if method else [], **details},
                                  answers.get("safety", {}))
    if method == "letter":
        contact["address"] = dict(answers.get("address", {}))
    return contact


def young_persons_name(answers: dict) -> str | None:
    """The name of the young person the complaint is about; None if they chose not to give it."""
    if for_someone_else(answers):
        return answers.get("on-behalf", {}).get("young_person_name")
    return answers.get("your-name", {}).get("name") or None


def stage_1_due(now: datetime):
    """The stage 1 reply date: 10 working days after the UK date the complaint arrived."""
    return add_working_days(uk_date(now), STAGE_1_WORKING_DAYS)


def submit_complaint(session: Session, *, profile: Profile, answers: dict, language: str,
                     mailing: Mailing, now: datetime | None = None,
                     send_key: str | None = None) -> Submission:
    """Store a complaint with its routing, signposting and mail, for one commit by the caller."""
    if profile.complaints is None:
        raise ValueError(f"profile {profile.code} has no complaints service")
    now = now or utcnow()
    outcome = advocacy_outcome(answers, profile)
    stored = kept_answers(answers)
    # Answers to advocacy questions that no longer apply are not kept.
    if outcome == NOT_OFFERED:
        for step in ADVOCACY_STEPS:
            stored.pop(step, None)
    elif outcome == DECLINED:
        stored.pop("advocacy-consent", None)
    advocacy = {"outcome": outcome}
    if outcome in (SIGNPOSTED, REFERRED):
        service = profile.advocacy
        advocacy.update(service=service.name, phone=service.phone, email=service.email)
    stored["advocacy"] = advocacy
    contact = complaint_contact(answers)
    submission = Submission(
        kind=Kind.COMPLAINT,
        status="new",
        language=language,
        created_at=now,
        destination=profile.complaints.mailbox,
        answers=stored,
        contact=contact,
        subject_name=young_persons_name(answers),
        postcode=contact.get("address", {}).get("postcode"),
        phone=contact.get("phone"),
        email=contact.get("email"),
        due_on=stage_1_due(now),
    )
    store(session, submission, send_key)
    queue_to_staff(session, submission, mailing, "complaint_notification", submission.destination)
    if outcome == REFERRED:
        queue_to_staff(session, submission, mailing, "advocacy_referral", profile.advocacy.mailbox)
    if outcome != NOT_OFFERED:
        audit.record(session, "advocacy", submission=submission, **advocacy)
    queue_acknowledgements(session, submission, mailing, "complaint_acknowledgement", now)
    return submission
