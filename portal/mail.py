"""Mail transports handed to talkzone.outbox: SMTP through Flask-Mail, or files for development."""

from __future__ import annotations

import smtplib
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app
from flask_mail import Connection, Message

from portal.extensions import mail
from talkzone.outbox import OutgoingMail, PermanentFailure, TemporaryFailure


def init_app(app: Flask) -> None:
    mail.init_app(app)


class _TimedConnection(Connection):
    """Flask-Mail's connection opens SMTP with no timeout; a hung server would hang the worker."""

    def __init__(self, flask_mail, timeout: float):
        super().__init__(flask_mail)
        self.timeout = timeout

    def configure_host(self):
        cls = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = cls(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _message(outgoing: OutgoingMail, sender: str) -> Message:
    message = Message(subject=outgoing.subject, recipients=[outgoing.recipient],
                      body=outgoing.body, sender=sender)
    message.msgId = outgoing.message_id
    return message


def _classify(exc: Exception) -> Exception:
    """SMTP 5xx answers are permanent; everything else (4xx, network, timeouts) is retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return PermanentFailure(f"recipient refused: {codes}")
    elif isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        return PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}"[:300])
    return TemporaryFailure(f"{type(exc).__name__}: {exc}"[:300])


class SMTPTransport:
    """Sends over SMTP with Flask-Mail, one connection per batch, with a socket timeout."""

    def __init__(self, app: Flask):
        self.app = app
        self.sender = app.extensions["profile"].sender
        self.timeout = app.config["MAIL_TIMEOUT"]

    @contextmanager
    def open(self):
        with self.app.app_context():
            try:
                connection = _TimedConnection(current_app.extensions["mail"], self.timeout)
                connection.__enter__()
            except (OSError, smtplib.SMTPException) as exc:
                raise _classify(exc) from exc

            def send(outgoing: OutgoingMail) -> None:
                try:
                    connection.send(_message(outgoing, self.sender))
                except (OSError, smtplib.SMTPException) as exc:
                    raise _classify(exc) from exc

            try:
                yield send
            finally:
                try:
                    connection.__exit__(None, None, None)
                except (OSError, smtplib.SMTPException):
                    pass  # the messages already accepted stay sent


class FileTransport:
    """Writes each message as an .eml file: the development mail sink."""

    def __init__(self, app: Flask):
        self.directory = Path(app.instance_path) / "mail"
        self.sender = app.extensions["profile"].sender
        self.app = app

    @contextmanager
    def open(self):
        self.directory.mkdir(parents=True, exist_ok=True)

        def send(outgoing: OutgoingMail) -> None:
            with self.app.app_context():
                data = _message(outgoing, self.sender).as_bytes()
            name = outgoing.message_id.strip("<>").replace("@", "_at_")
            (self.directory / f"{name}.eml").write_bytes(data)

        yield send


def transport_for(app: Flask):
    kind = app.config["MAIL_TRANSPORT"]
    if kind == "files":
        return FileTransport(app)
    if kind == "smtp":
        return SMTPTransport(app)
    raise ValueError(f"MAIL_TRANSPORT must be smtp or files, not {kind!r}")
