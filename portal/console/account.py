"""A member of staff's own account: changing the password."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import db
from portal.console import bp
from portal.console.forms import ChangePasswordForm
from portal.console.guard import current_staff, requires, set_cookie
from talkzone import access, staff

MESSAGES = {
    "wrong_password": lambda: _("Your current password is not right"),
    "password_too_short": lambda: _("The new password must be at least 12 characters"),
    "password_unchanged": lambda: _("Your new password must be different from your current password"),
}


@bp.route("/account/password", methods=["GET", "POST"])
@requires(access.SIGNED_IN)
def change_password():
    """Change one's password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            token = staff.change_password(db.session(), current_staff(), form.current.data, form.new.data)
        except staff.StaffError as exc:
            field = form.current if exc.code == "wrong_password" else form.new
            field.errors.append(MESSAGES[exc.code]())
        else:
            flash(_("Your password has been changed. Other sessions have been signed out."))
            return set_cookie(redirect(url_for("console.inbox")), token)
    return render_template("console/password.html", form=form)
