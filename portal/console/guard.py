"""The staff session cookie, the signed-in user, and the permission every route declares."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for

from portal import db
from portal.console import bp
from talkzone import access, staff

COOKIE = "eh_staff"


def set_cookie(response, token: str):
    """The session cookie: HttpOnly, SameSite=Strict, console paths only, no expiry on disk."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/console",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def clear_cookie(response):
    """Remove the session cookie from the browser (the server record is ended separately)."""
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="Strict",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.before_request
def _load_staff_session():
    """Check the cookie against the server's session record on every console request."""
    token = request.cookies.get(COOKIE)
    record = staff.current(db.session(), token) if token else None
    g.staff_token = token if record is not None else None
    g.staff_session = record
    g.staff = record.user if record is not None and record.stage == staff.FULL else None
    g.staff_permissions = access.PERMISSIONS.get(g.staff.role, frozenset()) if g.staff else frozenset()


def current_staff():
    """The fully signed-in member of staff for this request, or None."""
    return g.get("staff")


def requires(permission: str):
    """Declare the permission a console route needs; an architecture test checks every route has one.

    ANONYMOUS: anyone. SIGNING_IN: a sign-in half done. Anything else: a fully signed-in
    user whose role carries it (403 otherwise); talkzone's NotFound becomes 404.
    """
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if permission == access.SIGNING_IN:
                record = g.get("staff_session")
                if record is None or record.stage == staff.FULL:
                    return redirect(url_for("console.sign_in"))
            elif permission != access.ANONYMOUS:
                if g.get("staff") is None:
                    return redirect(url_for("console.sign_in"))
                if not access.can(g.staff, permission):
                    abort(403)
            try:
                return view(*args, **kwargs)
            except access.NotFound:
                abort(404)
            except access.Forbidden:
                abort(403)

        guarded.permission = permission
        return guarded

    return decorate
