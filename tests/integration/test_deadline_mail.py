"""flask deadlines remind and the complaint extension notice, delivered to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

import portal.mail
from portal import db
from talkzone import access, deadlines, outbox
from talkzone.calendar import uk_date
from talkzone.models import AuditEvent, Kind, utcnow
from talkzone.uow import UnitOfWork
from testkit.factories import make_item, make_user, sign_in_as

PRESTON, BURNLEY = "rfs.preston@lancashire.example", "rfs.burnley@lancashire.example"
COMPLAINTS, HELPLINE = "cyp-customer-feedback@lancashire.example", "talkzone-inbox@lancashire.example"


def _deliver(app):
    with app.app_context():
        session = db.new_session()
        try:
            outbox.drain(UnitOfWork(session), portal.mail.transport_for(app))
        finally:
            session.close()


def _body(message) -> str:
    return message.get_payload(decode=True).decode()


def test_each_team_gets_its_due_soon_and_overdue_list(app, db_session, smtp_server):
    today = uk_date(utcnow())
    overdue = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", due_on=today - timedelta(days=3))
    soon = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", due_on=today, status="acknowledged")
    later = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "burnley", due_on=today + timedelta(days=30))
    closed = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", due_on=today - timedelta(days=9),
                       status="closed")
    elsewhere = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "chorley", due_on=today - timedelta(days=1))
    complaint = make_item(db_session, Kind.COMPLAINT, due_on=today - timedelta(days=1))
    contact = make_item(db_session, Kind.HELPLINE_CONTACT, due_on=today)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["deadlines", "remind"])
    assert result.exit_code == 0, result.output
    assert "preston: 2 item(s)" in result.output
    assert "queued 4 reminder(s)" in result.output
    _deliver(app)

    [preston] = smtp_server.to(PRESTON)
    body = _body(preston)
    assert overdue.reference in body and soon.reference in body
    assert body.index(overdue.reference) < body.index(soon.reference)
    assert "OVERDUE" in body and "due soon" in body
    assert closed.reference not in body and elsewhere.reference not in body
    assert "Alex" not in body and "07700" not in body and "Alex" not in preston["Subject"]
    assert smtp_server.to(BURNLEY) == []
    assert later.reference not in "".join(_body(m) for _r, m in smtp_server.messages)
    [chorley] = smtp_server.to("rfs.chorley@lancashire.example")
    assert elsewhere.reference in _body(chorley)
    assert complaint.reference in _body(smtp_server.to(COMPLAINTS)[0])
    assert contact.reference in _body(smtp_server.to(HELPLINE)[0])

    again = runner.invoke(args=["deadlines", "remind"])
    assert "queued 0 reminder(s)" in again.output
    _deliver(app)
    assert len(smtp_server.messages) == 4


def test_a_complaint_is_extended_once_and_the_young_person_told_safely(app, db_session, smtp_server):
    officer = make_user(db_session, access.CUSTOMER_FEEDBACK_OFFICER)
    client = app.test_client()
    sign_in_as(client, db_session, officer)
    received = utcnow() - timedelta(days=2)
    by_email = make_item(db_session, Kind.COMPLAINT,
                         contact={"channels": ["email"], "email": "yp@example.com"},
                         created_at=received, due_on=deadlines.stage_1_due(received), status="acknowledged")
    by_call = make_item(db_session, Kind.COMPLAINT, contact={"channels": ["call"], "phone": "07700900999"},
                        created_at=received, due_on=deadlines.stage_1_due(received))

    item_page = client.get(f"/console/items/{by_email.reference}").get_data(as_text=True)
    assert "Extend the stage 1 reply" in item_page
    empty = client.post(f"/console/items/{by_email.reference}/extend", data={"reason": "", "version": "1"})
    assert "Enter why the stage 1 reply needs more time" in empty.get_data(as_text=True)
    done = client.post(f"/console/items/{by_email.reference}/extend",
                       data={"reason": "Waiting for the social worker's account", "version": "1"})
    assert done.status_code == 302
    db_session.expire_all()
    extended_to = deadlines.stage_1_due(received, extended=True)
    assert db_session.get(type(by_email), by_email.id).due_on == extended_to
    twice = client.post(f"/console/items/{by_email.reference}/extend",
                        data={"reason": "More", "version": "2"})
    assert "already been extended once" in twice.get_data(as_text=True)

    client.post(f"/console/items/{by_call.reference}/extend",
                data={"reason": "Holiday cover", "version": "1"})
    _deliver(app)
    [notice] = smtp_server.to("yp@example.com")
    assert by_email.reference in notice["Subject"]
    assert deadlines.stage_1_due(received, extended=True).strftime("%-d %B %Y") in _body(notice)
    assert [r for r, _m in smtp_server.messages] == [["yp@example.com"]]
    events = {e.submission_id: e for e in db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == deadlines.EXTENDED))}
    assert events[by_email.id].detail["notice_queued"] is True
    assert events[by_call.id].detail["notice_queued"] is False
    assert events[by_call.id].detail["reason"] == "Holiday cover"

    adviser = app.test_client()
    sign_in_as(adviser, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    assert adviser.post(f"/console/items/{by_call.reference}/extend", data={"reason": "x"}).status_code == 403


def test_reminders_go_by_the_uk_date_of_the_apps_clock(make_app, db_session, smtp_server):
    """Just after midnight in the UK in summer (still yesterday in UTC), today is the UK's day."""
    from datetime import UTC, date, datetime

    app = make_app(CLOCK=lambda: datetime(2030, 6, 30, 23, 30, tzinfo=UTC))  # 1 July, 00:30 in the UK
    due = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston", due_on=date(2030, 6, 30))
    result = app.test_cli_runner().invoke(args=["deadlines", "remind"])
    assert result.exit_code == 0, result.output
    _deliver(app)
    [preston] = smtp_server.to(PRESTON)
    assert due.reference in _body(preston) and "OVERDUE" in _body(preston)
