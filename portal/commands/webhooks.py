"""flask webhooks add|list|remove, and flask file-drop daily: the hand-off to the council's case system."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal import db
from portal.clock import now
from talkzone import file_drop, webhooks
from talkzone.calendar import uk_date

webhooks_cli = AppGroup("webhooks", help="Signed webhooks to the council's case system.")
file_drop_cli = AppGroup("file-drop", help="Files for the council's case system (FILE_DROP_DIR).")

WHY = {"bad_url": "the URL must be an absolute http:// or https:// URL",
       "bad_name": "give a name of 1 to 120 characters",
       "bad_events": f"give one or more events of: {', '.join(webhooks.EVENTS)}"}


@webhooks_cli.command("add")
@click.option("--name", required=True, help="Who receives it, e.g. the case system's name.")
@click.option("--url", required=True, help="The receiver's http(s) URL.")
@click.option("--event", "events", multiple=True, type=click.Choice(webhooks.EVENTS),
              help="An event to send (repeat it); all of them when none is given.")
@click.option("--include-item", is_flag=True, help="Send the item as staff see it, not only its reference.")
def add(name, url, events, include_item):
    """Subscribe a receiver; prints its signing secret (once: keep it in the receiver)."""
    with db.new_uow() as uow:
        try:
            subscription = webhooks.add(uow.session, None, name=name, url=url,
                                        events=list(events or webhooks.EVENTS), include_item=include_item)
        except webhooks.WebhookError as exc:
            raise click.UsageError(WHY[exc.code]) from None
        uow.commit()
        events = ", ".join(subscription.events)
        click.echo(f"subscription {subscription.id} added: {events} to {subscription.url}")
        click.echo(f"signing secret (shown once): {subscription.secret}")


@webhooks_cli.command("list")
def list_():
    """Every live subscription: id, name, events, whether it carries the item, URL."""
    with db.new_uow() as uow:
        found = webhooks.subscriptions(uow.session)
        for s in found:
            include = "with item" if s.include_item else "reference only"
            click.echo(f"{s.id}\t{s.name}\t{','.join(s.events)}\t{include}\t{s.url}")
        if not found:
            click.echo("no subscriptions")


@webhooks_cli.command("remove")
@click.argument("subscription_id", type=int)
def remove(subscription_id):
    """Stop sending to a subscription; deliveries still queued for it are marked failed."""
    with db.new_uow() as uow:
        if not webhooks.remove(uow.session, None, subscription_id):
            raise click.ClickException(f"no subscription {subscription_id}")
        uow.commit()
    click.echo(f"subscription {subscription_id} removed")


@file_drop_cli.command("daily")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day (UK time) whose items are listed; yesterday when not given.")
def daily(day):
    """Write each area's CSV of the items received on a day (run once a day, after midnight)."""
    root = current_app.config.get("FILE_DROP_DIR")
    if not root:
        raise click.ClickException("FILE_DROP_DIR is not set")
    wanted: date = day.date() if day else uk_date(now()) - timedelta(days=1)
    with db.new_uow() as uow:
        written = file_drop.write_daily(uow.session, Path(root), wanted)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(written)} area file(s) for {wanted.isoformat()}")
