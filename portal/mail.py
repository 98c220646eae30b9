"""Mail transports handed to talkzone.outbox: SMTP through Flask-Mail, or files for development.

Messages are built with the stdlib ``email`` package, which (unlike Flask-Mail's) can carry
internationalised addresses: a domain outside ASCII goes as IDNA, a local part outside ASCII
only over SMTPUTF8. Flask-Mail is used for its connection settings alone.
"""

from __future__ import annotations

import smtplib
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import formatdate, parseaddr
from pathlib import Path

import idna
from flask import Flask, current_app
from flask_mail import Connection

from portal.extensions import mail
from portal.profile import current_profile
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


def _address(address: str) -> str:
    """The address with its domain in IDNA (punycode) form, which every server takes."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except UnicodeError as exc:  # idna.IDNAError is one
        raise PermanentFailure("the recipient's domain cannot be written in IDNA form") from exc


def _message(outgoing: OutgoingMail, sender: str) -> EmailMessage:
    """The mail as sent and as written to files; headers are raw UTF-8 only when the address needs it."""
    recipient = _address(outgoing.recipient)
    message = EmailMessage(policy=SMTP if recipient.isascii() else SMTPUTF8)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = outgoing.message_id
    if outgoing.reply_to:
        message["Reply-To"] = outgoing.reply_to
    # 8bit as before: readers see the text itself rather than base64.
    message.set_content(outgoing.body, cte="7bit" if outgoing.body.isascii() else "8bit")
    return message


NO_SMTPUTF8 = ("the mail server does not offer SMTPUTF8, which an address with letters "
               "outside ASCII before the @ needs")


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
        self.sender = current_profile(app).sender
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
                message = _message(outgoing, self.sender)
                host = connection.host
                if host is None:  # MAIL_SUPPRESS_SEND
                    return
                try:
                    host.ehlo_or_helo_if_needed()
                    recipient = str(message["To"])
                    if not recipient.isascii() and not host.has_extn("smtputf8"):
                        raise PermanentFailure(NO_SMTPUTF8)
                    # send_message asks for SMTPUTF8 itself when an address needs it, and only then.
                    host.send_message(message, parseaddr(self.sender)[1], [recipient])
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
        self.sender = current_profile(app).sender

    @contextmanager
    def open(self):
        self.directory.mkdir(parents=True, exist_ok=True)

        def send(outgoing: OutgoingMail) -> None:
            data = _message(outgoing, self.sender).as_bytes()
            name = outgoing.message_id.strip("<>").replace("@", "_at_")
            (self.directory / f"{name}.eml").write_bytes(data)

        yield send


def transport_for(app: Flask):
    """Mail, with texts through Notify when it is set up, and webhooks and the file drop beside them."""
    from portal.notify import with_notify
    from portal.webhooks import HookRouting

    kind = app.config["MAIL_TRANSPORT"]
    if kind == "files":
        return HookRouting(app, with_notify(app, FileTransport(app)))
    if kind == "smtp":
        return HookRouting(app, with_notify(app, SMTPTransport(app)))
    raise ValueError(f"MAIL_TRANSPORT must be smtp or files, not {kind!r}")
