"""A real SMTP server for tests (aiosmtpd), recording what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import Message

from aiosmtpd.controller import Controller


class _Recorder:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Headers of a mail sent with SMTPUTF8 are raw UTF-8: read them as such.
        policy = email.policy.SMTPUTF8 if envelope.smtp_utf8 else email.policy.compat32
        message = email.message_from_bytes(envelope.content, policy=policy)
        with self.server.lock:
            self.server.messages.append((envelope.rcpt_tos, message))
            if envelope.smtp_utf8:
                self.server.smtputf8.append(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start, stop and restart on a fixed port; ``messages`` holds (recipients, message).

    With ``smtputf8`` the server offers SMTPUTF8; ``smtputf8`` then also lists the recipients
    of each mail that came with it.
    """

    def __init__(self, port: int, smtputf8: bool = False):
        self.port = port
        self.offers_smtputf8 = smtputf8
        self.smtputf8: list[list[str]] = []
        self.messages: list[tuple[list[str], Message]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(_Recorder(self), hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=self.offers_smtputf8)
        self.controller.start()

    def reset(self) -> None:
        """Forget what was received and refuse no one, as a new server would."""
        with self.lock:
            self.messages.clear()
            self.smtputf8.clear()
            self.refuse.clear()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]

    def message_ids(self) -> list[str]:
        with self.lock:
            return ["".join(m["Message-ID"].split()) for _, m in self.messages]
