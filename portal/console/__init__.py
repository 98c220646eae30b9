"""The staff console: sign-in, the inbox, items and their actions, users and the audit trail."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console")

# The routes register themselves on ``bp`` as their modules load.
from portal.console import (  # noqa: E402,F401
    account,
    admin,
    api_clients,
    contacts,
    guard,
    hooks,
    items,
    logged_answers,
    privacy,
    repeats,
    replies,
    reports,
    retention,
    signin,
)
