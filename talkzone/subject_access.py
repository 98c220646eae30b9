"""Subject access: find everything held about one person and export it, with the search audited.

A person is found by reference, email address, phone number or name. Names and contact
details are matched on the indexed columns and, because a parent's or referrer's name
lives only in the answers, inside the stored answers and contact record as well.
Administrators only; every search and export goes to the audit trail with the
references found, never the words searched for.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from talkzone import access, audit
from talkzone.models import CallbackAttempt, Note, OutboxMessage, Submission, User, utcnow
from talkzone.worklist import search_condition

MAX_RESULTS = 200
_REFERENCE = re.compile(r"^[A-Z]{2}-?[A-Z0-9]{4}-?[A-Z0-9]{4}$")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phone(query: str) -> bool:
    return "@" not in query and re.fullmatch(r"\+?[\d\s\-().]{7,}", query) is not None


def condition(query: str):
    """The records that mention the person: the inbox's own search, widened to the stored answers.

    Inside the answers a whole JSON string value must match (quotes included), so "Sam"
    finds "Sam" but not "Samira".
    """
    query = (query or "").strip()
    exact = search_condition(query)
    if _REFERENCE.match(query.upper().replace(" ", "")):
        return exact
    values = {query.lower()}
    if _phone(query):
        digits = re.sub(r"\D", "", query)
        values |= {digits, "0" + digits[2:] if digits.startswith("44") else digits}
    elif "@" not in query:
        # The inbox matches names from their start; here only the whole name is this person.
        exact = func.lower(Submission.subject_name) == query.lower()
    needles = {json.dumps(v, ensure_ascii=a) for v in values for a in (True, False)}
    stored = [func.lower(cast(column, String)).like(_like(needle), escape="\\")
              for column in (Submission.answers, Submission.contact) for needle in needles]
    return or_(exact, *stored)


def find(session: Session, user: User, query: str) -> list[Submission]:
    """Every item that mentions the person, oldest first; the search itself is audited."""
    access.require(user, "subject_access")
    if len((query or "").strip()) < 2:
        return []
    found = list(session.scalars(select(Submission).where(condition(query))
                                 .order_by(Submission.created_at, Submission.id).limit(MAX_RESULTS)))
    audit.record(session, "subject_access_search", actor=user, matches=len(found),
                 references=[item.reference for item in found])
    session.commit()
    return found


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def record(session: Session, item: Submission) -> dict:
    """One item and everything attached to it, as plain JSON-ready values."""
    columns = ("reference", "kind", "status", "channel", "language", "created_at", "closed_at", "area_code",
               "subject_name", "postcode", "phone", "email", "iyss_number", "safeguarding", "due_on",
               "outcome", "con_level", "legal_hold", "anonymised_at")
    data = {name: _plain(getattr(item, name)) for name in columns}
    data["answers"] = item.answers or {}
    data["contact"] = item.contact or {}
    data["notes"] = [{"at": _plain(n.at), "text": n.text} for n in session.scalars(
        select(Note).where(Note.submission_id == item.id).order_by(Note.at, Note.id))]
    data["callback_attempts"] = [
        {"at": _plain(a.at), "result": a.result, "outside_safe_window": a.outside_safe_window, "note": a.note}
        for a in session.scalars(select(CallbackAttempt).where(CallbackAttempt.submission_id == item.id)
                                 .order_by(CallbackAttempt.at, CallbackAttempt.id))]
    data["messages"] = [
        {"purpose": m.purpose, "recipient": m.recipient, "subject": m.subject, "body": m.body,
         "status": m.status, "queued_at": _plain(m.created_at), "sent_at": _plain(m.sent_at)}
        for m in session.scalars(select(OutboxMessage).where(OutboxMessage.submission_id == item.id)
                                 .order_by(OutboxMessage.id))]
    return data


def export(session: Session, user: User, query: str, now: datetime | None = None) -> dict:
    """Everything held about the person, as a dict for a JSON file; the export is audited per item."""
    access.require(user, "subject_access")
    now = now or utcnow()
    found = find(session, user, query)
    records = [record(session, item) for item in found]
    for item in found:
        audit.record(session, "subject_access_export", submission=item, actor=user)
    audit.record(session, "subject_access_export", actor=user, matches=len(found),
                 references=[item.reference for item in found])
    session.commit()
    return {"exported_at": now.isoformat(), "exported_by": user.email, "count": len(records),
            "records": records}
