"""Signing in: email and password, then the second factor (set up at the first sign-in)."""

from __future__ import annotations

import hashlib
import hmac
from functools import wraps

from flask import current_app, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import db
from portal.console import bp
from portal.console.account import MESSAGES
from portal.console.forms import GENERIC_SIGN_IN_FAILURE, CodeForm, EnrolForm, NewPasswordForm, SignInForm
from portal.console.guard import clear_cookie, requires, set_cookie
from portal.extensions import limiter
from talkzone import access, staff

# What the sign-in pages say about failed attempts (talkzone.staff holds the rule).
DELAYS = {"attempts": staff.FREE_ATTEMPTS, "minutes": int(staff.FIRST_DELAY.total_seconds() // 60)}
# The page for each stage of a sign-in half done.
STEPS = {staff.PASSWORD: "console.second_factor", staff.ENROL: "console.enrol",
         staff.NEW_PASSWORD: "console.new_password"}


def _sign_in_limit():
    return current_app.config.get("CONSOLE_SIGN_IN_LIMIT", "30 per minute")


def _client() -> str:
    """Where an attempt comes from, for the delays: a keyed hash of the address, never the address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()


def _sign_in_stage(rule: str, stage: str):
    """A page of a sign-in half done: rate-limited, and for the one stage it is about (a
    session at another stage is sent to that stage's page)."""
    def register(view):
        @wraps(view)
        def at_stage():
            if g.staff_session.stage != stage:
                return redirect(url_for(STEPS[g.staff_session.stage]))
            return view()

        guarded = limiter.limit(_sign_in_limit, methods=["POST"])(requires(access.SIGNING_IN)(at_stage))
        return bp.route(rule, methods=["GET", "POST"])(guarded)
    return register


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@requires(access.ANONYMOUS)
def sign_in():
    """The first step: email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("console.inbox"))
    form = SignInForm()

    def attempt():
        result = staff.sign_in(db.session(), form.email.data, form.password.data, _client())
        return None if result is None else (url_for(STEPS[result.stage]), result.token)

    return _step(form, form.email, "console/sign_in.html", attempt)


@_sign_in_stage("/sign-in/code", staff.PASSWORD)
def second_factor():
    """The second step: a code from the authenticator app, or a recovery code."""
    form = CodeForm()

    def attempt():
        token = staff.second_factor(db.session(), g.staff_token, form.code.data, _client())
        return None if token is None else (url_for("console.inbox"), token)

    return _step(form, form.code, "console/code.html", attempt)


def _step(form, field, template: str, attempt):
    """One checked step of signing in: passed (``attempt`` gives where next and the session's
    token), the browser moves on with the new cookie; failed, the same message whatever was wrong."""
    if form.validate_on_submit():
        done = attempt()
        if done is not None:
            where, token = done
            return set_cookie(redirect(where), token)
        field.errors.append(GENERIC_SIGN_IN_FAILURE)
    return render_template(template, form=form, delays=DELAYS)


@_sign_in_stage("/sign-in/set-up", staff.ENROL)
def enrol():
    """First sign-in: set up the authenticator app, then show the recovery codes once."""
    form = EnrolForm()
    if form.validate_on_submit():
        done = staff.enrol(db.session(), g.staff_token, form.code.data, _client())
        if done is not None:
            token, codes = done
            response = make_response(render_template("console/recovery_codes.html", codes=codes))
            return set_cookie(response, token)
        form.code.errors.append(GENERIC_SIGN_IN_FAILURE)
    uri, svg = staff.provisioning(g.staff_session.user)
    secret = g.staff_session.user.totp_secret
    return render_template("console/enrol.html", form=form, qr=Markup(svg),  # noqa: S704 (segno's own SVG)
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


@_sign_in_stage("/sign-in/new-password", staff.NEW_PASSWORD)
def new_password():
    """After an administrator chose the password: one of the person's own, before anything else."""
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            result = staff.choose_password(db.session(), g.staff_token, form.new.data)
        except staff.StaffError as exc:
            form.new.errors.append(MESSAGES[exc.code]())
        else:
            if result is None:
                return redirect(url_for("console.sign_in"))
            return set_cookie(redirect(url_for(STEPS[result.stage])), result.token)
    return render_template("console/new_password.html", form=form)


@bp.post("/sign-out")
@requires(access.ANONYMOUS)
def sign_out():
    """End this session on the server, whatever stage it reached."""
    staff.revoke(db.session(), g.get("staff_token"))
    return clear_cookie(redirect(url_for("console.signed_out")))


@bp.get("/signed-out")
@requires(access.ANONYMOUS)
def signed_out():
    """Confirm the sign-out, with a way back in."""
    return render_template("console/signed_out.html")
