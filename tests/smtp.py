"""A real SMTP server for tests (aiosmtpd), recording what it receives."""

from __future__ import annotations

import email
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
        message = email.message_from_bytes(envelope.content)
        with self.server.lock:
            self.server.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start, stop and restart on a fixed port; ``messages`` holds (recipients, message)."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[tuple[list[str], Message]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()
        self.controller = None

    def start(self) -> None:
        self.controller = Controller(_Recorder(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

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
