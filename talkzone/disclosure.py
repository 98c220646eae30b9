"""What a subject access export releases, field by field, and what it holds back and why.

The tables name whose each answer is. A detail is released only to the people it belongs to;
names of other people the person gave us are never released; free text, and anything not in
the tables, is held back for a person to review; workflow and notes are for staff.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone.contact_policy import must_not_know_names
from talkzone.models import CallbackAttempt, Note, OutboxMessage, Submission

# Whose a detail is. The person is whoever asked and gave their own contact details (a parent
# or carer, someone complaining for a young person, the young person themselves); a
# professional referring a family is only the professional; the subject is the child or young
# person the record is about.
PERSON, PROFESSIONAL, SUBJECT = "person", "professional", "subject"
# Why something is not released.
OTHER_PEOPLE, FOR_REVIEW, STAFF_ONLY = "other_people", "for_review", "staff_only"

# The answers released, by step and field, with whose they are. Anything not listed is free text
# or new, so it is held back for review: a new question is never released by accident.
OWNERS: dict[str, dict[str, str]] = {
    "who": dict.fromkeys(("role", "who"), PERSON),
    "about-you": {"name": PERSON, "relationship": PERSON, "nickname": SUBJECT},
    "professional": dict.fromkeys(("name", "organisation", "job_role", "work_email", "work_phone"),
                                  PROFESSIONAL),
    "family-consent": {"family_consent": PROFESSIONAL},
    "child_list": dict.fromkeys(("name", "dob", "school", "send"), SUBJECT),
    "children": {"add_another": PERSON},
    "address": dict.fromkeys(("line_1", "line_2", "town", "postcode"), PERSON),
    "area": {"area": PERSON},
    "needs": {"needs": PERSON},
    "risk": {"at_risk": PERSON},
    "involved": {"caf": PERSON, "social_worker": PERSON},
    "language": {"language": PERSON, "interpreter": PERSON},
    "contact": dict.fromkeys(("channels", "phone", "email"), PERSON),
    "safety": dict.fromkeys(("days", "start", "end", "voicemail", "say_who"), PERSON),
    "consent": {"consent": PERSON},
    "consent_record": dict.fromkeys(("given", "given_by", "covers", "allows", "recorded_at"), PERSON),
    "your-name": {"name": SUBJECT},
    "on-behalf": {"name": PERSON, "relationship": PERSON, "young_person_name": SUBJECT},
    "agrees": {"agrees": SUBJECT},
    "age": {"age": SUBJECT},
    "care": {"care": SUBJECT},
    "about": {"about": SUBJECT},
    "topic": {"topic": SUBJECT},
    "contact-method": {"method": PERSON},
    "phone": {"phone": PERSON},
    "email": {"email": PERSON},
    "reply": {"method": PERSON},
    "windows": dict.fromkeys(["when"] + [f"{part}_{n}" for part in ("day", "start", "end") for n in "123"],
                             PERSON),
    "advocate": {"advocate": SUBJECT},
    "advocate-info": {"advocate": SUBJECT},
    "advocacy-consent": {"consent": SUBJECT},
    "advocacy": dict.fromkeys(("outcome", "service", "phone", "email"), SUBJECT),
    "logged_contact": {"channel": PERSON, "name": PERSON},
}
# Names of other people the person gave us: never released, whoever asks.
OTHERS = {("safety", "must_not_know"), ("contact_record", "must_not_know"), ("involved", "lead_professional")}
# The contact record staff work from: the person's own, except who must not know.
CONTACT_OWNERS = dict.fromkeys(("channels", "phone", "email", "days", "start", "end", "voicemail", "say_who",
                                "address", "windows", "asap", "anonymous"), PERSON)
# About the record itself. Workflow, routing and judgements (safeguarding flag, assignee, CoN
# level, outcome, deadlines, legal hold, notes, audit) are for staff and never released.
RECORD_COLUMNS = ("reference", "kind", "status", "channel", "language")


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _must_not_know(item: Submission) -> list[str]:
    safety = (item.answers or {}).get("safety") or {}
    given = [(item.contact or {}).get("must_not_know"), safety.get("must_not_know")]
    return [name.strip() for name in given if isinstance(name, str) and len(name.strip()) >= 2]


def _scrub(value, names: list[str]):
    """A released value with every name of someone who must not know taken out, at any depth."""
    if isinstance(value, str):
        for name in names:
            value = re.sub(re.escape(name), "[withheld]", value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [_scrub(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, names) for k, v in value.items()}
    return value


def _released(step: str, values: dict, table: dict, owners: frozenset, withheld: dict, names: list) -> dict:
    """The fields of one step that are released; the others are noted in ``withheld`` with why."""
    kept = {}
    for field, value in values.items():
        if value in (None, "", [], {}):
            continue
        owner = table.get(field)
        if (step, field) in OTHERS or (owner is not None and owner not in owners):
            withheld[f"{step}.{field}"] = OTHER_PEOPLE
        elif owner is None:
            withheld[f"{step}.{field}"] = FOR_REVIEW
        else:
            kept[field] = _scrub(value, names)
    return kept


def _recipient_owner(item: Submission, recipient: str) -> str | None:
    """Whose mail a message was: the person's, the professional's, or (None) staff's."""
    answers, contact = item.answers or {}, item.contact or {}
    work_email = (answers.get("professional") or {}).get("work_email")
    if work_email and recipient.casefold() == work_email.casefold():
        return PROFESSIONAL
    if recipient.casefold() in {v.casefold() for v in (item.email, contact.get("email")) if v}:
        return PERSON
    texted = recipient.split("@")[0]
    if any(texted == re.sub(r"\D", "", v) for v in (item.phone, contact.get("phone")) if v):
        return PERSON
    return None


def disclose(session: Session, item: Submission, matched: tuple[str, ...], owners: frozenset[str]) -> dict:
    """What one record releases to the people matched, and what it holds back and why."""
    withheld = {}
    names = _must_not_know(item)
    answers = {}
    for step, values in (item.answers or {}).items():
        table = OWNERS.get(step, {})
        if isinstance(values, list):
            rows = [_released(step, row, table, owners, withheld, names)
                    for row in values if isinstance(row, dict)]
            if any(rows):
                answers[step] = rows
        elif isinstance(values, dict):
            if kept := _released(step, values, table, owners, withheld, names):
                answers[step] = kept
        elif values not in (None, "", [], {}):
            withheld[step] = FOR_REVIEW
    contact = _released("contact_record", item.contact or {}, CONTACT_OWNERS, owners, withheld, names)
    attempts = list(session.scalars(select(CallbackAttempt).where(CallbackAttempt.submission_id == item.id)
                                    .order_by(CallbackAttempt.at, CallbackAttempt.id)))
    if attempts and PERSON not in owners:
        withheld["callback_attempts"], attempts = OTHER_PEOPLE, []
    if any(a.note for a in attempts):
        withheld["callback_attempts.note"] = STAFF_ONLY
    if session.scalar(select(Note.id).where(Note.submission_id == item.id).limit(1)) is not None:
        withheld["notes"] = STAFF_ONLY
    messages = [m for m in session.scalars(select(OutboxMessage).where(OutboxMessage.submission_id == item.id)
                                           .order_by(OutboxMessage.id))
                if _recipient_owner(item, m.recipient) in owners]
    record = {name: getattr(item, name) for name in RECORD_COLUMNS}
    return record | {
        "received_at": _plain(item.created_at), "closed_at": _plain(item.closed_at),
        "matched": list(matched), "answers": answers, "contact": contact,
        "callback_attempts": [{"at": _plain(a.at), "result": a.result} for a in attempts],
        "messages": [{"purpose": m.purpose, "recipient": m.recipient, "subject": _scrub(m.subject, names),
                      "body": _scrub(m.body, names), "status": m.status, "queued_at": _plain(m.created_at),
                      "sent_at": _plain(m.sent_at)} for m in messages],
        "withheld": [{"field": field, "reason": reason} for field, reason in withheld.items()],
    }


def names_to_withhold(item: Submission) -> list[str]:
    """Every name of someone who must not know: as typed, and each name in it (contact_policy)."""
    return list(dict.fromkeys(_must_not_know(item) + must_not_know_names(item.contact or {})))


def scrub(value, names: list[str]):
    """A value with each of these names replaced by "[withheld]", at any depth."""
    return _scrub(value, names)


def for_case_system(item: Submission) -> tuple[dict, dict, list[str]]:
    """The answers and contact record a council's own case system may hold, and what was left out.

    Staff-to-staff, so more than a subject access export: every answer staff see, except who must
    not know (OTHERS), which is left out, and whose names are taken out of everything else.
    """
    names, withheld = names_to_withhold(item), []

    def kept(step: str, values: dict) -> dict:
        for field in values:
            if (step, field) in OTHERS:
                withheld.append(f"{step}.{field}")
        return {f: scrub(v, names) for f, v in values.items() if (step, f) not in OTHERS}

    answers = {}
    for step, values in (item.answers or {}).items():
        if isinstance(values, dict):
            answers[step] = kept(step, values)
        elif isinstance(values, list):
            answers[step] = [kept(step, v) if isinstance(v, dict) else scrub(v, names) for v in values]
        else:
            answers[step] = scrub(values, names)
    contact = kept("contact_record", item.contact or {})
    return answers, contact, sorted(set(withheld))


def case_record(item: Submission) -> dict:
    """The whole item for a council system that files it (webhooks with the item, the file drop):
    its record, and its answers and contact as ``for_case_system`` gives them to the API."""
    answers, contact, withheld = for_case_system(item)
    return {name: getattr(item, name) for name in RECORD_COLUMNS} | {
        "received_at": _plain(item.created_at), "closed_at": _plain(item.closed_at),
        "area_code": item.area_code, "safeguarding": item.safeguarding, "due_on": _plain(item.due_on),
        "answers": answers, "contact": contact, "withheld": withheld}
