"""flask users create: the first administrator (and any other account) from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal import db
from portal.profile import current_profile
from talkzone import access, staff

users_cli = AppGroup("users", help="Staff accounts for the console.")


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--admin", "is_admin", is_flag=True, help="Make an administrator.")
@click.option("--role", type=click.Choice(access.ROLES), default=None)
@click.option("--area", "areas", multiple=True, help="A district code (district triage officers).")
@click.password_option()
def create(email, name, is_admin, role, areas, password):
    """Create an account; it sets up its second factor at first sign-in."""
    role = access.ADMINISTRATOR if is_admin else role
    if role is None:
        raise click.UsageError("give --admin or --role")
    profile = current_profile()
    unknown = [a for a in areas if profile.area(a) is None]
    if unknown:
        raise click.UsageError(f"unknown district(s): {', '.join(unknown)}")
    with db.new_uow() as uow:
        try:
            user = staff.create_user(uow.session, email=email, name=name, role=role, password=password,
                                     areas=list(areas))
        except staff.StaffError as exc:
            raise click.ClickException(exc.code.replace("_", " ")) from None
        uow.commit()
        click.echo(f"created {user.role} {user.email}; set up the security code at first sign-in")
