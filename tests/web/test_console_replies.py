"""Replying from an item: only on channels the policy opens now, previewed as sent, through the
outbox with a reply address; held outside safe times and released once when the window opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.mail import transport_for
from talkzone import access, outbox
from talkzone.models import AuditEvent, CannedResponse, OutboxMessage, ReplyAddress
from talkzone.uow import UnitOfWork
from testkit.factories import make_item, make_user, sign_in_as
from tests.pages import error_messages, page_of, text_of

WRITTEN = {"channels": ["email", "text"], "email": "sam@example.com", "phone": "07700 900123",
           "say_who": "no", "must_not_know": "Gary"}
# Tuesday 1 December 2026, 10:00 UK time (UTC in winter); safe only 16:00-18:00.
TUESDAY_10 = datetime(2026, 12, 1, 10, tzinfo=UTC)
EVENINGS = {**WRITTEN, "days": ["tue"], "start": "16:00", "end": "18:00"}
SETTINGS = {"SMS_EMAIL_GATEWAY": "sms.example", "MAIL_IN_ADDRESS": "replies@mail.lancashire.example"}


def _adviser(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    return client


def _deliver(app, db_session, now):
    with app.app_context():
        return outbox.drain(UnitOfWork(db_session), transport_for(app), now=lambda: now)


def test_only_open_channels_are_offered_and_closed_ones_say_why(make_app, db_session):
    app = make_app(**SETTINGS)
    client = _adviser(app, db_session)
    calls_only = make_item(db_session)
    page = page_of(client.get(f"/console/items/{calls_only.reference}/reply"))
    assert page.select("[data-no-channel]")
    reasons = text_of(page.select_one("[data-closed-channels]"))
    assert "They did not choose this as a safe way to contact them" in reasons
    written = make_item(db_session, contact=WRITTEN)
    page = page_of(client.get(f"/console/items/{written.reference}/reply"))
    assert {i["value"] for i in page.select("input[name=channel]")} == {"email", "text"}
    assert not page.select("[data-closed-channels]")


def test_a_reply_is_previewed_as_sent_then_goes_through_the_outbox(make_app, db_session, smtp_server):
    app = make_app(**SETTINGS)
    client = _adviser(app, db_session)
    item = make_item(db_session, contact=WRITTEN)
    url = f"/console/items/{item.reference}/reply"
    form = {"channel": "email", "text": "Thanks for writing. We can talk on Thursday."}
    preview = page_of(client.post(url, data={**form, "action": "preview"}))
    body = text_of(preview.select_one("[data-preview-body]"))
    assert "We can talk on Thursday." in body and "Lancashire" not in body  # neutral: say_who no
    assert db_session.scalar(select(OutboxMessage)) is None
    assert client.post(url, data={**form, "action": "send"}).status_code == 302
    _deliver(app, db_session, datetime.now(UTC))
    [mail] = smtp_server.to("sam@example.com")
    token = db_session.scalar(select(ReplyAddress.token))
    assert mail["Reply-To"] == f"replies+{token}@mail.lancashire.example"
    assert "We can talk on Thursday." in mail.get_payload(decode=True).decode()
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.action == "reply_queued"))
    thread = page_of(client.get(f"/console/items/{item.reference}"))
    [sent] = thread.select("[data-thread-entry=out]")
    assert sent["data-state"] == "sent"


def test_a_reply_naming_someone_who_must_not_know_is_refused_with_the_text_kept(make_app, db_session):
    app = make_app(**SETTINGS)
    client = _adviser(app, db_session)
    item = make_item(db_session, contact=WRITTEN)
    response = client.post(f"/console/items/{item.reference}/reply",
                           data={"channel": "text", "text": "Does Gary know?", "action": "send"})
    assert error_messages(response) == ["The reply names someone who must not know: take the name out"]
    assert page_of(response).select_one("textarea[name=text]").get_text() .strip() == "Does Gary know?"
    assert db_session.scalar(select(OutboxMessage)) is None


def test_a_reply_outside_safe_times_is_held_then_sent_once_when_the_window_opens(
        make_app, db_session, smtp_server):
    app = make_app(CLOCK=lambda: TUESDAY_10, **SETTINGS)
    client = _adviser(app, db_session)
    item = make_item(db_session, contact=EVENINGS)
    response = client.post(f"/console/items/{item.reference}/reply",
                           data={"channel": "email", "text": "Here when you are ready.", "action": "send"})
    assert response.status_code == 302
    message = db_session.scalar(select(OutboxMessage))
    assert message.held_until == TUESDAY_10 + timedelta(hours=6)
    held = page_of(client.get(f"/console/items/{item.reference}")).select_one("[data-thread-entry=out]")
    assert held["data-state"] == "held" and "Tue 1 Dec 2026 16:00" in text_of(held)
    assert _deliver(app, db_session, TUESDAY_10 + timedelta(hours=5)).sent == 0
    assert smtp_server.to("sam@example.com") == []
    assert _deliver(app, db_session, TUESDAY_10 + timedelta(hours=6, minutes=1)).sent == 1
    assert _deliver(app, db_session, TUESDAY_10 + timedelta(hours=7)).sent == 0
    assert len(smtp_server.to("sam@example.com")) == 1


def test_administrators_write_canned_responses_and_advisers_fill_them_in(make_app, db_session):
    app = make_app(**SETTINGS)
    admin = app.test_client()
    sign_in_as(admin, db_session, make_user(db_session, access.ADMINISTRATOR))
    refused = admin.post("/console/canned-responses",
                         data={"title": "Hello", "language": "en", "body": "Hi {first_name} at {address}"})
    assert error_messages(refused) == ["Use only {first_name}, {reference} and {opening_hours} in braces"]
    assert admin.post("/console/canned-responses", data={
        "title": "Hello", "language": "en",
        "body": "Hi {first_name}, about {reference}: we are open {opening_hours}."}).status_code == 302
    client = _adviser(app, db_session)
    item = make_item(db_session, contact=WRITTEN, language="en")
    page = page_of(client.post(f"/console/items/{item.reference}/reply", data={
        "channel": "email", "canned": db_session.scalar(select(CannedResponse.id)), "text": "",
        "action": "canned"}))
    assert page.select_one("textarea[name=text]").get_text().strip() == (
        f"Hi Alex, about {item.reference}: we are open 2pm to 10pm.")  # issue #17: one clock format


def test_flask_outbox_send_releases_a_held_reply_once_when_its_window_opens(
        make_app, db_session, smtp_server):
    app = make_app(CLOCK=lambda: TUESDAY_10, **SETTINGS)
    item = make_item(db_session, contact=EVENINGS)
    _adviser(app, db_session).post(f"/console/items/{item.reference}/reply",
                                   data={"channel": "email", "text": "Held for later", "action": "send"})
    assert "sent 0" in app.test_cli_runner().invoke(args=["outbox", "send"]).output
    opened = make_app(CLOCK=lambda: TUESDAY_10 + timedelta(hours=6, minutes=5), **SETTINGS)
    first = opened.test_cli_runner().invoke(args=["outbox", "send"])
    again = opened.test_cli_runner().invoke(args=["outbox", "send"])
    assert "sent 1" in first.output and "sent 0" in again.output
    assert len(smtp_server.to("sam@example.com")) == 1
