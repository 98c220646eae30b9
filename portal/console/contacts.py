"""Logging a contact taken by phone, text, email or social media."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from portal import db
from portal.console import bp, forms, words
from portal.console.guard import current_staff, requires
from portal.console.items import REFUSALS, attempt, profile, refused_on
from portal.emails import mailing
from talkzone import inbox
from talkzone.routing import normalise_postcode
from talkzone.submissions import contact_preferences


@bp.route("/contacts/new", methods=["GET", "POST"])
@requires("log_contact")
def log_contact():
    """A helpline adviser records a contact, or a complaint or request taken for a caller."""
    form = forms.LogContactForm()
    kinds = ["helpline_contact", "request_for_support"]
    if profile().complaints is not None:
        kinds.append("complaint")
    if profile().helpline is None:
        kinds.remove("helpline_contact")
    form.kind.choices = [(k, words.label(words.KINDS, k)) for k in kinds]
    form.area.choices = [("", _("Choose a district"))] + [(a.code, a.name) for a in profile().areas]

    def page():
        return render_template("console/log_contact.html", form=form)

    if form.validate_on_submit():
        safety = {key: getattr(form, key).data for key in ("days", "start", "end", "voicemail",
                                                           "say_who", "must_not_know")}
        contact = contact_preferences({"channels": form.channels.data, "phone": form.phone.data,
                                       "email": form.email.data}, safety)
        return attempt(
            lambda: inbox.log_contact(db.session(), current_staff(), kind=form.kind.data,
                                      channel=form.channel.data,
                                      mailing=mailing(), summary=form.summary.data, name=form.name.data,
                                      contact=contact, area_code=form.area.data or None,
                                      postcode=normalise_postcode(form.postcode.data or "")),
            lambda item: _("Logged as %(reference)s", reference=item.reference),
            lambda item: url_for("console.item", reference=item.reference)
            if item.kind == "helpline_contact" else url_for("console.inbox"),
            lambda code: refused_on(form.kind, REFUSALS[code](), page))
    return page()
