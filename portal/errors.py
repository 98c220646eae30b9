"""Error pages: plain words, no stack traces, nothing about the user's answers."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)

# What is caught -> (page in errors/error.html, status sent). 405 shows the not-found page.
PAGES = {
    CSRFError: ("session_expired", 400),
    400: ("bad_request", 400),
    403: ("forbidden", 403),
    404: ("not_found", 404),
    405: ("not_found", 405),
    429: ("too_many", 429),
    OperationalError: ("unavailable", 503),
    DBAPIError: ("unavailable", 503),
    500: ("server_error", 500),
}


def init_app(app: Flask) -> None:
    """Register one handler for every error the portal shows a page for."""
    for caught, (page, status) in PAGES.items():
        app.register_error_handler(caught, _handler(page, status))


def _handler(page: str, status: int):
    def handle(exc):
        if status == 503:
            log.error("database unavailable: %s", type(exc).__name__)
        return render_template("errors/error.html", page=page), status

    return handle
