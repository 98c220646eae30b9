"""Flags on a person ("abusive contact"), shown on every item that shares their phone, email or
name with date of birth, within what the member of staff may see.

A flag is set from an item, with a reason and an optional expiry date; it is found by the
item's person keys (``talkzone.search_terms.person_keys``). Removing one needs a reason; both
go to the audit trail of the item it was set or removed on. An expired flag is not shown.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from talkzone import access, audit
from talkzone.inbox import Refused
from talkzone.models import PersonFlag, PersonFlagKey, Submission, User, utcnow
from talkzone.search_terms import person_keys

KINDS = ("abusive_contact", "threatening_to_staff", "vexatious", "other")


def active(session: Session, item: Submission, today: date) -> list[PersonFlag]:
    """The flags on the item's person that are neither removed nor past their expiry date."""
    keys = person_keys(item)
    if not keys:
        return []
    return list(session.scalars(
        select(PersonFlag).where(
            PersonFlag.id.in_(select(PersonFlagKey.flag_id).where(PersonFlagKey.key.in_(keys))),
            PersonFlag.removed_at.is_(None),
            or_(PersonFlag.expires_on.is_(None), PersonFlag.expires_on >= today))
        .order_by(PersonFlag.at.desc())))


def set_flag(session: Session, user: User, reference: str, kind: str, reason: str,
             expires_on: date | None, today: date) -> PersonFlag:
    """Flag the person an item is from, by every key that tells them apart."""
    item = access.get_item(session, user, reference, "flag_person")
    keys = person_keys(item)
    if not keys:
        raise Refused("no_person_keys")
    if kind not in KINDS:
        raise Refused("unknown_flag")
    if not (reason or "").strip():
        raise Refused("reason_needed")
    if expires_on is not None and expires_on < today:
        raise Refused("expiry_in_past")
    flag = PersonFlag(kind=kind, reason=reason.strip(), expires_on=expires_on, submission_id=item.id,
                      by_id=user.id, at=utcnow())
    session.add(flag)
    session.flush()
    session.add_all(PersonFlagKey(flag_id=flag.id, key=key) for key in keys)
    audit.record(session, "person_flag_set", submission=item, actor=user, flag_id=flag.id, kind=kind,
                 reason=flag.reason, expires_on=expires_on.isoformat() if expires_on else None)
    return flag


def remove(session: Session, user: User, reference: str, flag_id: int, reason: str,
           today: date) -> PersonFlag:
    """Take a flag off, from an item it is shown on, with the reason why."""
    item = access.get_item(session, user, reference, "flag_person")
    flag = next((f for f in active(session, item, today) if f.id == flag_id), None)
    if flag is None:
        raise access.NotFound(flag_id)
    if not (reason or "").strip():
        raise Refused("reason_needed")
    flag.removed_at, flag.removed_by_id, flag.removed_reason = utcnow(), user.id, reason.strip()
    audit.record(session, "person_flag_removed", submission=item, actor=user, flag_id=flag.id,
                 reason=flag.removed_reason)
    return flag
