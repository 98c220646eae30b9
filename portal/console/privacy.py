"""Data protection in the console: subject access, legal holds, and extending a complaint's stage 1."""

from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import db
from portal.console import bp, words
from portal.console.guard import requires
from portal.console.items import _action_page, _conflict
from portal.emails import composer, delivery
from portal.forms.console_reports import ExtensionForm, LegalHoldForm, SubjectSearchForm
from talkzone import access, deadlines, inbox, retention, subject_access

EXTENSION_REFUSALS = {
    "cannot_extend": lambda: _("Only a complaint still waiting for its stage 1 reply can be extended"),
    "reason_needed": lambda: _("Enter why the stage 1 reply needs more time"),
    "already_extended": lambda: _("This complaint has already been extended once: it cannot be "
                                  "extended again"),
}


@bp.route("/subject-access", methods=["GET", "POST"])
@requires("subject_access")
def subject_access_page():
    """Search in a form post (the words are personal data); the results are the printable record."""
    form = SubjectSearchForm()
    if form.validate_on_submit():
        found = subject_access.export(db.session(), g.staff, form.q.data)
        return render_template("console/privacy/subject_access_results.html", form=form, export=found,
                               words=words)
    return render_template("console/privacy/subject_access.html", form=form)


@bp.post("/subject-access.json")
@requires("subject_access")
def subject_access_json():
    """The same export as a JSON file to send to the person."""
    form = SubjectSearchForm()
    if not form.validate_on_submit():
        return render_template("console/privacy/subject_access.html", form=form)
    found = subject_access.export(db.session(), g.staff, form.q.data)
    body = json.dumps(found, indent=2, ensure_ascii=False, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="subject-access-export.json"',
        "Cache-Control": "no-store"})


@bp.route("/items/<reference>/legal-hold", methods=["GET", "POST"])
@requires("legal_hold")
def legal_hold(reference):
    """Place a legal hold (the item is kept past its retention period), or lift it."""
    session = db.session()
    found = access.get_item(session, g.staff, reference, "legal_hold")
    form = LegalHoldForm()
    title = (_("Lift the legal hold on %(reference)s", reference=found.reference) if found.legal_hold
             else _("Place a legal hold on %(reference)s", reference=found.reference))
    if form.validate_on_submit():
        item = retention.set_legal_hold(session, g.staff, reference, not found.legal_hold, form.reason.data)
        flash(_("Legal hold placed: this item will not be anonymised") if item.legal_hold
              else _("Legal hold lifted"))
        return redirect(url_for("console.item", reference=reference))
    return _action_page(found, form, title)


@bp.route("/items/<reference>/extend", methods=["GET", "POST"])
@requires("extend_complaint")
def extend_complaint(reference):
    """Extend a complaint's stage 1 reply to 20 working days, once, telling the young person safely."""
    session = db.session()
    found = access.get_item(session, g.staff, reference, "extend_complaint")
    form = ExtensionForm(version=str(found.version))
    title = _("Extend the stage 1 reply for %(reference)s", reference=found.reference)
    if form.validate_on_submit():
        try:
            item = deadlines.extend_complaint(session, g.staff, reference, form.reason.data,
                                              int(form.version.data), composer(), delivery())
        except inbox.Conflict as exc:
            return _conflict(form, exc, title)
        except inbox.Refused as exc:
            form.reason.errors.append(EXTENSION_REFUSALS[exc.code]())
            return _action_page(found, form, title)
        flash(_("Stage 1 reply now due by %(date)s", date=item.due_on.strftime("%d %B %Y")))
        return redirect(url_for("console.item", reference=reference))
    return _action_page(found, form, title)
