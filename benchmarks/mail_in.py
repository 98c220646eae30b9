"""Mail in over LMTP into PostgreSQL (messages per second), and reply-to-delivered time through
the outbox.

Usage: .venv/bin/python benchmarks/mail_in.py [--messages 500]

Starts a private PostgreSQL server, migrates it, makes one helpline contact, and sends replies
to its reply address over one LMTP connection to the aiosmtpd listener (each stored, committed,
then matched before the 250). Then times one console reply from `send_reply` to its arrival at
a local SMTP server through `outbox.drain`.
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import sys
import time
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._section import write_part  # noqa: E402
from portal import create_app  # noqa: E402
from portal.emails import mailing  # noqa: E402
from portal.inbound import LMTPListener  # noqa: E402
from portal.mail import transport_for  # noqa: E402
from talkzone import conversations, outbox  # noqa: E402
from talkzone.uow import UnitOfWork  # noqa: E402
from testkit.factories import make_item, make_user  # noqa: E402
from testkit.harness import PrivatePostgres, free_port, migrate  # noqa: E402
from testkit.smtp import SMTPServer  # noqa: E402

CONTACT = {"channels": ["email"], "email": "sam@example.com", "say_who": "yes"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    logging.getLogger("talkzone.mail_in").setLevel(logging.WARNING)
    postgres, smtp = PrivatePostgres().start(), SMTPServer(free_port())
    smtp.start()
    try:
        migrate(postgres.url)
        app = create_app("production", SECRET_KEY="bench", DATABASE_URL=postgres.url,
                         MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TRANSPORT="smtp",
                         MAIL_IN_ADDRESS="replies@mail.example")
        session = app.extensions["db_sessionmaker"]()
        item = make_item(session, contact=CONTACT)
        adviser = make_user(session)
        with app.test_request_context():
            began = time.perf_counter()
            conversations.send_reply(session, adviser, item.reference, "email", "How are you?",
                                     mailing(), datetime.now(UTC))
            session.commit()
            outbox.drain(UnitOfWork(session), transport_for(app))
            delivered = time.perf_counter() - began
            reply_to = conversations.reply_address(session, item, mailing())
        listener = LMTPListener(app, "127.0.0.1", free_port())
        listener.start()
        try:
            began = time.perf_counter()
            with smtplib.LMTP("127.0.0.1", listener.port) as client:
                for number in range(args.messages):
                    message = EmailMessage()
                    message["From"], message["To"], message["Subject"] = "sam@example.com", reply_to, "Re"
                    message["Message-ID"] = f"<bench-{number}@example.com>"
                    message.set_content("Thanks, that helps.\n" * 10)
                    client.sendmail("sam@example.com", [reply_to], message.as_bytes())
            elapsed = time.perf_counter() - began
        finally:
            listener.stop()
        session.close()
        app.extensions["db_engine"].dispose()
    finally:
        smtp.stop()
        postgres.stop()
    load = Path("/proc/loadavg").read_text().split()[:3]
    text = "\n".join([
        "### Mail in and replies (`benchmarks/mail_in.py`)",
        "",
        f"Measured {date.today():%d %B %Y}, load average {' '.join(load)} (shared machine): "
        f"{args.messages} replies over one LMTP connection, each stored and matched in PostgreSQL "
        f"before its 250, in {elapsed:.2f} s = **{args.messages / elapsed:.0f} inbound messages per "
        f"second**. One console reply from queueing to delivery at a local SMTP server through the "
        f"outbox: **{delivered * 1000:.0f} ms**.",
    ])
    print(text)
    write_part("mail_in", text)


if __name__ == "__main__":
    main()
