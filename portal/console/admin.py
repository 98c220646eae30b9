"""Administration: staff accounts (create, disable, reset) and the audit trail."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal import db
from portal.console import bp, words
from portal.console.forms import NewUserForm
from portal.console.guard import current_staff, requires
from portal.console.items import profile
from talkzone import access, staff
from talkzone.models import AuditEvent, Submission, User

ERRORS = {
    "email_taken": ("email", lambda: _("There is already an account with this email address")),
    "password_too_short": ("password", lambda: _("The password must be at least 12 characters")),
    "areas_needed": ("areas", lambda: _("Choose at least one district for a district triage officer")),
    "unknown_role": ("role", lambda: _("Select a role")),
}


@bp.get("/users")
@requires("manage_users")
def users():
    """Every staff account, with ways to disable, enable or reset it."""
    return render_template("console/users.html", users=staff.users(db.session()), words=words,
                           form=FlaskForm())


@bp.route("/users/new", methods=["GET", "POST"])
@requires("manage_users")
def new_user():
    """Add a staff account with its role (and districts for a triage officer)."""
    form = NewUserForm()
    form.role.choices = [(r, words.label(words.ROLES, r)) for r in access.ROLES]
    form.areas.choices = [(a.code, a.name) for a in profile().areas]
    if form.validate_on_submit():
        try:
            staff.create_user(db.session(), email=form.email.data, name=form.name.data, role=form.role.data,
                              password=form.password.data, areas=form.areas.data, actor=current_staff())
        except staff.StaffError as exc:
            field, message = ERRORS[exc.code]
            getattr(form, field).errors.append(message())
        else:
            flash(_("Account created. The person chooses their own password and sets up their security code "
                    "when they first sign in."))
            return redirect(url_for("console.users"))
    return render_template("console/new_user.html", form=form)


def _user(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/disable")
@requires("manage_users")
def disable_user(user_id):
    """Disable an account: its sessions end at once."""
    if not FlaskForm().validate():
        abort(400)
    try:
        staff.set_active(db.session(), current_staff(), _user(user_id), False)
    except staff.StaffError:
        flash(_("You cannot disable your own account"))
    return redirect(url_for("console.users"))


@bp.post("/users/<int:user_id>/enable")
@requires("manage_users")
def enable_user(user_id):
    """Let a disabled account sign in again."""
    if not FlaskForm().validate():
        abort(400)
    staff.set_active(db.session(), current_staff(), _user(user_id), True)
    return redirect(url_for("console.users"))


@bp.post("/users/<int:user_id>/reset")
@requires("manage_users")
def reset_user(user_id):
    """Reset a forgotten password or lost phone: a one-time password, shown once, and a new set-up."""
    if not FlaskForm().validate():
        abort(400)
    user = _user(user_id)
    temporary = staff.reset_account(db.session(), current_staff(), user)
    return render_template("console/reset_done.html", user=user, temporary=temporary)


@bp.get("/audit")
@requires("view_audit")
def audit_trail():
    """The latest events across the service, newest first."""
    session = db.session()
    rows = session.execute(
        select(AuditEvent, Submission.reference, User.name)
        .outerjoin(Submission, AuditEvent.submission_id == Submission.id)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .order_by(AuditEvent.id.desc()).limit(200)).all()
    return render_template("console/audit.html", rows=rows, words=words)
