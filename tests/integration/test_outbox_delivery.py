"""The outbox against a real SMTP server: outages, refusals, hung servers, leases."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from portal.mail import transport_for
from talkzone import outbox
from talkzone.models import OutboxMessage, utcnow
from talkzone.uow import UnitOfWork
from tests.conftest import free_port
from tests.journeys import FAMILY_ANY_TIME, answers, submit_request


def _session(app):
    return app.extensions["db_sessionmaker"]()


def _messages(app):
    with _session(app) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_smtp_outage_delays_mail_and_loses_none(app, client, smtp_server):
    for postcode, area in (("PR1 2AB", "preston"), ("BB11 1AA", "burnley"), ("LA1 1AA", "lancaster")):
        submit_request(client, answers(FAMILY_ANY_TIME, address={"postcode": postcode}, area={"area": area}))
    smtp_server.stop()
    with app.app_context(), _session(app) as session:
        stats = outbox.drain(UnitOfWork(session), transport_for(app))
    assert stats.sent == 0 and stats.retried == 6
    before = utcnow()
    for message in _messages(app):
        assert message.status == "queued" and message.attempts == 1
        assert message.last_error and message.next_attempt_at > before
    # Still down an hour later: attempts climb, nothing is dropped.
    with app.app_context(), _session(app) as session:
        outbox.drain(UnitOfWork(session), transport_for(app), now=lambda: utcnow() + timedelta(hours=1))
    assert {m.attempts for m in _messages(app)} == {2}
    smtp_server.start()
    with app.app_context(), _session(app) as session:
        later = lambda: utcnow() + timedelta(hours=3)  # noqa: E731
        stats = outbox.drain(UnitOfWork(session), transport_for(app), now=later)
        assert outbox.drain(UnitOfWork(session), transport_for(app), now=later).handled == 0
    assert stats.sent == 6
    ids = smtp_server.message_ids()
    assert len(ids) == 6 and len(set(ids)) == 6
    assert {m.message_id for m in _messages(app)} == set(ids)
    assert {m.status for m in _messages(app)} == {"sent"}


def test_permanent_refusal_is_marked_failed_not_retried(app, client, smtp_server):
    smtp_server.refuse.add("rfs.preston@lancashire.example")
    submit_request(client, FAMILY_ANY_TIME)
    with app.app_context(), _session(app) as session:
        stats = outbox.drain(UnitOfWork(session), transport_for(app))
    assert stats.failed == 1 and stats.sent == 1  # the family's email still goes
    failed = [m for m in _messages(app) if m.status == "failed"]
    assert len(failed) == 1 and "550" in failed[0].last_error


def test_a_hung_server_does_not_hang_delivery(make_app, client):
    listener = socket.socket()
    listener.bind(("127.0.0.1", free_port()))
    listener.listen(5)  # accepts connections, never says a word
    app = make_app(MAIL_PORT=listener.getsockname()[1], MAIL_TIMEOUT=1)
    submit_request(app.test_client(), FAMILY_ANY_TIME)
    started = time.monotonic()
    with app.app_context(), _session(app) as session:
        stats = outbox.drain(UnitOfWork(session), transport_for(app))
    listener.close()
    assert time.monotonic() - started < 10
    assert stats.retried == 2 and stats.sent == 0


def test_two_workers_never_claim_the_same_message(app, client):
    for _ in range(3):
        submit_request(client, FAMILY_ANY_TIME)
    claimed = []
    barrier = threading.Barrier(2)

    def worker():
        with _session(app) as session:
            barrier.wait()
            claimed.append(outbox.claim(UnitOfWork(session), utcnow(), limit=10)[1])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert len(first) + len(second) == 6


def test_a_crashed_workers_lease_expires_and_the_message_comes_back(app, client, smtp_server):
    submit_request(client, FAMILY_ANY_TIME)
    with _session(app) as session:
        _, ids = outbox.claim(UnitOfWork(session), utcnow(), limit=10)  # then the worker "dies"
        assert len(ids) == 2
        assert outbox.claim(UnitOfWork(session), utcnow(), limit=10)[1] == []
        _, again = outbox.claim(UnitOfWork(session), utcnow() + timedelta(minutes=6), limit=10)
    assert sorted(again) == sorted(ids)


def test_backoff_doubles_and_caps_at_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [
        60, 120, 240, 3600, 3600, 3600]
