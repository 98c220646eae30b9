"""JSON logs, one line per event, with a request id and no personal data.

A request line carries the method, the path without its query string, the status and the
time taken: never form data, addresses, cookies or the client's IP address. Messages are
also scrubbed of anything shaped like an email address or a UK phone number, because a
log line written elsewhere in the code could quote an answer by mistake.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the load balancer is kept only if it is short and plain.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_EMAIL = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
# An API client's token (talkzone.api_clients), should a caller put one where a path or message goes.
_API_TOKEN = re.compile(r"ehapi_[A-Za-z0-9_-]*")
# SQLAlchemy quotes a failed statement's bound values, which are people's answers.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
_HANDLER_NAME = "portal-json"

access_log = logging.getLogger("portal.access")
# Flask-Limiter names the client's key (its address) in every breach line.
LIMITER_LOGGER = "flask-limiter"


def scrub(message: str) -> str:
    """Replace SQL parameters, API tokens and anything shaped like an email address or UK phone number."""
    message = _API_TOKEN.sub("[token]", _SQL_PARAMETERS.sub("[parameters hidden]", message))
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", message))


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key in ("method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = scrub(record.path) if key == "path" else getattr(record, key)
        if record.exc_info:
            # The exception's type and where it happened; its message may quote data.
            exc_type = record.exc_info[0].__name__ if record.exc_info[0] else "Exception"
            entry["exception"] = exc_type
            entry["traceback"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class ClientAddressFilter(logging.Filter):
    """Takes the client's address out of a record's message: logs carry no addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        address = request.remote_addr if has_request_context() else None
        if address:
            message = record.getMessage()
            if address in message:
                record.msg, record.args = message.replace(address, "[client]"), ()
        return True


_client_address_filter = ClientAddressFilter()


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    if has_request_context():
        return g.get("request_id")
    return None


def init_app(app: Flask) -> None:
    """Tag every request with an id (X-Request-ID kept or made), log it, and format logs as JSON."""
    if app.config["LOG_JSON"]:
        install_json_handler(app.config["LOG_LEVEL"])
    # On the logger, not a handler, so no handler (JSON, test capture, a host's own) sees it.
    logging.getLogger(LIMITER_LOGGER).addFilter(_client_address_filter)

    @app.before_request
    def _start():
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = supplied if _SAFE_ID.match(supplied) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        if started is not None and not request.path.startswith("/static/"):
            access_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path,
                       "status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
            )
        return response


def install_json_handler(level: str = "INFO", stream=None) -> logging.Handler:
    """Send the root logger's records to ``stream`` (stderr) as JSON lines, once per process."""
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            return handler
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JSONFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler

