"""The inbox list: filters, search and pagination, always inside the user's scope.

Pages are fetched one row beyond their size to know whether another page follows, so no
query ever counts the whole table. Safeguarding items come first, then the newest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from talkzone import access, search_terms
from talkzone.calendar import add_working_days, uk_date
from talkzone.inbox import CLOSED
from talkzone.models import Submission, User, utcnow

PAGE_SIZE = 25
# Far beyond any queue, and small enough that the page's offset fits an SQL integer.
MAX_PAGE = 100_000
DUE_SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Filters:
    """What the inbox is narrowed to; every field is optional."""

    kind: str | None = None
    status: str | None = None
    area: str | None = None
    mine: bool = False
    unassigned: bool = False
    overdue: bool = False
    due_soon: bool = False
    safeguarding: bool = False
    search: str | None = None
    # "due" (soonest deadline first, none last) or "received" (oldest first); else safeguarding, newest.
    sort: str | None = None


SORTS = ("due", "received")
QUICK_FILTERS = ("mine", "unassigned", "overdue", "due_soon", "safeguarding")
# Counts stop here: "more than 999" is all a queue's size needs to say, and it stays an index range.
COUNT_CAP = 999


@dataclass(frozen=True)
class Page:
    """One page of the inbox, and whether pages come before and after it."""

    items: list[Submission]
    number: int
    has_next: bool
    # What the search matched more items by than it looks at (talkzone.search_terms.Search):
    # "postcode" or "name", only the newest SEARCH_CAP of them shown; "" when none.
    capped: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _narrowed(user: User, filters: Filters, today: date):
    query = access.items(user)
    if filters.kind:
        query = query.where(Submission.kind == filters.kind)
    elif user.role != access.ADMINISTRATOR:
        # Spelling out the role's kinds lets the database use the (kind, ...) indexes.
        query = query.where(Submission.kind.in_(access.KINDS[user.role]))
    if filters.status:
        query = query.where(Submission.status == filters.status)
    if filters.area:
        query = query.where(Submission.area_code == filters.area)
    if filters.mine:
        query = query.where(Submission.assigned_to_id == user.id)
    if filters.unassigned:
        query = query.where(Submission.assigned_to_id.is_(None))
    if filters.safeguarding:
        query = query.where(Submission.safeguarding.is_(True))
    if filters.overdue or filters.due_soon:
        query = query.where(Submission.status != CLOSED, Submission.due_on.is_not(None))
    if filters.overdue:
        query = query.where(Submission.due_on < today)
    if filters.due_soon:
        soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
        query = query.where(Submission.due_on >= today, Submission.due_on <= soon)
    return query


def _order(columns, sort: str | None):
    if sort == "due":
        return (columns.due_on.is_(None), columns.due_on, columns.created_at.desc(), columns.id.desc())
    if sort == "received":
        return (columns.created_at, columns.id)
    return (columns.safeguarding.desc(), columns.created_at.desc(), columns.id.desc())


def inbox(session: Session, user: User, filters: Filters, page: int = 1, today: date | None = None,
          page_size: int = PAGE_SIZE) -> Page:
    """One page of the items the user may see, narrowed by the filters, in the order asked for."""
    today = today or uk_date(utcnow())
    query = _narrowed(user, filters, today)
    page = min(max(1, page), MAX_PAGE)
    order = _order(Submission, filters.sort)
    # Reference, email, phone, postcode or name, told apart by their shape (talkzone.search_terms).
    found = search_terms.condition(session, filters.search) if filters.search else None
    if filters.search:
        # A search is selective by design: find and page its matches through the search indexes
        # first, then fetch only that page's rows. Left to itself the planner may walk the whole
        # queue in order instead, hoping to meet matches early: slow when they are old or rare.
        matches = (query.where(false() if found is None else found.condition)
                   .with_only_columns(Submission.id, Submission.safeguarding, Submission.created_at,
                                      Submission.due_on)
                   .cte("matches").prefix_with("MATERIALIZED"))
        page_ids = (select(matches.c.id)
                    .order_by(*_order(matches.c, filters.sort))
                    .offset((page - 1) * page_size).limit(page_size + 1).subquery())
        query = select(Submission).join(page_ids, Submission.id == page_ids.c.id).order_by(*order)
    else:
        query = query.order_by(*order).offset((page - 1) * page_size).limit(page_size + 1)
    rows = list(session.scalars(query))
    capped = found.capped(session) if found else ""
    return Page(items=rows[:page_size], number=page, has_next=len(rows) > page_size, capped=capped)


def _capped_count(session: Session, query) -> int:
    ids = query.with_only_columns(Submission.id).limit(COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(ids))


def counts(session: Session, user: User, filters: Filters, today: date) -> dict[str, int]:
    """How many items each quick filter would show on top of the other filters (at most COUNT_CAP + 1)."""
    base = {name: False for name in QUICK_FILTERS} | {"search": None}
    return {name: _capped_count(session, _narrowed(user, replace(filters, **(base | {name: True})), today))
            for name in QUICK_FILTERS}


def new_since(session: Session, user: User, filters: Filters, since: datetime, today: date) -> int:
    """How many items the inbox's filters would show that arrived after ``since`` (capped)."""
    return _capped_count(session, _narrowed(user, filters, today).where(Submission.created_at > since))


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of item a user's role works on."""
    return access.KINDS.get(user.role, ())


def overdue(item: Submission, today: date) -> bool:
    """Whether an open item is past its deadline."""
    return item.status != CLOSED and item.due_on is not None and item.due_on < today


def due_soon(item: Submission, today: date) -> bool:
    """Whether an open item is due today or within the next two working days."""
    if item.status == CLOSED or item.due_on is None:
        return False
    return today <= item.due_on <= add_working_days(today, DUE_SOON_WORKING_DAYS)

