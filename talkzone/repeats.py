"""Repeat contacts: linking two items from one person, merging a duplicate into its original.

A link joins two items both ways and can be undone. A merge closes the duplicate as "merged
into" the original; both keep their own audit trail and the original shows the duplicate's
timeline. Both items are locked (in id order) before a merge, and the merge row's key is the
duplicate, so two members of staff merging the same pair at once merge it once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from talkzone import access, audit
from talkzone.inbox import CLOSED, Refused, _load, _save
from talkzone.models import ItemLink, ItemMerge, Submission, User, utcnow

MERGED = "merged"


@dataclass(frozen=True)
class Related:
    """What an item is joined to: linked items, the original it was merged into, its merged duplicates."""

    links: list[Submission]
    merged_into: Submission | None
    merge: ItemMerge | None
    duplicates: list[Submission]


def _pair(session: Session, user: User, reference: str, other: str, permission: str):
    item = access.get_item(session, user, reference, permission)
    partner = access.get_item(session, user, other, permission)
    if item.id == partner.id:
        raise Refused("same_item")
    return item, partner


def link(session: Session, user: User, reference: str, other: str) -> ItemLink:
    """Link two items the user may both see; a second link of the same pair is refused."""
    item, partner = _pair(session, user, reference, other, "link_items")
    first, second = sorted((item.id, partner.id))
    row = ItemLink(first_id=first, second_id=second, by_id=user.id, at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Refused("already_linked") from None
    audit.record(session, "linked", submission=item, actor=user, other=partner.reference)
    audit.record(session, "linked", submission=partner, actor=user, other=item.reference)
    return row


def unlink(session: Session, user: User, reference: str, other: str) -> None:
    """Undo a link; both items' trails say who undid it."""
    item, partner = _pair(session, user, reference, other, "link_items")
    first, second = sorted((item.id, partner.id))
    gone = session.execute(delete(ItemLink).where(ItemLink.first_id == first, ItemLink.second_id == second))
    if not gone.rowcount:
        raise Refused("not_linked")
    audit.record(session, "unlinked", submission=item, actor=user, other=partner.reference)
    audit.record(session, "unlinked", submission=partner, actor=user, other=item.reference)


def _lock(session: Session, ids) -> None:
    """Write-lock both items before reading them: row locks on PostgreSQL, the one writer's lock on
    SQLite, so the second of two merges waits and then sees the first. (An UPDATE that changes
    nothing, since SQLite has no SELECT ... FOR UPDATE.)"""
    for item_id in sorted(ids):  # in id order, against deadlock
        session.execute(update(Submission).where(Submission.id == item_id)
                        .values(version=Submission.version).execution_options(synchronize_session=False))


def merge(session: Session, user: User, duplicate_ref: str, original_ref: str,
          version: int | None) -> Submission:
    """Close the duplicate as merged into the original; refused if either is already merged."""
    duplicate, original = _pair(session, user, duplicate_ref, original_ref, "link_items")
    _lock(session, (duplicate.id, original.id))
    session.refresh(duplicate)
    session.refresh(original)
    duplicate = _load(session, user, duplicate_ref, "link_items", version)
    merged = set(session.scalars(select(ItemMerge.duplicate_id).where(
        ItemMerge.duplicate_id.in_((duplicate.id, original.id)))))
    if merged:
        raise Refused("already_merged")
    try:
        with session.begin_nested():
            session.add(ItemMerge(duplicate_id=duplicate.id, original_id=original.id, by_id=user.id,
                                  at=utcnow()))
    except IntegrityError:
        raise Refused("already_merged") from None
    previous = duplicate.status
    duplicate.status, duplicate.outcome, duplicate.closed_at = CLOSED, MERGED, utcnow()
    _save(session, duplicate, user, "merged_into", version, into=original.reference, previous=previous)
    audit.record(session, "merged_from", submission=original, actor=user, duplicate=duplicate.reference)
    return duplicate


def related(session: Session, user: User, item: Submission) -> Related:
    """Linked items, the original and the merged duplicates of an item, as far as the user may see them."""
    pairs = session.execute(select(ItemLink.first_id, ItemLink.second_id).where(
        or_(ItemLink.first_id == item.id, ItemLink.second_id == item.id))).all()
    linked = {a if b == item.id else b for a, b in pairs}
    merge_row = session.get(ItemMerge, item.id)
    duplicate_ids = set(session.scalars(
        select(ItemMerge.duplicate_id).where(ItemMerge.original_id == item.id)))

    def visible(ids):
        if not ids:
            return []
        return list(session.scalars(access.items(user).where(Submission.id.in_(ids))
                                    .order_by(Submission.created_at.desc())))

    into = visible({merge_row.original_id}) if merge_row else []
    return Related(links=visible(linked), merged_into=into[0] if into else None, merge=merge_row,
                   duplicates=visible(duplicate_ids))
