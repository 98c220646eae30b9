"""Webhooks to a real HTTP receiver on 127.0.0.1 (testkit/webhooks.py), through the outbox.

Every delivery's signature is checked by the receiver with the standardwebhooks package; each is
counted by its webhook-id, which the outbox fixes when the row is queued.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from standardwebhooks import Webhook, WebhookVerificationError

from portal.mail import transport_for
from portal.webhooks import post, signed_headers
from talkzone import access, outbox, webhooks
from talkzone.models import AuditEvent, Kind, OutboxMessage, WebhookDelivery, utcnow
from talkzone.uow import UnitOfWork
from testkit.factories import make_api_client, make_item, make_user, sign_in_as
from testkit.webhooks import WebhookReceiver
from tests.conftest import free_port
from tests.journeys import FAMILY_ANY_TIME, submit_request
from tests.pages import first_strong

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
AGREED = {"basis": "agreed", "how_agreed": "On the phone at 4:20pm today"}


@pytest.fixture
def receiver():
    with WebhookReceiver(free_port()) as server:
        yield server


def _subscribe(db_session, receiver, events=webhooks.EVENTS, include_item=False, name="Case system"):
    subscription = webhooks.add(db_session, None, name=name, url=receiver.url, events=list(events),
                                include_item=include_item)
    db_session.commit()
    receiver.secret = subscription.secret
    return subscription


def _deliver(app, at=None):
    with app.app_context(), UnitOfWork(app.extensions["db_sessionmaker"]) as uow:
        return outbox.drain(uow, transport_for(app), now=(lambda: at) if at else utcnow)


def _hooks(db_session):
    db_session.expire_all()
    return list(db_session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == webhooks.PURPOSE)
                                   .order_by(OutboxMessage.id)))


def test_a_submission_and_a_reroute_reach_the_receiver_signed_with_the_item_only_where_allowed(
        app, client, db_session, receiver, smtp_server):
    brief = _subscribe(db_session, receiver)
    full = webhooks.add(db_session, None, name="Full", url=receiver.url, events=["item.created"],
                        include_item=True)
    full.secret = brief.secret  # one receiver checks both with one secret
    db_session.commit()
    reference = first_strong(submit_request(client, FAMILY_ANY_TIME))
    contact = make_item(db_session)
    adviser = app.test_client()
    sign_in_as(adviser, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    assert adviser.post(f"/console/items/{contact.reference}/reroute",
                        data={"target": "complaint", "version": 1, **AGREED}).status_code == 302
    assert _deliver(app).failed == 0

    got = receiver.accepted()
    assert len(got) == len(receiver.received) == 5  # two items created, to both; one rerouted, to one
    assert all(r.verified for r in got)
    by_kind = Counter((r.payload["type"], r.payload["data"]["reference"], "item" in r.payload["data"])
                      for r in got)
    new_reference = next(r.payload["data"]["rerouted_to"] for r in got
                         if r.payload["type"] == "item.rerouted")
    assert by_kind == Counter({("item.created", reference, False): 1, ("item.created", reference, True): 1,
                               ("item.created", new_reference, False): 1,
                               ("item.created", new_reference, True): 1,
                               ("item.rerouted", contact.reference, False): 1})
    created = next(r.payload["data"] for r in got if "item" in r.payload["data"])
    assert created["link"] == f"http://127.0.0.1:5000/console/items/{reference}"
    assert created["item"]["reference"] == reference and created["item"]["area_code"] == "preston"
    assert "matched" not in created["item"] and "messages" not in created["item"]
    brief_one = next(r for r in got
                     if r.payload["data"]["reference"] == reference and "item" not in r.payload["data"])
    assert "Alex" not in brief_one.body and "@" not in brief_one.body  # no names or contact details
    assert {r.webhook_id for r in got} == {m.message_id for m in _hooks(db_session)}


def test_a_status_from_the_api_reaches_the_receiver_as_item_status_changed(app, db_session, receiver):
    _subscribe(db_session, receiver, events=["item.status_changed"])
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT)
    _, token = make_api_client(db_session)
    answer = app.test_client().post(f"/api/v1/items/{item.reference}/status",
                                    json={"status": "accepted", "case_id": "LCS-4471"},
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert _deliver(app).sent == 1
    (got,) = receiver.accepted()
    assert got.verified and got.payload["type"] == "item.status_changed"
    assert (got.payload["data"]["reference"], got.payload["data"]["source"], got.payload["data"]["status"],
            got.payload["data"]["case_id"]) == (item.reference, "case_system", "accepted", "LCS-4471")


def test_a_status_staff_set_in_the_console_reaches_the_receiver_as_item_status_changed(
        app, db_session, receiver):
    _subscribe(db_session, receiver, events=["item.status_changed"])
    item = make_item(db_session, Kind.REQUEST_FOR_SUPPORT, "preston")
    officer = app.test_client()
    sign_in_as(officer, db_session, make_user(db_session, access.DISTRICT_TRIAGE_OFFICER, areas=["preston"]))
    assert officer.post(f"/console/items/{item.reference}/status",
                        data={"status": "acknowledged", "version": 1}).status_code == 302
    assert _deliver(app).sent == 1
    (got,) = receiver.accepted()
    assert got.verified and got.payload["type"] == "item.status_changed"
    data = got.payload["data"]
    assert (data["reference"], data["source"], data["status"], data["previous"]) == (
        item.reference, "console", "acknowledged", "new")


def test_a_helpline_contact_is_never_sent_with_its_content(app, db_session, receiver):
    _subscribe(db_session, receiver, include_item=True)
    webhooks.publish(db_session, make_item(db_session), "item.status_changed")
    webhooks.publish(db_session, make_item(db_session, Kind.COMPLAINT), "item.status_changed")
    db_session.commit()
    assert _deliver(app).sent == 2
    helpline, complaint = (r.payload["data"] for r in receiver.accepted())
    assert "item" not in helpline and "Things are hard at home" not in str(helpline)
    assert complaint["item"]["kind"] == Kind.COMPLAINT


def test_receiver_down_then_worker_killed_mid_delivery_every_event_arrives_once(
        database_url, db_session, smtp_server):
    receiver = WebhookReceiver(free_port())
    subscription = webhooks.add(db_session, None, name="Case system", url=receiver.url,
                                events=list(webhooks.EVENTS))
    receiver.secret = subscription.secret
    items = [make_item(db_session) for _ in range(8)]
    for number in range(60):
        webhooks.publish(db_session, items[number % 8], webhooks.EVENTS[number % 3])
    db_session.commit()
    queued = {m.message_id for m in _hooks(db_session)}
    assert len(queued) == 60

    # The receiver is down: a real `flask outbox send` tries a batch once and puts it back to wait.
    result = subprocess.run([str(FLASK), "--app", "portal", "outbox", "send"], cwd=ROOT,
                            env=_env(database_url, smtp_server.port), capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    rows = _hooks(db_session)
    tried = [m for m in rows if m.attempts]
    assert {m.status for m in rows} == {outbox.QUEUED} and {m.attempts for m in tried} == {1}
    assert len(tried) == 50 and all("could not reach the receiver" in m.last_error for m in tried)
    # The backoff runs out; the receiver comes back, slow enough for kills to land mid-delivery.
    db_session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    db_session.commit()
    receiver.delay = 0.02
    receiver.start()
    try:
        kills, in_flight = 0, set()
        for _ in range(6):
            worker = subprocess.Popen([str(FLASK), "--app", "portal", "outbox", "worker", "--poll", "0.1"],
                                      cwd=ROOT, env=_env(database_url, smtp_server.port),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seen = len(receiver.received)
            _wait_for(lambda: len(receiver.received) > seen or worker.poll() is not None)
            time.sleep(random.uniform(0, 0.1))
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            time.sleep(0.1)  # let the receiver finish the request whose sender just died
            kills += 1
            if receiver.received:
                in_flight.add(receiver.received[-1].webhook_id)
            db_session.execute(update(OutboxMessage).where(OutboxMessage.status == outbox.SENDING)
                               .values(lease_until=utcnow() - timedelta(seconds=1)))
            db_session.commit()
        reached = {r.webhook_id for r in receiver.received}
        assert len(reached) < len(queued), "the kills did not land mid-queue"
        worker = subprocess.Popen([str(FLASK), "--app", "portal", "outbox", "worker", "--poll", "0.1"],
                                  cwd=ROOT, env=_env(database_url, smtp_server.port),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(lambda: {m.status for m in _hooks(db_session)} == {outbox.SENT}, timeout=90)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        receiver.stop()

    assert all(r.verified for r in receiver.received)
    counted = Counter(r.webhook_id for r in receiver.accepted())
    assert set(counted) == queued  # nothing lost
    repeated = {webhook_id for webhook_id, count in counted.items() if count > 1}
    print(f"worker killed {kills} times; deliveries repeated: {len(repeated)}")
    assert repeated <= in_flight and sum(counted.values()) - len(queued) <= kills
    # Each event once per item and type, whatever was repeated: the repeat had the same webhook-id.
    events = Counter((r.payload["data"]["reference"], r.payload["type"], r.webhook_id)
                     for r in receiver.accepted())
    assert len(events) == 60


def _env(database_url: str, smtp_port: int) -> dict:
    return {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": "worker-test-secret",
            "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
            "MAIL_TIMEOUT": "5", "WEBHOOK_CONNECT_TIMEOUT": "2", "WEBHOOK_READ_TIMEOUT": "2",
            "LOG_LEVEL": "WARNING"}


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_receiver_answering_500_is_retried_with_backoff_and_the_same_id(app, db_session, receiver):
    _subscribe(db_session, receiver)
    webhooks.publish(db_session, make_item(db_session), "item.status_changed")
    db_session.commit()
    receiver.answer = 500
    assert _deliver(app).retried == 1
    [row] = _hooks(db_session)
    delivery = db_session.scalar(select(WebhookDelivery))
    assert (row.status, row.attempts, delivery.status_code) == (outbox.QUEUED, 1, 500)
    assert row.last_error == "the receiver answered HTTP 500"
    assert row.next_attempt_at > utcnow()
    assert _deliver(app).handled == 0  # not before its backoff runs out
    receiver.answer = 200
    assert _deliver(app, at=utcnow() + timedelta(minutes=2)).sent == 1
    db_session.refresh(delivery)
    assert delivery.status_code == 200
    assert [r.webhook_id for r in receiver.received] == [row.message_id] * 2
    assert receiver.received[1].payload["type"] == "item.status_changed"


def test_a_receiver_answering_500_for_a_day_is_tried_hourly_and_gets_every_event_once_it_recovers(
        app, db_session, receiver):
    _subscribe(db_session, receiver)
    first = make_item(db_session)
    webhooks.publish(db_session, first, "item.created")
    db_session.commit()
    receiver.answer = 500
    start, at, gaps, second = utcnow(), utcnow(), [], None
    while at < start + timedelta(days=1):
        assert _deliver(app, at=at).retried >= 1
        if second is None and at > start + timedelta(hours=12):  # an event queued while it is down
            second = make_item(db_session)
            webhooks.publish(db_session, second, "item.status_changed")
            db_session.commit()
        rows = _hooks(db_session)
        assert all(row.status == outbox.QUEUED for row in rows), "nothing is given up on"
        next_at = min(row.next_attempt_at for row in rows)
        gaps.append(next_at - at)
        at = next_at
    assert len(gaps) > 24 and max(gaps) == outbox.MAX_BACKOFF  # tried at least hourly all day
    receiver.answer = 200
    assert _deliver(app, at=at + outbox.MAX_BACKOFF).sent == 2  # both due again within the hour
    assert all(row.status == outbox.SENT for row in _hooks(db_session))
    accepted = receiver.accepted()
    assert sorted(r.payload["data"]["reference"] for r in accepted) == sorted(
        [first.reference, second.reference])
    assert all(r.verified for r in accepted)
    tried = Counter(r.webhook_id for r in receiver.received)
    assert len(tried) == 2 and len({r.webhook_id for r in accepted}) == 2  # one id each, every try


def test_a_receiver_that_hangs_times_out_and_is_tried_again(make_app, db_session, receiver):
    app = make_app(WEBHOOK_READ_TIMEOUT=0.5)
    _subscribe(db_session, receiver)
    webhooks.publish(db_session, make_item(db_session), "item.created")
    db_session.commit()
    receiver.delay = 3
    started = time.monotonic()
    assert _deliver(app).retried == 1
    assert time.monotonic() - started < 2.5
    [row] = _hooks(db_session)
    assert row.last_error == "the receiver did not answer in time"
    receiver.delay = 0
    assert _deliver(app, at=utcnow() + timedelta(minutes=2)).sent == 1
    assert _hooks(db_session)[0].status == outbox.SENT


def test_a_failed_delivery_is_replayed_from_the_console_with_the_same_id_and_audited(
        app, db_session, receiver):
    subscription = _subscribe(db_session, receiver)
    item = make_item(db_session)
    webhooks.publish(db_session, item, "item.created")
    db_session.commit()
    receiver.answer = 410
    assert _deliver(app).failed == 1
    admin = app.test_client()
    sign_in_as(admin, db_session, make_user(db_session, access.ADMINISTRATOR))
    log = admin.get(f"/console/webhooks/{subscription.id}").get_data(as_text=True)
    assert "the receiver refused it: HTTP 410" in log and item.reference in log and "Send again" in log
    delivery = db_session.scalar(select(WebhookDelivery))
    receiver.answer = 200
    done = admin.post(f"/console/webhooks/{subscription.id}/deliveries/{delivery.id}/replay",
                      follow_redirects=True)
    assert "Delivery queued to be sent again" in done.get_data(as_text=True)
    assert _deliver(app).sent == 1
    first, second = receiver.received
    assert first.webhook_id == second.webhook_id and second.verified
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook_replayed")).all()
    assert event.submission_id == item.id and event.detail["delivery"] == delivery.id
    # A delivery that did not fail cannot be replayed.
    again = admin.post(f"/console/webhooks/{subscription.id}/deliveries/{delivery.id}/replay",
                       follow_redirects=True)
    assert "Only a failed delivery can be sent again" in again.get_data(as_text=True)


def test_the_receiver_side_check_refuses_an_old_or_replayed_timestamp(app, db_session, receiver):
    subscription = _subscribe(db_session, receiver)
    webhooks.publish(db_session, make_item(db_session), "item.created")
    db_session.commit()
    assert _deliver(app).sent == 1
    [fresh] = receiver.received
    headers = {"webhook-id": fresh.webhook_id, "webhook-timestamp": fresh.timestamp,
               "webhook-signature": fresh.signature}
    assert Webhook(subscription.secret).verify(fresh.body, headers)["type"] == "item.created"
    # The same delivery signed six minutes ago (as a captured request replayed later would be).
    old = signed_headers(subscription.secret, fresh.webhook_id, fresh.body,
                         datetime.now(UTC) - timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(subscription.secret).verify(fresh.body, old)
    assert post(receiver.url, fresh.body.encode(), {**old, "content-type": "application/json"}, 2, 2) == 401
    assert not receiver.received[-1].verified
    # A signature from another secret fails too.
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(fresh.body, headers)


def test_a_removed_subscription_gets_nothing_more_and_what_was_queued_fails(app, db_session, receiver):
    subscription = _subscribe(db_session, receiver)
    item = make_item(db_session)
    webhooks.publish(db_session, item, "item.created")
    assert webhooks.remove(db_session, None, subscription.id)
    assert webhooks.publish(db_session, item, "item.status_changed") == []
    db_session.commit()
    assert _deliver(app).failed == 1
    assert _hooks(db_session)[0].last_error == "the subscription was removed"
    assert receiver.received == []
