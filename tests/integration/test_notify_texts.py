"""Texts through GOV.UK Notify: the official client against a local stand-in speaking Notify's
API; inbound texts through the callback, only with the bearer token, onto the matching item."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.emails import mailing
from portal.mail import transport_for
from talkzone import access, conversations, outbox
from talkzone.models import InboundMessage, Kind, OutboxMessage, Submission
from talkzone.uow import UnitOfWork
from testkit.factories import make_item, make_user
from testkit.notify import API_KEY, NotifyStandIn

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
TEXTS = {"channels": ["text"], "phone": "07700 900123", "say_who": "yes"}


@pytest.fixture
def notify():
    server = NotifyStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def app(make_app, notify):
    return make_app(NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.url, NOTIFY_SMS_TEMPLATE_ID=TEMPLATE,
                    NOTIFY_INBOUND_TOKEN="inbound-secret-token")


def _reply_by_text(app, db_session, text="See you at 5"):
    item = make_item(db_session, contact=TEXTS)
    with app.test_request_context():
        conversations.send_reply(db_session, make_user(db_session, access.HELPLINE_ADVISER),
                                 item.reference, "text", text, mailing(), datetime.now(UTC))
    db_session.commit()
    with app.app_context():
        return item, outbox.drain(UnitOfWork(db_session), transport_for(app))


def test_a_text_reply_goes_through_notify_with_the_real_client(app, db_session, notify):
    _item, stats = _reply_by_text(app, db_session)
    assert stats.sent == 1
    [sent] = notify.texts
    assert (sent["phone_number"], sent["template_id"]) == ("07700900123", TEMPLATE)
    assert "See you at 5" in sent["personalisation"]["body"]


def test_a_text_notify_refuses_is_marked_failed_with_the_reason(app, db_session, notify):
    notify.fail_with = 400
    _reply_by_text(app, db_session)
    db_session.expire_all()
    message = db_session.scalar(select(OutboxMessage))
    assert message.status == outbox.FAILED and message.last_error == "Notify refused the text (400)"


def _callback(client, payload, token="inbound-secret-token"):
    return client.post("/notify/inbound-sms", data=json.dumps(payload), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"})


def test_inbound_texts_land_on_the_matching_item_or_become_a_new_contact(app, db_session):
    item = make_item(db_session, contact=TEXTS)
    client = app.test_client()
    payload = {"id": "a1", "source_number": "447700900123", "destination_number": "07900000000",
               "content": "thanks", "date_received": "2026-12-02T09:00:00Z"}
    assert _callback(client, payload, token="wrong").status_code == 401
    assert _callback(client, payload).status_code == 200
    assert _callback(client, payload).status_code == 200  # Notify retrying: kept once
    assert _callback(client, {**payload, "id": "a2", "source_number": "447700900999"}).status_code == 200
    db_session.expire_all()
    first, second = db_session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
    assert (first.kind, first.submission_id, first.text) == ("reply", item.id, "thanks")
    new = db_session.get(Submission, second.submission_id)
    assert (second.kind, new.kind, new.channel) == ("new_contact", Kind.HELPLINE_CONTACT, "text")
