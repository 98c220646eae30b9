"""flask mail-in lmtp|imap: run the LMTP listener or the IMAP poller of portal.inbound."""

from __future__ import annotations

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from portal.inbound import LMTPListener, poll_imap

log = logging.getLogger("portal.inbound")
mail_in_cli = AppGroup("mail-in", help="Replies and new contacts coming in by email.")


@mail_in_cli.command("lmtp")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8024, show_default=True, type=int)
def lmtp(host, port):
    """Listen for mail over LMTP until stopped (SIGTERM or Ctrl-C)."""
    listener = LMTPListener(current_app._get_current_object(), host, port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    listener.start()
    click.echo(f"mail in: LMTP on {host}:{port}")
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    listener.stop()
    click.echo("mail in: stopped")


@mail_in_cli.command("imap")
@click.option("--once", is_flag=True, help="Poll once and stop.")
@click.option("--every", default=60, show_default=True, type=int, help="Seconds between polls.")
def imap(once, every):
    """Poll the IMAP mailbox set by MAIL_IN_IMAP_* (see docs/operations.md)."""
    app, config = current_app._get_current_object(), current_app.config
    settings = {"host": config["MAIL_IN_IMAP_HOST"], "port": config["MAIL_IN_IMAP_PORT"],
                "user": config["MAIL_IN_IMAP_USER"], "password": config["MAIL_IN_IMAP_PASSWORD"],
                "ssl": config["MAIL_IN_IMAP_SSL"]}
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.is_set():
        try:
            click.echo(f"mail in: {poll_imap(app, **settings)} message(s) from IMAP")
        except Exception as exc:  # the mailbox is away: try again next round
            log.error("mail in: IMAP poll failed (%s)", type(exc).__name__)
        if once:
            break
        stop.wait(every)
