"""Outbox drain rate to a local SMTP server (aiosmtpd), in messages per second, on PostgreSQL.

Usage: .venv/bin/python benchmarks/outbox_drain.py [--messages 1000]

Starts a private PostgreSQL server, migrates it, queues the messages with talkzone.outbox.queue
in one transaction, then times talkzone.outbox.drain over Flask-Mail's SMTP transport (the code
path of `flask outbox worker`: claim a batch of 50 under a lease, one SMTP connection per
batch, each message settled in its own commit).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._costs import timed_drain  # noqa: E402
from benchmarks._section import write_part  # noqa: E402
from portal import create_app  # noqa: E402
from talkzone import outbox  # noqa: E402
from testkit.harness import PrivatePostgres, free_port, migrate  # noqa: E402
from testkit.smtp import SMTPServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection chatter
    postgres, server = PrivatePostgres().start(), SMTPServer(free_port())
    server.start()
    try:
        migrate(postgres.url)
        app = create_app("production", SECRET_KEY="bench", DATABASE_URL=postgres.url,
                         MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TRANSPORT="smtp")
        with app.app_context():
            session = app.extensions["db_sessionmaker"]()
            for number in range(args.messages):
                outbox.queue(session, submission=None, purpose="district_notification",
                             recipient=f"inbox{number % 12}@x.example", subject=f"Request {number}",
                             body="A request for support.\n" * 20,
                             domain="x.example")
            session.commit()
            stats, elapsed = timed_drain(app, session)
        app.extensions["db_engine"].dispose()
    finally:
        server.stop()
        postgres.stop()
    duplicates = sum(c - 1 for c in Counter(server.message_ids()).values())
    text = "\n".join([
        "### Outbox drain rate (`benchmarks/outbox_drain.py`)",
        "",
        f"Measured {date.today():%d %B %Y}: {stats.sent} of {args.messages} messages sent to a local "
        f"aiosmtpd server in {elapsed:.2f} s = **{stats.sent / elapsed:.0f} messages per second** "
        f"from one worker on PostgreSQL (batches of 50, one SMTP connection per batch, a commit per "
        f"message); received {len(server.messages)}, duplicates {duplicates}.",
    ])
    print(text)
    write_part("outbox_drain", text)


if __name__ == "__main__":
    main()
