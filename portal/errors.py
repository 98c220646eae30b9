"""Error pages: plain words, no stack traces, nothing about the user's answers."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import SecurityError

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return render_template("errors/session_expired.html"), 400

    @app.errorhandler(SecurityError)
    def _untrusted_host(_exc):
        # A Host outside TRUSTED_HOSTS: no address can be built for it, so no page with links.
        return Response(_("Sorry, there is a problem with that request"), 400, mimetype="text/plain")

    @app.errorhandler(400)
    def _bad_request(_exc):
        return render_template("errors/400.html"), 400

    @app.errorhandler(403)
    def _forbidden(_exc):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def _not_found(_exc):
        return render_template("errors/404.html"), 404

    @app.errorhandler(405)
    def _not_allowed(_exc):
        return render_template("errors/404.html"), 405

    @app.errorhandler(413)
    def _too_large(_exc):
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def _too_many(_exc):
        return render_template("errors/429.html"), 429

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _value_out_of_range(exc):
        # A value the database or date() cannot hold came from the request (forms should catch
        # it first): the request is at fault, not the database.
        log.warning("value out of range: %s", type(exc).__name__)
        return render_template("errors/400.html"), 400

    @app.errorhandler(DBAPIError)
    def _database_error(exc):
        if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
            log.error("database unavailable: %s", type(exc).__name__)
            return render_template("errors/503.html"), 503
        log.error("database error: %s", type(exc).__name__)
        return render_template("errors/500.html"), 500

    @app.errorhandler(500)
    def _server_error(_exc):
        return render_template("errors/500.html"), 500
