"""Done when, in Chromium: an adviser replies by email to a helpline contact; the young person's
reply through the LMTP listener, and a second one over IMAP from Dovecot, appear in the thread;
a bounce marks the address failing and email is no longer offered."""

from __future__ import annotations

import smtplib

import pytest

from portal.inbound import LMTPListener, poll_imap
from portal.mail import transport_for
from talkzone import outbox
from talkzone.models import OutboxMessage
from talkzone.uow import UnitOfWork
from testkit.dovecot import PASSWORD, USER, Dovecot
from testkit.factories import make_item, make_user
from tests.browser.test_console_browser import _sign_in
from tests.conftest import free_port
from tests.integration.test_mail_in_imap import _append
from tests.integration.test_mail_in_lmtp import DSN, REPLIES, _mail

CONTACT = {"channels": ["email"], "email": "jamie@example.com", "say_who": "no"}


@pytest.fixture
def live_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True, MAIL_IN_ADDRESS=REPLIES)


def test_an_email_conversation_with_replies_by_lmtp_and_imap_and_a_bounce(js_page, base_url, live_app,
                                                                          smtp_server, axe_check):
    page = js_page
    with live_app.extensions["db_sessionmaker"]() as session:
        adviser = make_user(session, name="Hana Adviser")
        reference = make_item(session, contact=CONTACT, subject_name="Jamie").reference
        email, secret = adviser.email, adviser.totp_secret
    _sign_in(page, base_url, email, secret)
    page.goto(f"{base_url}/console/items/{reference}")
    page.locator("[data-reply-link]").click()
    page.get_by_label("Email (jamie@example.com)").check()
    page.get_by_label("Reply", exact=True).fill("Thank you for getting in touch. How are things today?")
    page.get_by_role("button", name="Preview").click()
    assert "How are things today?" in page.locator("[data-preview-body]").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Send").click()
    assert page.url.endswith(f"/console/items/{reference}")
    with live_app.extensions["db_sessionmaker"]() as session:
        outbox.drain(UnitOfWork(session), transport_for(live_app))
        sent = session.query(OutboxMessage).one()
        reply_to, message_id = sent.reply_to, sent.message_id
    [mail] = smtp_server.to("jamie@example.com")
    assert mail["Reply-To"] == reply_to

    listener = LMTPListener(live_app, "127.0.0.1", free_port())
    listener.start()
    try:
        with smtplib.LMTP("127.0.0.1", listener.port, timeout=10) as client:
            client.sendmail("jamie@example.com", [reply_to],
                            _mail(body="Better, thanks", Message_ID="<b1@example.com>").as_bytes())
        dovecot = Dovecot().start()
        try:
            second = _mail(body="Can we talk on Friday?", Message_ID="<b2@example.com>")
            second.replace_header("To", reply_to)
            _append(dovecot, second.as_bytes())
            assert poll_imap(live_app, host="127.0.0.1", port=dovecot.port, user=USER, password=PASSWORD,
                             ssl=False) == 1
        finally:
            dovecot.stop()
        with smtplib.LMTP("127.0.0.1", listener.port, timeout=10) as client:
            bounce = DSN.format(to=REPLIES, original=message_id).replace("\n", "\r\n").encode()
            client.sendmail("", [REPLIES], bounce)
    finally:
        listener.stop()

    page.goto(f"{base_url}/console/items/{reference}")
    received = page.locator("[data-thread-entry=in][data-kind=reply] [data-inbound-text]").all_inner_texts()
    assert received == ["Better, thanks", "Can we talk on Friday?"]
    assert page.locator("[data-thread-entry=in][data-kind=bounce]").count() == 1
    assert page.locator("[data-thread-entry=out]").get_attribute("data-state") == "failed"
    assert "bounced (5.1.1)" in page.locator("[data-thread-entry=out] [data-failure]").inner_text()
    axe_check(page)
    page.locator("[data-reply-link]").click()
    assert "Mail to their address is bouncing" in page.locator("[data-closed-channels]").inner_text()
