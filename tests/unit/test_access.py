"""The per-role rules in talkzone.access, on a database of its own (no Flask)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from talkzone import access
from talkzone.models import Base, Kind, Submission
from testkit.factories import make_item, make_user


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def world(session):
    items = {
        "helpline": make_item(session, Kind.HELPLINE_CONTACT),
        "complaint": make_item(session, Kind.COMPLAINT),
        "rfs_preston": make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston"),
        "rfs_burnley": make_item(session, Kind.REQUEST_FOR_SUPPORT, "burnley"),
        "flagged_helpline": make_item(session, Kind.HELPLINE_CONTACT, safeguarding=True),
        "flagged_pendle": make_item(session, Kind.REQUEST_FOR_SUPPORT, "pendle", safeguarding=True),
    }
    users = {
        "helpline": make_user(session, access.HELPLINE_ADVISER),
        "district": make_user(session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"]),
        "feedback": make_user(session, access.CUSTOMER_FEEDBACK_OFFICER),
        "admin": make_user(session, access.ADMINISTRATOR),
        "lead": make_user(session, access.SAFEGUARDING_LEAD),
    }
    return users, items


EXPECTED = {
    "helpline": {"helpline", "flagged_helpline"},
    "district": {"rfs_preston"},
    "feedback": {"complaint"},
    "admin": {"helpline", "complaint", "rfs_preston", "rfs_burnley", "flagged_helpline", "flagged_pendle"},
    "lead": {"flagged_helpline", "flagged_pendle"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_items(session, world, role):
    users, items = world
    user = users[role]
    seen = set(session.scalars(access.items(user).with_only_columns(Submission.reference)))
    assert seen == {items[name].reference for name in EXPECTED[role]}
    for name, item in items.items():
        assert access.may_see(user, item) == (name in EXPECTED[role])


def test_a_district_officer_with_no_districts_sees_nothing(session, world):
    _, items = world
    nobody = make_user(session, access.DISTRICT_TRIAGE_OFFICER, areas=[])
    assert session.scalars(access.items(nobody)).all() == []


def test_a_disabled_user_sees_nothing_and_may_do_nothing(session, world):
    _, items = world
    gone = make_user(session, access.HELPLINE_ADVISER, active=False)
    assert session.scalars(access.items(gone)).all() == []
    assert not access.can(gone, "view_inbox")


def test_get_item_is_not_found_outside_the_scope_and_forbidden_without_the_permission(session, world):
    users, items = world
    district = users["district"]
    assert access.get_item(session, district, items["rfs_preston"].reference).id == items["rfs_preston"].id
    with pytest.raises(access.NotFound):
        access.get_item(session, district, items["rfs_burnley"].reference)
    with pytest.raises(access.NotFound):
        access.get_item(session, district, items["helpline"].reference)
    with pytest.raises(access.Forbidden):
        access.get_item(session, district, items["rfs_preston"].reference, "reroute")
    with pytest.raises(access.Forbidden):
        access.get_item(session, users["admin"], items["helpline"].reference, "assign")


def test_permissions_per_role():
    assert access.PERMISSIONS[access.HELPLINE_ADVISER] >= {"reroute", "log_contact", "log_callback"}
    assert "reroute" not in access.PERMISSIONS[access.DISTRICT_TRIAGE_OFFICER]
    assert "log_contact" not in access.PERMISSIONS[access.CUSTOMER_FEEDBACK_OFFICER]
    assert access.PERMISSIONS[access.ADMINISTRATOR] >= {"manage_users", "view_audit"}
    assert not access.PERMISSIONS[access.ADMINISTRATOR] & {"assign", "change_status", "add_note"}
    for role, permissions in access.PERMISSIONS.items():
        if role != access.ADMINISTRATOR:
            assert "manage_users" not in permissions and "view_audit" not in permissions


def test_every_query_in_the_scope_is_one_select_statement(session, world):
    users, _ = world
    statement = access.items(users["district"])
    assert "area_code IN" in str(statement.compile(compile_kwargs={"literal_binds": True}))
    assert isinstance(statement, type(select(Submission)))
