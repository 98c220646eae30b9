"""Mail in over IMAP: Debian's Dovecot, started by the test, holds a reply; the poller takes it
onto its item, keeps it once, and removes it from the mailbox only after storing it."""

from __future__ import annotations

import imaplib

import pytest
from sqlalchemy import select

from portal.inbound import poll_imap
from talkzone.models import InboundMessage
from testkit.dovecot import PASSWORD, USER, Dovecot
from tests.integration.test_mail_in_lmtp import REPLIES, _mail, _sent_reply


@pytest.fixture(scope="module")
def dovecot():
    server = Dovecot().start()
    yield server
    server.stop()


def _append(dovecot, raw: bytes) -> None:
    client = imaplib.IMAP4("127.0.0.1", dovecot.port)
    client.login(USER, PASSWORD)
    client.append("INBOX", None, None, raw)
    client.logout()


def _poll(app, dovecot) -> int:
    return poll_imap(app, host="127.0.0.1", port=dovecot.port, user=USER, password=PASSWORD, ssl=False)


def test_a_reply_in_the_mailbox_lands_on_its_item_and_leaves_the_mailbox(make_app, db_session, dovecot):
    app = make_app(MAIL_IN_ADDRESS=REPLIES)
    item, sent = _sent_reply(app, db_session)
    reply = _mail(Message_ID="<imap-1@example.com>", body="Replying by IMAP")
    reply.replace_header("To", sent.reply_to)
    _append(dovecot, reply.as_bytes())
    _append(dovecot, reply.as_bytes())  # the same message twice in the mailbox is kept once
    assert _poll(app, dovecot) == 2
    [kept] = db_session.scalars(select(InboundMessage)).all()
    assert (kept.via, kept.kind, kept.submission_id, kept.text) == (
        "imap", "reply", item.id, "Replying by IMAP")
    assert _poll(app, dovecot) == 0
