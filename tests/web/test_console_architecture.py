"""Architecture rules for the console: every route declares its permission; audit rows are append-only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import select

from talkzone import access
from talkzone.models import AuditEvent
from testkit.factories import make_item, make_user

ROOT = Path(__file__).resolve().parents[2]
DECLARED = access.ALL_PERMISSIONS | {access.ANONYMOUS, access.SIGNING_IN, access.SIGNED_IN}


def routes_without_permission(app) -> list[str]:
    """Console routes whose view does not declare a known permission with @requires."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console") or rule.endpoint.startswith("console."):
            view = app.view_functions[rule.endpoint]
            if getattr(view, "permission", None) not in DECLARED:
                missing.append(f"{rule.rule} ({rule.endpoint})")
    return missing


def test_every_console_route_declares_its_permission(app):
    console = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("console.")]
    assert len(console) >= 20
    assert routes_without_permission(app) == []


def test_the_check_catches_a_route_without_a_permission(make_app):
    app = make_app()
    stray = Blueprint("console_stray", __name__, url_prefix="/console/stray")
    stray.add_url_rule("/", "undeclared", lambda: "open to all")
    app.register_blueprint(stray)
    assert routes_without_permission(app) == ["/console/stray/ (console_stray.undeclared)"]


def _python_files():
    for folder in ("portal", "talkzone"):
        yield from (ROOT / folder).rglob("*.py")


def test_no_code_path_updates_or_deletes_an_audit_row():
    """No UPDATE or DELETE of audit_events anywhere in the application's source."""
    offending = []
    pattern = re.compile(r"(update|delete)\s*\(\s*AuditEvent|(UPDATE|DELETE FROM)\s+audit_events", re.I)
    for path in _python_files():
        source = path.read_text()
        if pattern.search(source):
            offending.append(str(path))
        tree = ast.parse(source)
        for node in ast.walk(tree):
            # session.delete(<an audit event>) by name
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "delete" and node.args
                    and "audit" in ast.unparse(node.args[0]).lower()):
                offending.append(f"{path}:{node.lineno}")
    assert offending == []


def test_the_orm_refuses_to_change_or_remove_an_audit_row(db_session):
    user = make_user(db_session)
    item = make_item(db_session)
    from talkzone import audit
    audit.record(db_session, "viewed", submission=item, actor=user)
    db_session.commit()
    event = db_session.scalar(select(AuditEvent))
    event.action = "nothing_to_see"
    with pytest.raises(PermissionError):
        db_session.commit()
    db_session.rollback()
    db_session.delete(db_session.scalar(select(AuditEvent)))
    with pytest.raises(PermissionError):
        db_session.commit()
