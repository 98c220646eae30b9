"""Subject access: find the records a person asked for or is the subject of, and release them after review.

A search matches only a record's own people: who it is about (the child or young person) and
who asked (the parent or carer, the professional, the young person), by name, email address,
phone number or reference. Names a person gave about someone else ("must not know", the lead
professional) and free text never match, so nobody finds a record by being named in it.

What an export releases is decided field by field in ``talkzone.disclosure``; the officer reviews
it and confirms before anything can be downloaded. Every search, review, release and
download goes to the audit trail with the references, never the words searched for.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from talkzone import access, audit
from talkzone.complaints import for_someone_else
from talkzone.disclosure import PERSON, PROFESSIONAL, SUBJECT, disclose
from talkzone.models import AuditEvent, Kind, Submission, User

MAX_RESULTS = 200
_REFERENCE = re.compile(r"^[A-Z]{2}-?[A-Z0-9]{4}-?[A-Z0-9]{4}$")


@dataclass(frozen=True)
class Match:
    """A record found, which of its own people's fields matched, and whose details may be released."""

    item: Submission
    fields: tuple[str, ...]
    owners: frozenset[str]


@dataclass(frozen=True)
class Review:
    """What a release would hand over, and a digest that ties a confirmation to exactly this."""

    matches: list[Match]
    records: list[dict]
    digest: str


class Changed(Exception):
    """The records changed after the officer reviewed them: they must be reviewed again."""


def _one_person(item: Submission) -> bool:
    """Whether the person who asked is the person the record is about."""
    answers = item.answers or {}
    if "logged_contact" in answers or item.kind == Kind.HELPLINE_CONTACT:
        return True
    return item.kind == Kind.COMPLAINT and not for_someone_else(answers)


def people_on(item: Submission):
    """(field, whose, value) for each of the record's own people's names and contact details."""
    answers, contact = item.answers or {}, item.contact or {}
    professional = answers.get("professional") or {}
    asker = PROFESSIONAL if answers.get("who", {}).get("role") == "professional" else PERSON
    yield "reference", asker, item.reference
    yield "requester_name", PERSON, (answers.get("about-you") or {}).get("name")
    yield "requester_name", PERSON, (answers.get("on-behalf") or {}).get("name")
    yield "name_given", PERSON, (answers.get("logged_contact") or {}).get("name")
    yield "professional_name", PROFESSIONAL, professional.get("name")
    yield "email", PROFESSIONAL, professional.get("work_email")
    yield "phone", PROFESSIONAL, professional.get("work_phone")
    subject = "child_name" if item.kind == Kind.REQUEST_FOR_SUPPORT else "young_person_name"
    yield subject, SUBJECT, item.subject_name
    for child in answers.get("child_list") or []:
        yield "child_name", SUBJECT, child.get("name")
    yield "young_person_name", SUBJECT, (answers.get("on-behalf") or {}).get("young_person_name")
    yield "young_person_name", SUBJECT, (answers.get("your-name") or {}).get("name")
    yield "young_person_name", SUBJECT, (answers.get("about-you") or {}).get("nickname")
    for value in (item.email, contact.get("email")):
        yield "email", PERSON, value
    for value in (item.phone, contact.get("phone")):
        yield "phone", PERSON, value


def _digits(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "0" + digits[2:] if digits.startswith("44") else digits


def _normal(key: str, value) -> str:
    """The form two values are compared in: names by their words, phones by their digits."""
    if not isinstance(value, str):
        return ""
    if key == "reference":
        return value.upper().replace(" ", "").replace("-", "")
    if key == "phone":
        digits = _digits(value)
        return digits if len(digits) >= 7 else ""
    return " ".join(value.split()).casefold()


def _same(key: str, value, query: str) -> bool:
    wanted = _normal(key, query)
    return bool(wanted) and _normal(key, value) == wanted


def match(item: Submission, query: str) -> Match | None:
    """The record's own people's fields the search matches, or None when it matches none of them.

    One person asking about themselves gets the whole record; a parent or someone complaining
    for a young person also gets what they told us about the child; a professional, or a
    match on the child alone, gets only those people's own details.
    """
    hits = [(key, owner) for key, owner, value in people_on(item) if _same(key, value, query)]
    if not hits:
        return None
    owners = {owner for _key, owner in hits}
    if _one_person(item) or PERSON in owners:
        owners.add(SUBJECT)
    if _one_person(item):
        owners.add(PERSON)
    return Match(item, tuple(dict.fromkeys(key for key, _owner in hits)), frozenset(owners))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _stripped(column):
    for ch in " -().":
        column = func.replace(column, ch, "")
    return column


def condition(query: str):
    """A quick first cut in the database, wider than the match; ``match`` decides.

    Names and email addresses are looked for as whole JSON strings in the answers (the
    people's names live there); phones on the phone column and the professional's number.
    """
    query = " ".join((query or "").split())
    compact = query.upper().replace(" ", "").replace("-", "")
    lower = query.lower()
    options = [func.lower(Submission.subject_name) == lower, func.lower(Submission.email) == lower]
    if _REFERENCE.match(compact):
        options.append(Submission.reference == f"{compact[:2]}-{compact[2:6]}-{compact[6:]}")
    digits = _digits(query)
    if "@" not in query and len(digits) >= 7 and re.fullmatch(r"\+?[\d\s\-().]+", query):
        numbers = [digits, "+44" + digits[1:], "44" + digits[1:]]
        work_phone = Submission.answers["professional"]["work_phone"].as_string()
        options += [_stripped(Submission.phone).in_(numbers), _stripped(work_phone).in_(numbers)]
    needles = {json.dumps(query.lower(), ensure_ascii=a) for a in (True, False)}
    options += [func.lower(cast(Submission.answers, String)).like(_like(n), escape="\\") for n in needles]
    return or_(*options)


def _matches(session: Session, user: User, query: str) -> list[Match]:
    access.require(user, "subject_access")
    if len((query or "").strip()) < 2:
        return []
    found = []
    candidates = access.items(user).where(condition(query)).order_by(Submission.created_at, Submission.id)
    for item in session.scalars(candidates):
        if found_here := match(item, query):
            found.append(found_here)
            if len(found) == MAX_RESULTS:
                break
    return found


def find(session: Session, user: User, query: str) -> list[Match]:
    """The records the person asked for or is the subject of, oldest first; the search is audited."""
    found = _matches(session, user, query)
    audit.record(session, "subject_access_search", actor=user, matches=len(found),
                 references=[m.item.reference for m in found])
    return found


def _review(session: Session, matches: list[Match]) -> Review:
    records = [disclose(session, m.item, m.fields, m.owners) for m in matches]
    text = json.dumps(records, sort_keys=True, ensure_ascii=False)
    return Review(matches, records, hashlib.sha256(text.encode()).hexdigest())


def _chosen(session: Session, user: User, query: str, references) -> list[Match]:
    """The records the officer kept: only ever ones the search itself finds."""
    wanted = set(references or ())
    return [m for m in _matches(session, user, query) if m.item.reference in wanted]


def review(session: Session, user: User, query: str, references) -> Review:
    """What releasing the chosen records would hand over, for the officer to check; audited."""
    result = _review(session, _chosen(session, user, query, references))
    audit.record(session, "subject_access_review", actor=user,
                 references=[m.item.reference for m in result.matches])
    return result


def release(session: Session, user: User, query: str, references, digest: str) -> AuditEvent:
    """Confirm the release the officer reviewed: who, when and which records go to the trail.

    Raises Changed when what would be released is no longer exactly what was reviewed.
    """
    result = _review(session, _chosen(session, user, query, references))
    if not result.records or not hmac.compare_digest(result.digest, digest or ""):
        raise Changed
    for m in result.matches:
        audit.record(session, "subject_access_export", submission=m.item, actor=user)
    event = audit.record(session, "subject_access_release", actor=user, digest=result.digest,
                         references=[m.item.reference for m in result.matches],
                         matched={m.item.reference: {"fields": list(m.fields), "owners": sorted(m.owners)}
                                  for m in result.matches})
    return event


def releases(session: Session, user: User, limit: int = 20) -> list[AuditEvent]:
    """The officer's own confirmed releases, newest first: only they may download them."""
    access.require(user, "subject_access")
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access_release",
                                                         AuditEvent.actor_id == user.id)
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def download(session: Session, user: User, release_id: int, kind: str) -> dict:
    """A confirmed release as it was reviewed, for a JSON or HTML file; the download is audited.

    Raises NotFound for anything but this officer's own confirmed release, and Changed when
    the records no longer read as they did at the review.
    """
    access.require(user, "subject_access")
    event = session.get(AuditEvent, release_id)
    if event is None or event.action != "subject_access_release" or event.actor_id != user.id:
        raise access.NotFound(str(release_id))
    detail = event.detail
    items = {item.reference: item for item in session.scalars(
        access.items(user).where(Submission.reference.in_(detail["references"])))}
    matched = detail["matched"]
    matches = [Match(items[ref], tuple(matched[ref]["fields"]), frozenset(matched[ref]["owners"]))
               for ref in detail["references"] if ref in items]
    result = _review(session, matches)
    if result.digest != detail["digest"]:
        raise Changed
    audit.record(session, "subject_access_download", actor=user, release=event.id, format=kind,
                 references=detail["references"])
    return {"released_at": event.at.isoformat(), "released_by": user.email, "count": len(result.records),
            "records": result.records}
