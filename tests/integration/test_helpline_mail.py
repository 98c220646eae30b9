"""Helpline contacts reach the helpline mailbox over real SMTP; acknowledgements only where safe."""

from __future__ import annotations

from portal.mail import transport_for
from talkzone import access, outbox
from talkzone.uow import UnitOfWork
from testkit.factories import make_user, sign_in_as
from tests.helpline_journey import ANONYMOUS, CALL, EMAIL, MORNING, TEXT, frozen, reference, submit_helpline

INBOX = "talkzone-inbox@lancashire.example"


def deliver(app):
    with app.app_context():
        with app.extensions["db_sessionmaker"]() as session:
            return outbox.drain(UnitOfWork(session), transport_for(app))


def test_the_helpline_mailbox_is_notified_once_without_personal_details(make_app, smtp_server):
    app = make_app(CLOCK=frozen(MORNING))
    page = submit_helpline(app.test_client(), CALL)
    ref = reference(page)
    deliver(app)
    deliver(app)  # a second run finds nothing left to send
    received = smtp_server.to(INBOX)
    assert len(received) == 1
    assert ref in received[0]["Subject"]
    body = received[0].get_payload()
    assert f"/console/items/{ref}" in body
    assert "a phone call" in body
    for private in ("Jay", "07700", "Things at home"):
        assert private not in body
    # A call is not acknowledged: only the inbox hears of it.
    assert len(smtp_server.messages) == 1


def test_an_email_contact_gets_an_email_acknowledgement(make_app, smtp_server):
    app = make_app(CLOCK=frozen(MORNING))
    page = submit_helpline(app.test_client(), EMAIL)
    ref = reference(page)
    deliver(app)
    acknowledgements = smtp_server.to("jay@example.com")
    assert len(acknowledgements) == 1
    assert ref in acknowledgements[0]["Subject"]
    body = acknowledgements[0].get_payload()
    assert "Childline free on 0800 1111" in body and "0800 51 11 11" in body
    assert len(smtp_server.to(INBOX)) == 1


def test_a_text_is_acknowledged_only_when_it_may_say_who_it_is_from(make_app, smtp_server):
    app = make_app(CLOCK=frozen(MORNING), SMS_EMAIL_GATEWAY="sms.example")
    submit_helpline(app.test_client(), TEXT)
    submit_helpline(app.test_client(), {**TEXT, "phone": {"phone": "07700 900456"},
                                        "safety": {"say_who": "no"}})
    deliver(app)
    assert len(smtp_server.to("07700900123@sms.example")) == 1
    # Where we may not say who it is from, the text is neutral: it does not name the helpline.
    neutral = smtp_server.to("07700900456@sms.example")
    assert len(neutral) == 1 and "Talkzone" not in neutral[0]["Subject"] + neutral[0].get_payload()
    assert len(smtp_server.to(INBOX)) == 2


def test_an_anonymous_contact_reaches_the_team_and_nothing_goes_back(make_app, smtp_server, db_session):
    # Issue #17: an anonymous contact used to reach nobody; now the team hears of it like any other.
    app = make_app(CLOCK=frozen(MORNING))
    ref = reference(submit_helpline(app.test_client(), ANONYMOUS))
    assert deliver(app).sent == 1
    received = smtp_server.to(INBOX)
    assert len(received) == 1 and len(smtp_server.messages) == 1
    assert ref in received[0]["Subject"]
    body = received[0].get_payload()
    assert "Get back by: no way: the contact is anonymous and cannot be contacted back" in body
    assert f"/console/items/{ref}" in body
    # A helpline adviser finds it in the console inbox, marked as having no way to reply.
    adviser = make_user(db_session, access.HELPLINE_ADVISER)
    console = app.test_client()
    sign_in_as(console, db_session, adviser)
    assert f"/console/items/{ref}" in console.get("/console/").get_data(as_text=True)
    item = console.get(f"/console/items/{ref}").get_data(as_text=True)
    assert "Anonymous: they left no way to reply." in item
