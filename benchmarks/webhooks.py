"""Webhook deliveries per second to a local receiver, through the outbox, on PostgreSQL.

Usage: .venv/bin/python benchmarks/webhooks.py [--deliveries 1000]

Starts a private PostgreSQL server and the test receiver (testkit/webhooks.py, on 127.0.0.1, which
checks every signature with standardwebhooks), stores items with one subscription to all events,
publishes one event per delivery with talkzone.webhooks.publish in one transaction, then times
talkzone.outbox.drain over the portal's transport (what `flask outbox worker` runs: batches of
50 under a lease, each delivery signed, POSTed and settled in its own commit).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._costs import timed_drain  # noqa: E402
from benchmarks._section import write_part  # noqa: E402
from portal import create_app  # noqa: E402
from talkzone import webhooks  # noqa: E402
from talkzone.models import Kind, Submission  # noqa: E402
from talkzone.submissions import new_reference  # noqa: E402
from testkit.harness import PrivatePostgres, free_port, migrate  # noqa: E402
from testkit.webhooks import WebhookReceiver  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    args = parser.parse_args()
    postgres, receiver = PrivatePostgres().start(), WebhookReceiver(free_port())
    receiver.start()
    try:
        migrate(postgres.url)
        app = create_app("production", SECRET_KEY="bench", DATABASE_URL=postgres.url, MAIL_TRANSPORT="smtp")
        with app.app_context():
            session = app.extensions["db_sessionmaker"]()
            receiver.secret = webhooks.add(session, None, name="bench", url=receiver.url,
                                           events=list(webhooks.EVENTS)).secret
            items = [Submission(reference=new_reference(Kind.HELPLINE_CONTACT), kind=Kind.HELPLINE_CONTACT,
                                status="new", destination="talkzone@x.example", answers={}, contact={})
                     for _ in range(50)]
            session.add_all(items)
            for number in range(args.deliveries):
                webhooks.publish(session, items[number % len(items)], webhooks.EVENTS[number % 3])
            session.commit()
            stats, elapsed = timed_drain(app, session)
        app.extensions["db_engine"].dispose()
    finally:
        receiver.stop()
        postgres.stop()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    verified = sum(r.verified for r in receiver.received)
    duplicates = sum(c - 1 for c in Counter(r.webhook_id for r in receiver.received).values())
    text = "\n".join([
        "### Webhook deliveries (`benchmarks/webhooks.py`)",
        "",
        f"Measured {date.today():%d %B %Y}, load average {load} (shared machine): {stats.sent} of "
        f"{args.deliveries} deliveries signed and POSTed to a local receiver in {elapsed:.2f} s = "
        f"**{stats.sent / elapsed:.0f} webhook deliveries per second** from one worker on PostgreSQL "
        f"(batches of 50, a new HTTP connection per delivery, its status code and its settlement "
        f"each committed); signatures verified "
        f"{verified}, duplicates {duplicates}.",
    ])
    print(text)
    write_part("webhooks", text, heading="## Webhooks and the file drop")


if __name__ == "__main__":
    main()
