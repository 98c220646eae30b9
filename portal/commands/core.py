"""flask db ..., flask outbox ..., flask drafts purge, flask seed-demo and flask demo-code."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from portal import db
from portal.clock import clock
from portal.mail import transport_for
from talkzone import drafts, outbox
from talkzone.models import utcnow

db_cli = AppGroup("db", help="Database schema migrations (Alembic).")
outbox_cli = AppGroup("outbox", help="The mail outbox.")
drafts_cli = AppGroup("drafts", help="Answers in progress.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Bring the database up to REVISION (default: head)."""
    command.upgrade(db.alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision):
    """Take the database down to REVISION (default: one step; "base" for empty)."""
    command.downgrade(db.alembic_config(current_app.config["DATABASE_URL"]), revision)
    click.echo(f"database at {revision}")


@outbox_cli.command("send")
def outbox_send():
    """Deliver everything due now, once, and report what happened."""
    with db.new_uow() as uow:
        # Held mail goes once its safe window opens; tests move the clock through CLOCK.
        stats = outbox.drain(uow, transport_for(current_app), now=clock())
        remaining = outbox.backlog(uow.session)
    click.echo(f"sent {stats.sent}, to retry {stats.retried}, failed {stats.failed}; "
               f"queue now: {remaining or 'empty'}")


@outbox_cli.command("worker")
@click.option("--poll", type=float, default=None, help="Seconds between rounds.")
def outbox_worker(poll):
    """Keep delivering until stopped (SIGTERM or Ctrl-C)."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    poll = poll if poll is not None else current_app.config["OUTBOX_POLL_SECONDS"]
    click.echo(f"outbox worker: polling every {poll}s")
    outbox.run_worker(
        db.new_session, transport_for(current_app), stop=stop, poll_seconds=poll,
        on_batch=lambda s: click.echo(f"sent {s.sent}, to retry {s.retried}, failed {s.failed}"),
    )
    click.echo("outbox worker: stopped")


@drafts_cli.command("purge")
def drafts_purge():
    """Delete answers in progress that have been idle too long."""
    idle = timedelta(minutes=current_app.config["DRAFT_IDLE_MINUTES"])
    with db.new_uow() as uow:
        deleted = drafts.purge_expired(uow.session, utcnow(), idle)
        uow.commit()
    click.echo(f"deleted {deleted} expired drafts")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Add demonstration items of every kind and one account per staff role (development only)."""
    from portal import demo

    try:
        with db.new_uow() as uow:
            click.echo(demo.seed(uow, current_app))
    except demo.NotInProduction as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(demo.sign_in_help(current_app.config["PUBLIC_BASE_URL"]))


@click.command("demo-code")
@with_appcontext
def demo_code():
    """The demo accounts' current second-factor code (development only)."""
    from portal import demo

    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("demo-code is for development only")
    click.echo(demo.current_code())

