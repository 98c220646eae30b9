"""GOV.UK Notify for texts, when a Notify key is set: outbound through the official client, and
inbound texts through Notify's callback, authenticated with its bearer token.

The contact policy addresses a text to ``<mobile>@notify`` when Notify is the text service (the
``SMS_EMAIL_GATEWAY`` of the policy's decision), so the outbox carries it like any message and
this transport hands it to Notify instead of the mail server.
"""

from __future__ import annotations

import hmac
import json
import logging
from contextlib import ExitStack, contextmanager

from flask import Blueprint, Flask, abort, current_app, request
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from portal import db
from portal.emails import mailing
from portal.extensions import csrf
from talkzone import mail_in
from talkzone.outbox import OutgoingMail, PermanentFailure, TemporaryFailure

NOTIFY_GATEWAY = "notify"
log = logging.getLogger(__name__)
bp = Blueprint("notify", __name__, url_prefix="/notify")


class NotifyRouting:
    """Texts addressed ``...@notify`` go to GOV.UK Notify; everything else to ``mail``."""

    def __init__(self, app: Flask, mail):
        self.mail = mail
        self.client = NotificationsAPIClient(app.config["NOTIFY_API_KEY"],
                                             base_url=app.config["NOTIFY_BASE_URL"], timeout=30)
        self.template_id = app.config["NOTIFY_SMS_TEMPLATE_ID"]

    def _text(self, outgoing: OutgoingMail) -> None:
        try:
            self.client.send_sms_notification(
                phone_number=outgoing.recipient.partition("@")[0], template_id=self.template_id,
                personalisation={"body": outgoing.body.strip()}, reference=outgoing.message_id)
        except HTTPError as exc:
            status = exc.status_code or 0
            if 400 <= status < 500 and status != 429:
                raise PermanentFailure(f"Notify refused the text ({status})") from exc
            raise TemporaryFailure(f"Notify unavailable ({status})") from exc
        except OSError as exc:
            raise TemporaryFailure(f"Notify unreachable: {type(exc).__name__}") from exc

    @contextmanager
    def open(self):
        with ExitStack() as stack:
            send_mail = None

            def send(outgoing: OutgoingMail) -> None:
                nonlocal send_mail
                if outgoing.recipient.endswith(f"@{NOTIFY_GATEWAY}"):
                    return self._text(outgoing)
                if send_mail is None:  # the mail connection only when a mail is in the batch
                    send_mail = stack.enter_context(self.mail.open())
                return send_mail(outgoing)

            yield send


def with_notify(app: Flask, transport):
    """The transport, with texts through Notify when a Notify key is set."""
    return NotifyRouting(app, transport) if app.config.get("NOTIFY_API_KEY") else transport


@bp.post("/inbound-sms")
@csrf.exempt
def inbound_sms():
    """Notify's inbound text callback: kept, then put on the item whose mobile number matches."""
    token = current_app.config.get("NOTIFY_INBOUND_TOKEN") or ""
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("content"), str):
        abort(400)
    session = db.session()
    inbound = mail_in.accept_text(session, json.dumps(payload).encode(), payload)
    if inbound is not None:
        mail_in.process_text(session, inbound, payload, mailing())
    return {"status": "ok"}
