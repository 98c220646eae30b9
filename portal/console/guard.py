"""The staff session cookie, Flask-Login's user loaded from it, and the permission every route declares."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, redirect, url_for
from flask_login import current_user, login_required

from portal import db
from portal.console import bp
from portal.extensions import login_manager
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


@login_manager.request_loader
def _load_staff_session(request):
    """Flask-Login's user: the cookie checked against the server's session record.

    A revoked, idle or expired record loads no one; a sign-in half done is kept on ``g``
    for its next step but is not a signed-in user.
    """
    token = request.cookies.get(COOKIE)
    record = staff.current(db.session(), token) if token else None
    g.staff_token = token if record is not None else None
    g.staff_session = record
    return record.user if record is not None and record.stage == staff.FULL else None


@login_manager.unauthorized_handler
def _to_sign_in():
    return redirect(url_for("console.sign_in"))


@bp.before_request
def _load_signed_in_user():
    """Load the session once, first thing, so every console request moves its idle time on."""
    staff = current_staff()
    g.staff_permissions = access.PERMISSIONS.get(staff.role, frozenset()) if staff else frozenset()


def current_staff():
    """The fully signed-in member of staff for this request (the User itself), or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def requires(permission: str):
    """Declare the permission a console route needs; an architecture test checks every route has one.

    ANONYMOUS: anyone. SIGNING_IN: a sign-in half done. Anything else: login_required,
    then a role that carries it (403 otherwise); talkzone's NotFound becomes 404.
    """
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if permission == access.SIGNING_IN:
                record = g.get("staff_session")
                if record is None or record.stage == staff.FULL:
                    return redirect(url_for("console.sign_in"))
            elif permission != access.ANONYMOUS and not access.can(current_staff(), permission):
                abort(403)
            try:
                return view(*args, **kwargs)
            except access.NotFound:
                abort(404)
            except access.Forbidden:
                abort(403)

        if permission not in (access.ANONYMOUS, access.SIGNING_IN):
            guarded = login_required(guarded)
        guarded.permission = permission
        return guarded

    return decorate
