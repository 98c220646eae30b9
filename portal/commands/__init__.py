"""Every `flask ...` command of the portal, one module per group, all registered by init_app."""

from __future__ import annotations

from flask import Flask

from portal.commands import api_clients, core, deadlines, mail_in, translate, users, webhooks


def init_app(app: Flask) -> None:
    """Add every `flask` command of the portal."""
    for group in (core.db_cli, core.outbox_cli, core.drafts_cli, core.seed_demo, core.demo_code,
                  users.users_cli, deadlines.deadlines_cli, deadlines.retention_cli,
                  translate.translate_cli, mail_in.mail_in_cli, webhooks.webhooks_cli,
                  webhooks.file_drop_cli, api_clients.api_clients_cli):
        app.cli.add_command(group)
