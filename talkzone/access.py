"""Who may see and do what in the console: roles, permissions and the per-role item scope.

Every query for items goes through ``scope`` (or ``items``/``get_item``), so a role's limits
hold wherever items are read, not only in the views. An item a role may not see is "not
found"; an action a role may never take is "forbidden".
"""

from __future__ import annotations

from sqlalchemy import Select, and_, false, select, true
from sqlalchemy.orm import Session

from talkzone.models import Kind, Submission, User

HELPLINE_ADVISER = "helpline_adviser"
DISTRICT_TRIAGE_OFFICER = "district_triage_officer"
CUSTOMER_FEEDBACK_OFFICER = "customer_feedback_officer"
ADMINISTRATOR = "administrator"
# Sees every item flagged for safeguarding, of every type and in every district, and no other.
SAFEGUARDING_LEAD = "safeguarding_lead"
ROLES = (HELPLINE_ADVISER, DISTRICT_TRIAGE_OFFICER, CUSTOMER_FEEDBACK_OFFICER, SAFEGUARDING_LEAD,
         ADMINISTRATOR)

# Declared on routes that need no signed-in user, or only a half-finished sign-in.
ANONYMOUS = "anonymous"
SIGNING_IN = "signing_in"
SIGNED_IN = "signed_in"

_CASEWORK = {"view_inbox", "view_item", "assign", "change_status", "add_note", "log_callback", "reply",
             "flag_safeguarding", "link_items", "flag_person"}
PERMISSIONS: dict[str, frozenset[str]] = {
    HELPLINE_ADVISER: frozenset(_CASEWORK | {"reroute", "log_contact"}),
    DISTRICT_TRIAGE_OFFICER: frozenset(_CASEWORK),
    CUSTOMER_FEEDBACK_OFFICER: frozenset(_CASEWORK),
    SAFEGUARDING_LEAD: frozenset(_CASEWORK),
    # Administrators read items to see their audit trail, but take no action on them.
    ADMINISTRATOR: frozenset({"view_inbox", "view_item", "view_audit", "manage_users"}),
}
# Reports, retention and subject access. Reports hold counts only and every report query is
# scoped like the inbox, so district triage officers (the nearest thing to a team lead) see
# their own districts' figures; subject access and legal holds are for administrators alone.
PERMISSIONS[ADMINISTRATOR] |= {"view_reports", "subject_access", "legal_hold", "manage_canned",
                               "manage_webhooks", "run_retention"}
PERMISSIONS[DISTRICT_TRIAGE_OFFICER] |= {"view_reports"}
PERMISSIONS[CUSTOMER_FEEDBACK_OFFICER] |= {"extend_complaint"}
ALL_PERMISSIONS = frozenset().union(*PERMISSIONS.values())

# The kinds of item each role works on; used for the inbox's type filter too.
KINDS: dict[str, tuple[str, ...]] = {
    HELPLINE_ADVISER: (Kind.HELPLINE_CONTACT,),
    DISTRICT_TRIAGE_OFFICER: (Kind.REQUEST_FOR_SUPPORT,),
    CUSTOMER_FEEDBACK_OFFICER: (Kind.COMPLAINT,),
    SAFEGUARDING_LEAD: Kind.ALL,
    ADMINISTRATOR: Kind.ALL,
}
# What a helpline adviser may log on a caller's behalf.
LOGGABLE_KINDS = Kind.ALL


class NotFound(LookupError):
    """No such item, or none this user may see: the two are never told apart."""


class Forbidden(PermissionError):
    """This user's role may not take this action."""


def can(user: User | None, permission: str) -> bool:
    """Whether the user's role carries the permission (an inactive user carries none)."""
    if permission == ANONYMOUS:
        return True
    if user is None or not user.is_active:
        return False
    if permission in (SIGNED_IN, SIGNING_IN):
        return True
    return permission in PERMISSIONS.get(user.role, frozenset())


def districts_for(user: User, districts: list) -> list:
    """The districts a user works in, to filter by: a district triage officer's own, else every one."""
    if user.role == DISTRICT_TRIAGE_OFFICER:
        return [d for d in districts if d.code in (user.areas or [])]
    return list(districts)


def require(user: User | None, permission: str) -> None:
    """Raise Forbidden unless the user may take the action."""
    if not can(user, permission):
        raise Forbidden(permission)


def scope(user: User, on=Submission):
    """The condition an item must meet for this user to see it at all (``on``: the items, or a table
    with their kind, area_code and safeguarding columns, such as the reports' roll-up)."""
    if user is None or not user.is_active:
        return false()
    if user.role == HELPLINE_ADVISER:
        return on.kind == Kind.HELPLINE_CONTACT
    if user.role == CUSTOMER_FEEDBACK_OFFICER:
        return on.kind == Kind.COMPLAINT
    if user.role == DISTRICT_TRIAGE_OFFICER:
        areas = list(user.areas or [])
        if not areas:
            return false()
        return and_(on.kind == Kind.REQUEST_FOR_SUPPORT, on.area_code.in_(areas))
    if user.role == SAFEGUARDING_LEAD:
        return on.safeguarding.is_(True)
    if user.role == ADMINISTRATOR:
        return true()
    return false()


def items(user: User) -> Select:
    """select(Submission) limited to what the user may see."""
    return select(Submission).where(scope(user))


def may_see(user: User, item: Submission) -> bool:
    """The same rule as ``scope``, for an item already in hand."""
    if user is None or not user.is_active:
        return False
    if user.role == ADMINISTRATOR:
        return True
    if user.role == DISTRICT_TRIAGE_OFFICER:
        return item.kind == Kind.REQUEST_FOR_SUPPORT and item.area_code in (user.areas or [])
    if user.role == SAFEGUARDING_LEAD:
        return bool(item.safeguarding)
    return item.kind in KINDS.get(user.role, ())


def get_item(session: Session, user: User, reference: str, permission: str = "view_item",
             for_update: bool = False) -> Submission:
    """The item with this reference if the user may see it and take the action.

    Forbidden comes first: it depends only on the role, so it tells nothing about the item.
    """
    require(user, permission)
    query = items(user).where(Submission.reference == reference)
    if for_update:
        query = query.with_for_update()
    item = session.scalars(query).one_or_none()
    if item is None:
        raise NotFound(reference)
    return item
