"""A real HTTP receiver for webhooks, on 127.0.0.1 only, for tests and benchmarks.

It verifies each delivery's Standard Webhooks signature with the ``standardwebhooks`` package
(when given the subscription's secret) and records every request. ``answer`` sets the status
code it replies with, ``delay`` how long it waits before replying (longer than the sender's read
timeout: a hung receiver); ``stop`` and ``start`` take it down and bring it back on the same port.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Received:
    webhook_id: str
    timestamp: str
    signature: str
    body: str
    verified: bool
    answered: int

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    server_version = "testkit-webhooks"

    def log_message(self, format, *args):  # quiet
        pass

    def do_POST(self):  # noqa: N802 (http.server's name)
        receiver: WebhookReceiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        verified = False
        if receiver.secret:
            try:
                Webhook(receiver.secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        answer = receiver.answer if verified or not receiver.secret else 401
        if receiver.delay:
            time.sleep(receiver.delay)
        with receiver.lock:
            receiver.received.append(Received(
                headers.get("webhook-id", ""), headers.get("webhook-timestamp", ""),
                headers.get("webhook-signature", ""), body, verified, answer))
        try:
            self.send_response(answer)
            self.send_header("content-length", "0")
            self.end_headers()
        except OSError:
            pass  # the sender gave up waiting


class WebhookReceiver:
    """``received`` holds every request, in order, whatever it was answered."""

    def __init__(self, port: int, secret: str | None = None):
        self.port, self.secret = port, secret
        self.answer, self.delay = 200, 0.0
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> None:
        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.receiver = self
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def accepted(self) -> list[Received]:
        """The deliveries it verified and answered with a 2xx."""
        with self.lock:
            return [r for r in self.received if r.verified and 200 <= r.answered < 300]

    def __enter__(self) -> WebhookReceiver:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
