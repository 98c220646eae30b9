"""Subject access through the console: everything about one person, nobody else's, audited, admins only."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from talkzone import access
from talkzone.models import AuditEvent, CallbackAttempt, Kind, Note, OutboxMessage
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import page_of
from tests.subject_access_journey import DOWNLOAD, RELEASE, REVIEW, found, released, search

NAME, EMAIL, PHONE = "Jordan Rivers", "jordan.rivers@example.com", "07700 900321"


def seed(session):
    """Three records about Jordan, found in different fields, and three about other people."""
    request = make_item(session, Kind.REQUEST_FOR_SUPPORT, "preston", subject_name="Kai Rivers",
                        contact={"channels": ["email"], "email": EMAIL}, email=EMAIL,
                        answers={"who": {"role": "parent"}, "about-you": {"name": NAME},
                                 "child_list": [{"name": "Kai Rivers"}]})
    complaint = make_item(session, Kind.COMPLAINT, subject_name=NAME, contact={"channels": ["letter"]},
                          phone=None, email=None, answers={"your-name": {"name": NAME}})
    contact = make_item(session, Kind.HELPLINE_CONTACT, subject_name="JR", phone=PHONE,
                        contact={"channels": ["call"], "phone": PHONE},
                        answers={"about-you": {"nickname": "JR"}, "phone": {"phone": PHONE}})
    session.add(Note(submission_id=complaint.id, text="Jordan asked for a letter"))
    session.add(CallbackAttempt(submission_id=contact.id, result="reached", note="Jordan was fine"))
    session.add(OutboxMessage(submission_id=request.id, purpose="family_acknowledgement", recipient=EMAIL,
                              subject=f"We have your request {request.reference}", body="Dear Jordan",
                              message_id=f"<{request.reference}@test>"))
    others = [
        make_item(session, Kind.COMPLAINT, subject_name="Jordan Riverside", contact={"channels": []},
                  answers={"your-name": {"name": "Jordan Riverside"}}),
        make_item(session, Kind.HELPLINE_CONTACT, subject_name="Sam", email="other@example.com",
                  contact={"channels": ["email"], "email": "other@example.com"},
                  answers={"message": {"message": "My friend Jordan Rivers' sister"}}),
        make_item(session, Kind.REQUEST_FOR_SUPPORT, "burnley", phone="07700 900322",
                  contact={"channels": ["call"], "phone": "07700 900322"}),
    ]
    session.commit()
    return {"request": request, "complaint": complaint, "contact": contact}, others


def _admin(app, db_session):
    admin = make_user(db_session, access.ADMINISTRATOR)
    client = app.test_client()
    sign_in_as(client, db_session, admin)
    return client, admin


def _export(client, query) -> dict:
    return released(client, query)


@pytest.mark.parametrize(("query", "expected"), [
    (NAME, {"request", "complaint"}),
    (NAME.upper(), {"request", "complaint"}),
    (EMAIL, {"request"}),
    (PHONE, {"contact"}),
    ("07700900321", {"contact"}),
    ("+44 7700 900321", {"contact"}),
])
def test_found_by_name_email_or_phone_and_nobody_else(app, db_session, query, expected):
    mine, others = seed(db_session)
    client, _admin_user = _admin(app, db_session)
    export = _export(client, query)
    references = {r["reference"] for r in export["records"]}
    assert references == {mine[k].reference for k in expected}
    assert not references & {o.reference for o in others}
    assert export["count"] == len(expected)


def test_the_export_holds_every_record_with_its_notes_calls_and_mail(app, db_session):
    mine, _others = seed(db_session)
    client, admin = _admin(app, db_session)
    found = {}
    for query in (NAME, EMAIL, PHONE, mine["contact"].reference):
        for record in _export(client, query)["records"]:
            found[record["reference"]] = record
    assert set(found) == {item.reference for item in mine.values()}
    complaint, contact, request = (found[mine[k].reference] for k in ("complaint", "contact", "request"))
    # Staff notes are for staff: the export says they were withheld rather than releasing them.
    assert {"field": "notes", "reason": "staff_only"} in complaint["withheld"]
    assert "Jordan asked for a letter" not in json.dumps(complaint)
    assert contact["callback_attempts"][0]["result"] == "reached"
    assert "Jordan was fine" not in json.dumps(contact)
    assert request["messages"][0]["body"] == "Dear Jordan"
    assert request["answers"]["about-you"]["name"] == NAME
    assert request["contact"]["email"] == EMAIL
    events = list(db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("subject_access%"))))
    assert all(e.actor_id == admin.id for e in events)
    per_item = {e.submission_id for e in events if e.action == "subject_access_export" and e.submission_id}
    assert per_item == {item.id for item in mine.values()}
    # The words searched for are personal: the trail keeps the references found, not the search.
    assert not any(NAME in json.dumps(e.detail) or EMAIL in json.dumps(e.detail) for e in events)


def test_the_printable_page_lists_the_records(app, db_session):
    mine, others = seed(db_session)
    client, _admin_user = _admin(app, db_session)
    page = search(client, NAME)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert found(html) == {mine["request"].reference, mine["complaint"].reference}
    assert NAME not in page.page.title.get_text()
    printable = released(client, NAME, kind="html")
    assert found(printable) == {mine["request"].reference, mine["complaint"].reference}
    assert "Jordan asked for a letter" not in printable
    assert NAME not in page_of(printable).title.get_text()
    # Each record's answers as a GOV.UK table: a header per answer, what was withheld said so.
    rows = page_of(printable).select("table.govuk-table tr.govuk-table__row")
    assert any(" › " in row.th.get_text() and row.td.bdi for row in rows)
    assert page_of(printable).select("td.app-withheld strong")
    empty = client.post("/console/subject-access", data={"q": ""})
    assert "Enter a name, email address, phone number or reference" in empty.get_data(as_text=True)


@pytest.mark.parametrize("role", [access.HELPLINE_ADVISER, access.DISTRICT_TRIAGE_OFFICER,
                                  access.CUSTOMER_FEEDBACK_OFFICER])
def test_only_administrators(app, db_session, role):
    seed(db_session)
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, role))
    assert client.get("/console/subject-access").status_code == 403
    assert client.post("/console/subject-access", data={"q": NAME}).status_code == 403
    for path in (REVIEW, RELEASE, DOWNLOAD):
        assert client.post(path, data={"q": NAME}).status_code == 403
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("subject_access%"))).all() == []


def test_legal_hold_toggle_is_for_administrators(app, db_session):
    mine, _others = seed(db_session)
    client, _admin_user = _admin(app, db_session)
    ref = mine["complaint"].reference
    assert "Place a legal hold" in client.get(f"/console/items/{ref}").get_data(as_text=True)
    assert 'href="/console/subject-access"' in client.get("/console/reports").get_data(as_text=True)
    assert client.post(f"/console/items/{ref}/legal-hold", data={"reason": "Court order"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(type(mine["complaint"]), mine["complaint"].id).legal_hold is True
    officer = app.test_client()
    sign_in_as(officer, db_session, make_user(db_session, access.CUSTOMER_FEEDBACK_OFFICER))
    assert officer.post(f"/console/items/{ref}/legal-hold", data={"reason": "x"}).status_code == 403
