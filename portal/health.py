"""Health checks for load balancers and monitoring: /healthz (process up) and /readyz (can serve)."""

from __future__ import annotations

from datetime import timedelta

from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import func, inspect, select, text

from portal.db import alembic_config
from portal.extensions import talisman
from talkzone import outbox
from talkzone.models import OutboxMessage, utcnow

bp = Blueprint("health", __name__)

# Mail due for longer than this counts towards the backlog: a message queued a moment ago
# is normal, one that has waited through several worker rounds is not.
DUE_GRACE = timedelta(seconds=30)


def init_app(app: Flask) -> None:
    """Register /healthz and /readyz, and read the backlog threshold (READY_OUTBOX_MAX)."""
    app.register_blueprint(bp)


# Load balancers probe over plain HTTP inside the network; a redirect to HTTPS would fail them.
@bp.get("/healthz")
@talisman(force_https=False)
def healthz():
    """The process is up and answering; says nothing about the database."""
    return {"status": "ok"}


@bp.get("/readyz")
@talisman(force_https=False)
def readyz():
    """Ready to serve: database reachable, schema at the migrations' head, outbox backlog small."""
    engine = current_app.extensions["db_engine"]
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = _current_revision(conn)
            head = _script_head()
            if current != head:
                return _not_ready("migrations not at head", current=current, head=head)
            backlog = _due_backlog(conn)
    except Exception as exc:  # any failure to reach the database means not ready
        return _not_ready("database unreachable", error=type(exc).__name__)
    limit = current_app.config["READY_OUTBOX_MAX"]
    if limit and backlog >= limit:
        return _not_ready("outbox backlog over threshold", backlog=backlog, threshold=limit)
    return {"status": "ready", "revision": current, "outbox_due": backlog}


def _current_revision(conn) -> str | None:
    # Read alembic's table directly: its MigrationContext logs two lines on every probe.
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _due_backlog(conn) -> int:
    due = outbox.overdue(utcnow(), DUE_GRACE)
    return conn.execute(select(func.count()).select_from(OutboxMessage).where(due)).scalar_one()


def _script_head() -> str | None:
    heads = current_app.extensions.get("migrations_head")
    if heads is None:
        script = ScriptDirectory.from_config(alembic_config(current_app.config["DATABASE_URL"]))
        heads = current_app.extensions["migrations_head"] = script.get_current_head()
    return heads


def _not_ready(reason: str, **details):
    response = jsonify({"status": "not ready", "reason": reason, **details})
    response.status_code = 503
    return response
