"""flask deadlines remind and flask retention purge: the daily jobs behind deadlines and retention."""

from __future__ import annotations

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale

from portal import db
from portal.clock import now, uk_today
from portal.console import words
from portal.emails import mailing
from portal.profile import current_profile
from talkzone import deadlines, retention

deadlines_cli = AppGroup("deadlines", help="Working-day deadlines.")
retention_cli = AppGroup("retention", help="Keeping records no longer than needed.")


def compose_reminder(team: deadlines.Team, items: list[deadlines.DueItem], today) -> tuple[str, str]:
    """The reminder mail for one team: references, types, dates and states only, nothing personal."""
    profile = current_profile()
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with force_locale("en"):
        text = render_template("emails/deadline_reminder.txt", team=team, items=items, today=today,
                               profile=profile, words=words, console_url=f"{base_url}/console")
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


@deadlines_cli.command("remind")
def remind():
    """Mail each team its list of what is due soon or overdue, through the outbox (run daily)."""
    with db.new_uow() as uow:
        counts = deadlines.remind(uow.session, current_profile(), uk_today(),
                                  compose_reminder, mailing().domain)
        uow.commit()
    for team, listed in counts.items():
        click.echo(f"{team}: {listed} item(s) due soon or overdue")
    click.echo(f"queued {len(counts)} reminder(s)")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Show what would be anonymised and change nothing.")
def purge(dry_run):
    """Anonymise items closed for longer than the profile's retention period (legal holds kept)."""
    def progress(kind, done, total):
        """One line per batch, so a long purge shows it is moving."""
        if total:
            click.echo(f"{kind}: {done}/{total}")

    with db.new_uow() as uow:
        result = retention.purge(uow, current_profile(), now(), dry_run, progress)
    for kind, count in result.counts.items():
        cutoff = result.cutoffs[kind].date().isoformat()
        verb = "would anonymise" if dry_run else "anonymised"
        held = result.held[kind]
        click.echo(f"{kind}: {verb} {count} closed before {cutoff}; {held} kept under legal hold")
    click.echo(f"{'dry run: nothing changed' if dry_run else 'done'}: {result.total} item(s)")
