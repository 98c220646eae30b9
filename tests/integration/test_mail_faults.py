"""Mail under faults: the SMTP server down during load, and the outbox worker killed mid-batch.

Delivery is counted at a real SMTP server (aiosmtpd) by Message-ID, which the outbox fixes
when a message is queued and reuses on every retry.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from talkzone import outbox
from talkzone.models import OutboxMessage, utcnow
from talkzone.uow import UnitOfWork
from testkit.harness import family_answers
from testkit.smtp import SMTPServer, _Recorder
from tests.conftest import free_port
from tests.journeys import submit_request

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


def _ids(messages) -> Counter:
    return Counter("".join(m.split()) for m in messages)


def test_smtp_server_down_under_load_then_back_every_message_delivered_exactly_once(
        make_app, smtp_server, db_session):
    from portal.mail import transport_for

    app = make_app()
    stop_load, stop_worker = threading.Event(), threading.Event()
    confirmations, problems = [], []

    def submitter():
        client = app.test_client()
        while not stop_load.is_set():
            try:
                page = submit_request(client, family_answers())
                confirmations.append(page.status_code)
            except Exception as exc:
                problems.append(repr(exc))

    def worker():
        while not stop_worker.is_set():
            with app.app_context():
                session = app.extensions["db_sessionmaker"]()
                try:
                    outbox.drain(UnitOfWork(session), transport_for(app))
                finally:
                    session.close()
            stop_worker.wait(0.1)

    threads = [threading.Thread(target=submitter) for _ in range(4)] + [threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    smtp_server.stop()  # the mail server goes away while people keep sending
    time.sleep(4)
    smtp_server.start()
    time.sleep(2)
    stop_load.set()
    for thread in threads[:-1]:
        thread.join(60)
    stop_worker.set()
    threads[-1].join(60)

    assert problems == []
    assert len(confirmations) >= 8
    retried = db_session.scalar(select(OutboxMessage.id).where(OutboxMessage.attempts > 0,
                                                               OutboxMessage.last_error.is_not(None)))
    assert retried is not None, "no delivery failed while the server was down: the outage was not felt"
    # Time passes: what failed is retried after its backoff (at most an hour).
    with app.app_context():
        later = utcnow() + timedelta(hours=2)
        outbox.drain(UnitOfWork(db_session), transport_for(app), now=lambda: later)
    rows = db_session.scalars(select(OutboxMessage)).all()
    assert {row.status for row in rows} == {outbox.SENT}
    received = _ids(smtp_server.message_ids())
    assert set(received) == {"".join(row.message_id.split()) for row in rows}
    assert [mid for mid, count in received.items() if count > 1] == []


class _SlowRecorder(_Recorder):
    """Takes a moment over each message, as a real relay does, so a batch is long enough to cut."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


class SlowSMTPServer(SMTPServer):
    def start(self) -> None:
        self.controller = Controller(_SlowRecorder(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def _start_worker(database_url: str, smtp_port: int) -> subprocess.Popen:
    env = {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": "worker-test-secret",
           "DATABASE_URL": database_url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
           "MAIL_TIMEOUT": "5", "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([str(FLASK), "--app", "portal", "outbox", "worker", "--poll", "0.1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_worker_killed_ten_times_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(
        database_url, db_session):
    server = SlowSMTPServer(free_port())
    server.start()
    try:
        queued = []
        for number in range(100):
            message = outbox.queue(db_session, submission=None, purpose="district_notification",
                                   recipient=f"inbox{number % 7}@council.example",
                                   subject=f"Message {number}", body="Body", domain="council.example")
            queued.append(message)
        db_session.commit()
        queued_ids = {"".join(m.message_id.split()) for m in queued}

        kills, in_flight = 0, set()
        for _ in range(10):
            worker = _start_worker(database_url, server.port)
            seen = len(server.messages)
            _wait_for(lambda: len(server.messages) > seen or worker.poll() is not None)
            time.sleep(random.uniform(0, 0.08))  # somewhere in the middle of the batch
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            time.sleep(0.05)  # let the server finish any message whose sender just died
            kills += 1
            # A worker sends one message at a time: only the last one the server accepted can
            # have been accepted without its "sent" being committed.
            received_so_far = server.message_ids()
            if received_so_far:
                in_flight.add(received_so_far[-1])
            # The dead worker's lease would run out after five minutes; run it out now.
            db_session.execute(update(OutboxMessage).where(OutboxMessage.status == outbox.SENDING)
                               .values(lease_until=utcnow() - timedelta(seconds=1)))
            db_session.commit()
        assert len(set(server.message_ids())) < len(queued_ids), "the kills did not land mid-queue"

        worker = _start_worker(database_url, server.port)

        def all_sent():
            db_session.expire_all()
            return db_session.scalars(select(OutboxMessage.status).distinct()).all() == [outbox.SENT]

        _wait_for(all_sent, timeout=90)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        server.stop()

    received = _ids(server.message_ids())
    assert set(received) == queued_ids  # nothing lost
    # SMTP has no two-phase commit: a worker killed after the server's 250 and before its own
    # commit of "sent" leaves that one message to be sent again. Each kill can therefore
    # repeat at most the single message it was settling (the last one the server accepted
    # before the kill), and nothing else is ever repeated.
    extra = sum(count - 1 for count in received.values())
    print(f"worker killed {kills} times; messages delivered twice: {extra}")
    assert extra <= kills, received.most_common(12)
    assert {mid for mid, count in received.items() if count > 1} <= in_flight
