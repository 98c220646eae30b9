"""Error pages: plain words, no stack traces, nothing about the user's answers."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import SecurityError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)

# What is caught -> (page in errors/error.html, status sent). 405 shows the not-found page.
PAGES = {
    CSRFError: ("session_expired", 400),
    400: ("bad_request", 400),
    403: ("forbidden", 403),
    404: ("not_found", 404),
    405: ("not_found", 405),
    413: ("too_large", 413),
    429: ("too_many", 429),
    500: ("server_error", 500),
}


def init_app(app: Flask) -> None:
    """Register one page per error, and the few errors that need more than a page."""
    for caught, (page, status) in PAGES.items():
        app.register_error_handler(caught, lambda _exc, page=page, status=status: error_page(page, status))

    @app.errorhandler(SecurityError)
    def _untrusted_host(_exc):
        # A Host outside TRUSTED_HOSTS: no address can be built for it, so no page with links.
        return Response(_("Sorry, there is a problem with that request"), 400, mimetype="text/plain")

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _value_out_of_range(exc):
        # A value the database or date() cannot hold came from the request (forms should catch
        # it first): the request is at fault, not the database.
        log.warning("value out of range: %s", type(exc).__name__)
        return error_page("bad_request", 400)

    @app.errorhandler(DBAPIError)
    def _database_error(exc):
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            log.error("database unavailable: %s", type(exc).__name__)
            return error_page("unavailable", 503)
        log.error("database error: %s", type(exc).__name__)
        return error_page("server_error", 500)


def error_page(page: str, status: int):
    """The error page named `page` (a key in errors/error.html) with its status; under /api/ the
    JSON error the API's own errors use ({"code", "status"}), never an HTML page."""
    if request.path.startswith("/api/"):
        return jsonify(code=status, status=HTTP_STATUS_CODES.get(status, "Error")), status
    return render_template("errors/error.html", page=page), status
