"""Mail in: the LMTP listener a council's mail server relays replies to, the IMAP poller of a
hosted mailbox (`flask mail-in`, in portal.commands.mail_in, runs them).

Each message is stored raw and committed before the listener answers 250, so a crash after
that answer loses nothing; reading it (reply, bounce, new contact) happens after the commit
and a failure there leaves the raw message kept for another try. A message over the size
limit is refused with 552 by aiosmtpd itself. The listener never stops for one bad message.
"""

from __future__ import annotations

import asyncio
import logging
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from flask import Flask
from imapclient import IMAPClient

from portal.emails import mailing
from talkzone import mail_in
from talkzone.uow import UnitOfWork

log = logging.getLogger(__name__)


def receive(app: Flask, raw: bytes, recipients: list[str], via: str) -> str:
    """Keep one message (committed), then read it; returns the SMTP answer to give."""
    with app.app_context(), UnitOfWork(app.extensions["db_sessionmaker"]) as uow:
        inbound = mail_in.accept(uow.session, raw, recipients, via)
        uow.commit()
        if inbound is None:
            return "250 OK (already received)"
        try:
            mail_in.process(uow.session, inbound, mailing(), app.config["MAIL_IN_MAX_BYTES"] // 10)
            uow.commit()
        except Exception as exc:  # the raw message is kept; reading it can be tried again
            uow.rollback()
            log.error("mail in %s: could not be read (%s); kept raw", inbound.id, type(exc).__name__)
        return "250 OK"


class _Handler:
    def __init__(self, app: Flask):
        self.app = app

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        try:
            return await asyncio.get_running_loop().run_in_executor(
                None, receive, self.app, raw, list(envelope.rcpt_tos), "lmtp")
        except Exception as exc:  # e.g. the database is down: the sender keeps it and retries
            log.error("mail in: could not store a message (%s); answered 451", type(exc).__name__)
            return "451 Requested action aborted: try again later"


class LMTPListener(Controller):
    """aiosmtpd's controller speaking LMTP rather than SMTP."""

    def __init__(self, app: Flask, host: str, port: int):
        super().__init__(_Handler(app), hostname=host, port=port,
                         data_size_limit=app.config["MAIL_IN_MAX_BYTES"], enable_SMTPUTF8=True)

    def factory(self):
        return LMTP(self.handler, **self.SMTP_kwargs)


def _recipients(raw: bytes) -> list[str]:
    headers = BytesHeaderParser().parsebytes(raw, headersonly=True)
    values = [str(v) for name in ("Delivered-To", "X-Original-To", "To", "Cc")
              for v in headers.get_all(name) or []]
    return [address for _, address in getaddresses(values) if address]


def poll_imap(app: Flask, *, host: str, port: int, user: str, password: str, ssl: bool,
              folder: str = "INBOX") -> int:
    """Take every message from the mailbox: keep it (committed), then delete it there; returns how many."""
    taken = 0
    with IMAPClient(host, port=port, ssl=ssl, timeout=30) as client:
        client.login(user, password)
        client.select_folder(folder)
        for uid in client.search(["NOT", "DELETED"]):
            raw = client.fetch([uid], ["RFC822"])[uid][b"RFC822"]
            try:
                receive(app, raw, _recipients(raw), "imap")
            except Exception as exc:  # left in the mailbox for the next round
                log.error("mail in: could not store an IMAP message (%s); left there", type(exc).__name__)
                continue
            client.delete_messages([uid])
            taken += 1
        client.expunge()
    return taken
