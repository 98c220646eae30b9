"""Mail in over LMTP: a real smtplib LMTP client talks to the aiosmtpd listener; replies land on
their item, bounces mark the address failing, auto-replies are no reply, nothing is lost."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from sqlalchemy import select

from portal.emails import mailing
from portal.inbound import LMTPListener
from portal.mail import transport_for
from talkzone import access, conversations, outbox
from talkzone.models import InboundMessage, Kind, OutboxMessage, Submission
from talkzone.uow import UnitOfWork
from testkit.factories import make_item, make_user
from tests.conftest import free_port

CONTACT = {"channels": ["email"], "email": "sam@example.com", "say_who": "yes"}
REPLIES = "replies@mail.lancashire.example"
DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: {to}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; sam@example.com
Action: failed
Status: 5.1.1

--B
Content-Type: text/rfc822-headers

From: no-reply@lancashire.example
Message-ID: {original}
Subject: Reply

--B--
"""


@pytest.fixture
def listener(make_app):
    app = make_app(MAIL_IN_ADDRESS=REPLIES, MAIL_IN_MAX_BYTES=200_000)
    server = LMTPListener(app, "127.0.0.1", free_port())
    server.start()
    yield app, server
    server.stop()


def _lmtp(server, raw: bytes, to: str, sender="sam@example.com"):
    with smtplib.LMTP(server.hostname, server.port, timeout=10) as client:
        return client.sendmail(sender, [to], raw)


def _sent_reply(app, db_session):
    """An adviser's reply to Sam, delivered: its outbox row (with the reply address)."""
    item = make_item(db_session, contact=CONTACT)
    adviser = make_user(db_session, access.HELPLINE_ADVISER)
    with app.test_request_context():
        conversations.send_reply(db_session, adviser, item.reference, "email", "How are you?",
                                 mailing(), datetime.now(UTC))
        db_session.commit()
        outbox.drain(UnitOfWork(db_session), transport_for(app))
    return item, db_session.scalar(select(OutboxMessage))


def _mail(subject="Re: your reply", body="I am OK, thanks", **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Sam <sam@example.com>", REPLIES, subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def _kept(db_session):
    db_session.expire_all()
    return db_session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()


def test_a_reply_to_the_plus_address_lands_on_its_item_once(listener, db_session):
    app, server = listener
    item, sent = _sent_reply(app, db_session)
    raw = _mail(Message_ID="<reply-1@example.com>").as_bytes()
    assert _lmtp(server, raw, sent.reply_to) == {}
    assert _lmtp(server, raw, sent.reply_to) == {}  # the same message again is not kept twice
    [kept] = _kept(db_session)
    assert (kept.kind, kept.submission_id, kept.text) == ("reply", item.id, "I am OK, thanks")
    assert kept.raw.startswith(b"From: Sam <sam@example.com>") and b"I am OK, thanks" in kept.raw


def test_a_reply_by_in_reply_to_alone_and_an_auto_reply(listener, db_session):
    app, server = listener
    item, sent = _sent_reply(app, db_session)
    _lmtp(server, _mail(In_Reply_To=sent.message_id).as_bytes(), REPLIES)
    _lmtp(server, _mail(In_Reply_To=sent.message_id, Auto_Submitted="auto-replied",
                        body="I am away").as_bytes(), REPLIES)
    assert [(m.kind, m.submission_id) for m in _kept(db_session)] == [
        ("reply", item.id), ("auto_reply", item.id)]


def test_a_bounce_is_recorded_against_the_message_and_marks_the_address_failing(listener, db_session):
    app, server = listener
    item, sent = _sent_reply(app, db_session)
    report = DSN.format(to=REPLIES, original=sent.message_id).replace("\n", "\r\n").encode()
    _lmtp(server, report, REPLIES, sender="")
    [kept] = _kept(db_session)
    assert (kept.kind, kept.bounced_id) == ("bounce", sent.id)
    bounced = db_session.get(OutboxMessage, sent.id)
    assert bounced.status == outbox.FAILED and "5.1.1" in bounced.last_error
    assert db_session.get(Submission, item.id).contact["email_failing"] is True
    assert conversations.channels(db_session.get(Submission, item.id), _mailing(app), datetime.now(UTC))[0] \
        .closed_because == "address_failing"


def _mailing(app):
    with app.test_request_context():
        return mailing()


def test_unmatched_mail_to_the_helpline_becomes_a_new_contact_with_html_as_text(listener, db_session):
    app, server = listener
    message = _mail(subject="Help", body="")
    message.set_content("<p>I need <b>help</b><script>alert(1)</script> &amp; advice</p>", subtype="html")
    message.add_attachment(b"\x89PNG" * 100, maintype="image", subtype="png", filename="me.png")
    _lmtp(server, message.as_bytes(policy=SMTP), "talkzone@lancashire.example")
    [kept] = _kept(db_session)
    assert kept.kind == "new_contact" and kept.text == "I need help & advice"
    assert kept.attachments == [{"name": "me.png", "type": "image/png", "size": 400, "kept": True}]
    contact = db_session.get(Submission, kept.submission_id)
    assert (contact.kind, contact.channel, contact.email) == (
        Kind.HELPLINE_CONTACT, "email", "sam@example.com")


def test_bad_mail_is_kept_or_refused_and_the_listener_keeps_running(listener, db_session):
    app, server = listener
    with pytest.raises(smtplib.SMTPException) as refused:
        _lmtp(server, _mail(body=("x" * 70 + "\n") * 4000).as_bytes(), REPLIES)
    assert "552" in str(refused.value)
    _lmtp(server, b"Subject: caf\xe9 \xff\r\nFrom: \xfe@\r\nContent-Type: multipart/mixed\r\n\r\nno boundary",
          "replies+00000000000000000000@mail.lancashire.example")
    _lmtp(server, _mail(subject="Re: TZ-AAAA-BBBB").as_bytes(), "someone@lancashire.example")
    assert [m.kind for m in _kept(db_session)] == ["unmatched", "unmatched"]


def test_a_reply_to_an_anonymised_item_keeps_nothing_of_it(listener, db_session):
    app, server = listener
    item, sent = _sent_reply(app, db_session)
    item.anonymised_at = datetime.now(UTC)
    db_session.commit()
    _lmtp(server, _mail().as_bytes(), sent.reply_to)
    [kept] = _kept(db_session)
    assert (kept.kind, kept.problem, kept.text, kept.raw, kept.submission_id) == (
        "refused", "item_anonymised", None, b"", None)
