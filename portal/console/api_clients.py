"""Administration of API clients: make one (its token shown once), see them all, revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from portal import db
from portal.console import bp, words
from portal.console.guard import current_staff, requires
from portal.console.items import profile
from portal.fields import checkboxes, radios, text
from talkzone import access, api_clients, handoff

ERRORS = {
    "name_needed": ("name", lambda: _("Enter a name for the client")),
    "unknown_role": ("role", lambda: _("Select the scope the client gets")),
    "areas_needed": ("areas", lambda: _("Choose at least one district for a district scope")),
    "unknown_area": ("areas", lambda: _("Choose districts from the list")),
}


class NewApiClientForm(FlaskForm):
    """A new API client: a name, and the staff role whose scope it gets."""

    name = text(_l("Name"), _l("Enter a name for the client"), max_length=120,
                hint=_l("Which system this is, for example ‘Preston case management’"))
    role = radios(_l("Scope: the items of staff in this role"), [], _l("Select the scope the client gets"))
    areas = checkboxes(_l("Districts (for a district scope)"), [])

    def validate_areas(self, field):
        if self.role.data == access.DISTRICT_TRIAGE_OFFICER and not field.data:
            raise ValidationError(_l("Choose at least one district for a district scope"))


@bp.get("/api-clients")
@requires("manage_users")
def api_client_list():
    """Every API client, live and revoked, with a way to revoke a live one."""
    names = {a.code: a.name for a in profile().areas}
    return render_template("console/api_clients.html", clients=api_clients.clients(db.session()), words=words,
                           area_names=lambda codes: ", ".join(names.get(c, c) for c in codes or []))


@bp.route("/api-clients/new", methods=["GET", "POST"])
@requires("manage_users")
def new_api_client():
    """Make a client; its token is shown on the next page, once, and never again."""
    form = NewApiClientForm()
    form.role.choices = [(r, words.label(words.ROLES, r)) for r in api_clients.ROLES]
    form.areas.choices = [(a.code, a.name) for a in profile().areas]
    if form.validate_on_submit():
        try:
            client, token = api_clients.create(
                db.session(), name=form.name.data, role=form.role.data, areas=form.areas.data,
                known_areas=[a.code for a in profile().areas], actor=current_staff())
        except api_clients.ApiClientError as exc:
            field, message = ERRORS[exc.code]
            getattr(form, field).errors.append(message())
        else:
            return render_template("console/api_client_made.html", client=client, token=token)
    return render_template("console/new_api_client.html", form=form)


@bp.post("/api-clients/<int:client_id>/revoke")
@requires("manage_users")
def revoke_api_client(client_id):
    """End a client's access at once."""
    if not FlaskForm().validate():
        abort(400)
    client = api_clients.revoke(db.session(), client_id, actor=current_staff())
    flash(_("%(name)s can no longer use the API", name=client.name))
    return redirect(url_for("console.api_client_list"))


@bp.app_template_global()
def handoff_counts() -> list[tuple[str, int]]:
    """The reports page's hand-off figures: items in the user's scope by what the case system said."""
    counts = handoff.counts(db.session(), current_staff())
    return [(words.label(words.HANDOFF, status) if status else _("Not answered yet"), counts.get(status, 0))
            for status in (None, *handoff.STATUSES)]
