"""The transport for the council's case system, handed to talkzone.outbox beside mail and texts.

Outbox rows addressed ``<subscription>@webhook`` are signed by the Standard Webhooks scheme
(``webhook-id`` is the row's fixed id, so a retry repeats it) and POSTed to the subscription's URL;
rows addressed ``<area>@file-drop`` are written into the file drop's folder. Everything else goes
on to the mail transport. A 2xx answer is delivered; a timeout, a refused connection, 408, 429 or
a 5xx is retried with the outbox's backoff; any other answer (a redirect, which is never followed,
or a 4xx) is marked failed for an administrator to replay.
"""

from __future__ import annotations

import http.client
import ssl
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from standardwebhooks import Webhook

from talkzone import file_drop, webhooks
from talkzone.outbox import OutgoingMail, PermanentFailure, TemporaryFailure
from talkzone.uow import UnitOfWork

RETRIED_CODES = frozenset({408, 425, 429})


def signed_headers(secret: str, webhook_id: str, body: str, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {"webhook-id": webhook_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(webhook_id, at, body)}


def post(url: str, body: bytes, headers: dict, connect_timeout: float, read_timeout: float) -> int:
    """POST once, with separate connect and read timeouts; the receiver's status code."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=connect_timeout,
                                                 context=ssl.create_default_context())
    elif parts.scheme == "http":
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=connect_timeout)
    else:
        raise PermanentFailure("only http and https URLs are called")
    try:
        connection.connect()
        connection.sock.settimeout(read_timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)  # the answer's body is not used; a little is read so the server can finish
        return response.status
    finally:
        connection.close()


class HookRouting:
    """Webhook and file-drop rows to the case system; everything else to ``mail``."""

    def __init__(self, app: Flask, mail):
        self.mail = mail
        self.sessions = app.extensions["db_sessionmaker"]
        self.timeouts = (app.config["WEBHOOK_CONNECT_TIMEOUT"], app.config["WEBHOOK_READ_TIMEOUT"])
        self.drop = Path(app.config["FILE_DROP_DIR"]) if app.config.get("FILE_DROP_DIR") else None

    def _webhook(self, uow: UnitOfWork, targets: dict, outgoing: OutgoingMail) -> None:
        # Looked up once per batch: a subscription removed during a batch gets at most that batch.
        if outgoing.recipient not in targets:
            targets[outgoing.recipient] = webhooks.target(uow.session, outgoing.recipient)
            uow.commit()
        found = targets[outgoing.recipient]
        if found is None:
            raise PermanentFailure("the subscription was removed")
        headers = {"content-type": "application/json", "user-agent": "early-help-front-door-webhooks",
                   **signed_headers(found.secret, outgoing.message_id, outgoing.body, datetime.now(UTC))}
        try:
            status = post(found.url, outgoing.body.encode(), headers, *self.timeouts)
        except TimeoutError as exc:
            raise TemporaryFailure("the receiver did not answer in time") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise TemporaryFailure(f"could not reach the receiver: {type(exc).__name__}") from exc
        webhooks.record_answer(uow.session, outgoing.message_id, status)
        uow.commit()
        if 200 <= status < 300:
            return
        if status >= 500 or status in RETRIED_CODES:
            raise TemporaryFailure(f"the receiver answered HTTP {status}")
        raise PermanentFailure(f"the receiver refused it: HTTP {status}")

    def _file(self, outgoing: OutgoingMail) -> None:
        if self.drop is None:
            raise TemporaryFailure("FILE_DROP_DIR is not set")
        try:
            file_drop.write_item(self.drop, outgoing.recipient, outgoing.subject, outgoing.body)
        except OSError as exc:  # a full disk, a missing share: tried again later
            raise TemporaryFailure(f"could not write the file: {type(exc).__name__}") from exc
        except ValueError as exc:
            raise PermanentFailure(str(exc)) from exc

    @contextmanager
    def open(self):
        with ExitStack() as stack:
            send_mail = None
            uow, targets = stack.enter_context(UnitOfWork(self.sessions)), {}

            def send(outgoing: OutgoingMail) -> None:
                nonlocal send_mail
                if outgoing.recipient.endswith(webhooks.ADDRESS):
                    return self._webhook(uow, targets, outgoing)
                if outgoing.recipient.endswith(file_drop.ADDRESS):
                    return self._file(outgoing)
                if send_mail is None:  # the mail connection only when a mail is in the batch
                    send_mail = stack.enter_context(self.mail.open())
                return send_mail(outgoing)

            yield send
