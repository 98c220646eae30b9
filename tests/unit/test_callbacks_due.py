"""The callbacks due now queue: open windows only, soonest to close first, inside the viewer's scope."""

from __future__ import annotations

from datetime import UTC, datetime

from talkzone import access
from talkzone.callbacks_due import due_now
from talkzone.models import Kind
from testkit.factories import make_item, make_user

# 14:05 in London on a winter's day is 14:05 UTC.
NOW = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)


def _contact(*windows):
    return {"channels": ["call"], "phone": "07700 900123",
            "windows": [{"start": f"2026-12-01T{a}:00+00:00", "end": f"2026-12-01T{b}:00+00:00"}
                        for a, b in windows]}


def test_open_windows_in_order_of_their_end(session):
    adviser = make_user(session, access.HELPLINE_ADVISER)
    later = make_item(session, status="callback_due", contact=_contact(("14:00", "16:00")))
    sooner = make_item(session, status="callback_due",
                       contact=_contact(("10:00", "11:00"), ("13:00", "14:30")))
    make_item(session, status="callback_due", contact=_contact(("15:00", "17:00")))  # not open yet
    make_item(session, status="callback_due", contact=_contact(("12:00", "14:05")))  # just closed
    make_item(session, status="in_progress", contact=_contact(("14:00", "16:00")))  # already called
    due = due_now(session, adviser, NOW)
    assert [d.item.reference for d in due] == [sooner.reference, later.reference]
    assert due[0].ends_at == datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    # The windows follow the contact when it changes.
    sooner.contact = _contact(("16:00", "17:00"))
    session.commit()
    assert [d.item.reference for d in due_now(session, adviser, NOW)] == [later.reference]


def test_only_for_those_who_call_back(session):
    make_item(session, status="callback_due", contact=_contact(("14:00", "16:00")))
    for role in (access.DISTRICT_TRIAGE_OFFICER, access.ADMINISTRATOR, access.CUSTOMER_FEEDBACK_OFFICER):
        assert due_now(session, make_user(session, role, areas=["preston"]), NOW) == []
    make_item(session, Kind.COMPLAINT, status="callback_due", contact=_contact(("14:00", "16:00")))
    assert len(due_now(session, make_user(session, access.HELPLINE_ADVISER), NOW)) == 1
