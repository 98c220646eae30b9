"""Signed webhooks to a council's case system: subscriptions, events and their deliveries.

``publish(session, item, event)`` queues one outbox row per live subscription to the event, in
the caller's transaction: the outbox then delivers it with its leases, retries and backoff. The
row's ``message_id`` is the delivery's webhook-id (Standard Webhooks), fixed when queued, so a
retry or a replay repeats the same id and the receiver can drop a repeat. The payload carries the
item's reference, the event, its time and a link to the console item; the item itself (as staff
may see it, ``talkzone.disclosure.case_record``) only where the subscription includes it and
the contact policy lets the case system have it (never a helpline contact's).

The portal's transport (portal/webhooks.py) signs and POSTs each row; the console link's base
and whether the file drop is on come from the session's ``info`` (set by portal/db.py).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from talkzone import access, audit, contact_policy, outbox
from talkzone.disclosure import case_record
from talkzone.models import OutboxMessage, Submission, User, WebhookDelivery, WebhookSubscription, utcnow

EVENTS = ("item.created", "item.rerouted", "item.status_changed")
PURPOSE = "council_webhook"
ADDRESS = "@webhook"  # an outbox row's recipient is "<subscription id>@webhook"


class WebhookError(ValueError):
    """A subscription that cannot be made; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str) -> str:
    """The URL, if it is an absolute http(s) URL with a host; WebhookError otherwise."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as exc:
        raise WebhookError("bad_url") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000 \
            or any(c.isspace() for c in url):
        raise WebhookError("bad_url")
    return url


def _require(actor: User | None) -> None:
    # The command line acts for the administrator at the server (actor None); the console as staff.
    if actor is not None:
        access.require(actor, "manage_webhooks")


def add(session: Session, actor: User | None, *, name: str, url: str, events: list[str],
        include_item: bool = False) -> WebhookSubscription:
    """A new subscription with a fresh secret (shown once to whoever adds it)."""
    _require(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise WebhookError("bad_name")
    url = check_url(url)
    if not events or any(e not in EVENTS for e in events):
        raise WebhookError("bad_events")
    subscription = WebhookSubscription(name=name, url=url, events=sorted(set(events)),
                                       secret=new_secret(), include_item=include_item)
    session.add(subscription)
    session.flush()
    audit.record(session, "webhook_added", actor=actor, subscription=subscription.id,
                 events=subscription.events, include_item=include_item)
    return subscription


def subscriptions(session: Session) -> list[WebhookSubscription]:
    """Live subscriptions, oldest first."""
    return list(session.scalars(select(WebhookSubscription).where(WebhookSubscription.removed_at.is_(None))
                                .order_by(WebhookSubscription.id)))


def get(session: Session, subscription_id: int) -> WebhookSubscription | None:
    """A live subscription, or None."""
    found = session.get(WebhookSubscription, subscription_id)
    return found if found is not None and found.removed_at is None else None


def remove(session: Session, actor: User | None, subscription_id: int) -> bool:
    """Stop a subscription: nothing more is queued for it and what is still queued fails."""
    _require(actor)
    found = get(session, subscription_id)
    if found is None:
        return False
    found.removed_at = utcnow()
    audit.record(session, "webhook_removed", actor=actor, subscription=found.id)
    return True


def console_link(session: Session, item: Submission) -> str:
    return f"{session.info.get('public_base_url', '').rstrip('/')}/console/items/{item.reference}"


def payload(session: Session, item: Submission, event: str, at: datetime, include_item: bool,
            **extra) -> dict:
    """What a delivery says (the Standard Webhooks shape: type, timestamp, data)."""
    data = {"reference": item.reference, "event": event, "occurred_at": at.isoformat(),
            "link": console_link(session, item), **extra}
    if include_item and contact_policy.case_system_may_have(item.kind):
        data["item"] = case_record(item)
    return {"type": event, "timestamp": at.isoformat(), "data": data}


def publish(session: Session, item: Submission, event: str, **extra) -> list[WebhookDelivery]:
    """Queue a delivery of ``event`` on ``item`` for every live subscription to it (caller commits)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    now = utcnow()
    session.flush()
    queued = []
    for subscription in subscriptions(session):
        if event not in subscription.events:
            continue
        body = json.dumps(payload(session, item, event, now, subscription.include_item, **extra),
                          ensure_ascii=False, sort_keys=True, default=str)
        message = outbox.queue(session, submission=item, purpose=PURPOSE,
                               recipient=f"{subscription.id}{ADDRESS}", subject=event, body=body,
                               domain="webhook", message_id=f"msg_{secrets.token_urlsafe(18)}")
        delivery = WebhookDelivery(subscription_id=subscription.id, message=message, event=event)
        session.add(delivery)
        queued.append(delivery)
    return queued


@dataclass(frozen=True)
class Target:
    url: str
    secret: str


def target(session: Session, recipient: str) -> Target | None:
    """Where a queued row goes, or None if its subscription was removed."""
    found = get(session, int(recipient.removesuffix(ADDRESS)))
    return Target(found.url, found.secret) if found is not None else None


def record_answer(session: Session, webhook_id: str, status_code: int | None) -> None:
    """Keep the receiver's HTTP status code on the delivery (caller commits)."""
    delivery = session.scalar(select(WebhookDelivery).join(WebhookDelivery.message)
                              .where(OutboxMessage.message_id == webhook_id))
    if delivery is not None:
        delivery.status_code = status_code


def deliveries(session: Session, subscription_id: int, limit: int = 200) -> list[WebhookDelivery]:
    """A subscription's deliveries, newest first, with their outbox rows."""
    return list(session.scalars(select(WebhookDelivery).join(WebhookDelivery.message)
                                .where(WebhookDelivery.subscription_id == subscription_id)
                                .order_by(WebhookDelivery.id.desc()).limit(limit)))


def replay(session: Session, actor: User | None, delivery_id: int, subscription_id: int) -> bool:
    """Send a failed delivery again, now, with the same webhook-id; False if it has not failed (or its
    item has since been anonymised, which empties the row)."""
    _require(actor)
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription_id \
            or delivery.message.status != outbox.FAILED \
            or not delivery.message.recipient.endswith(ADDRESS) \
            or get(session, delivery.subscription_id) is None:
        return False
    delivery.message.status = outbox.QUEUED
    delivery.message.next_attempt_at = utcnow()
    audit.record(session, "webhook_replayed", submission=delivery.message.submission, actor=actor,
                 subscription=delivery.subscription_id, delivery=delivery.id)
    return True
