"""flask api-clients create|list|revoke: council case systems' access to /api/v1."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal import db
from portal.profile import current_profile
from talkzone import access, api_clients

api_clients_cli = AppGroup("api-clients", help="Clients of the JSON API (council case systems).")


@api_clients_cli.command("create")
@click.option("--name", required=True, help="Which system this is, e.g. 'Preston case system'.")
@click.option("--role", type=click.Choice(api_clients.ROLES), required=True,
              help="The staff role whose scope the client gets.")
@click.option("--area", "areas", multiple=True, help="A district code (district triage officer scope).")
def create(name, role, areas):
    """Make a client and print its token, once: it is not stored and cannot be shown again."""
    known = [a.code for a in current_profile().areas]
    with db.new_uow() as uow:
        try:
            client, token = api_clients.create(uow.session, name=name, role=role, areas=list(areas),
                                               known_areas=known)
        except api_clients.ApiClientError as exc:
            raise click.ClickException(exc.code.replace("_", " ")) from None
        uow.commit()
    click.echo(f"created API client {client.id} ({client.name}); its token, shown only now:")
    click.echo(token)


@api_clients_cli.command("list")
def list_clients():
    """Every client: id, name, scope and whether it is live."""
    with db.new_uow() as uow:
        for client in api_clients.clients(uow.session):
            state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "live"
            areas = ",".join(client.areas or []) or "-"
            click.echo(f"{client.id}\t{client.name}\t{client.role}\t{areas}\t{state}")


@api_clients_cli.command("revoke")
@click.argument("client_id", type=int)
def revoke(client_id):
    """End a client's access at once."""
    with db.new_uow() as uow:
        try:
            client = api_clients.revoke(uow.session, client_id)
        except access.NotFound:
            raise click.ClickException(f"no API client {client_id}") from None
        uow.commit()
    click.echo(f"revoked API client {client.id} ({client.name})")
