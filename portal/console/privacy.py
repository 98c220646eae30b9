"""Data protection in the console: subject access (search, review, release, download), legal holds,
and extending a complaint's stage 1."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import db
from portal.console import bp, words
from portal.console.guard import current_staff, requires
from portal.console.items import _action_page, act
from portal.console.report_forms import (
    ExtensionForm,
    LegalHoldForm,
    SubjectDownloadForm,
    SubjectReleaseForm,
    SubjectReviewForm,
    SubjectSearchForm,
)
from portal.emails import mailing
from talkzone import access, deadlines, disclosure, retention, subject_access

EXTENSION_REFUSALS = {
    "cannot_extend": lambda: _("Only a complaint still waiting for its stage 1 reply can be extended"),
    "reason_needed": lambda: _("Enter why the stage 1 reply needs more time"),
    "already_extended": lambda: _("This complaint has already been extended once: it cannot be "
                                  "extended again"),
}


# Which of the record's own people's fields a search matched.
MATCHED = {
    "reference": _l("Reference"), "requester_name": _l("Requester's name"),
    "professional_name": _l("Professional's name"), "child_name": _l("Child's name"),
    "young_person_name": _l("Young person's name"), "name_given": _l("Name given"),
    "email": _l("Email address"), "phone": _l("Phone number"),
}
WITHHELD = {
    disclosure.OTHER_PEOPLE: _l("Withheld: other people's details"),
    disclosure.FOR_REVIEW: _l("Withheld for review: free text can name other people"),
    disclosure.STAFF_ONLY: _l("Withheld: for staff only"),
}


def _results(form, review_form, found):
    review_form.q.data = form.q.data
    review_form.reference.choices = [
        (m.item.reference, f"{m.item.reference}: {words.label(words.KINDS, m.item.kind)}") for m in found]
    return render_template("console/privacy/subject_access_results.html", form=review_form,
                           review_form=review_form, found=found, words=words, matched=MATCHED)


@bp.route("/subject-access", methods=["GET", "POST"])
@requires("subject_access")
def subject_access_page():
    """Search in a form post (the words are personal data); the results say which field matched."""
    form = SubjectSearchForm()
    if form.validate_on_submit():
        found = subject_access.find(db.session(), current_staff(), form.q.data)
        review_form = SubjectReviewForm(formdata=None)
        review_form.reference.data = [m.item.reference for m in found]
        return _results(form, review_form, found)
    return render_template("console/privacy/subject_access.html", form=form)


def _review_page(review, q, problem=None):
    return render_template("console/privacy/subject_access_review.html", review=review, q=q, problem=problem,
                           form=SubjectReleaseForm(formdata=None), words=words, matched=MATCHED,
                           withheld=WITHHELD)


@bp.post("/subject-access/review")
@requires("subject_access")
def subject_access_review():
    """What would be released, with what is held back marked, for the officer to check and confirm."""
    form = SubjectReviewForm()
    if form.validate_on_submit():
        review = subject_access.review(db.session(), current_staff(), form.q.data, form.reference.data)
        if review.records:
            return _review_page(review, form.q.data)
    search = SubjectSearchForm(formdata=None, q=form.q.data)
    found = subject_access.find(db.session(), current_staff(), form.q.data or "")
    if not form.reference.errors:
        form.reference.errors = [_("Select at least one record to review")]
    return _results(search, form, found)


@bp.post("/subject-access/release")
@requires("subject_access")
def subject_access_release():
    """Confirm the release reviewed; only then can it be downloaded."""
    form = SubjectReleaseForm()
    session = db.session()
    if not form.validate_on_submit():
        return redirect(url_for("console.subject_access_page"))
    try:
        subject_access.release(session, current_staff(), form.q.data, form.reference.data, form.digest.data)
    except subject_access.Changed:
        review = subject_access.review(session, current_staff(), form.q.data, form.reference.data)
        if not review.records:
            return redirect(url_for("console.subject_access_page"))
        return _review_page(review, form.q.data, _("The records have changed since you reviewed them. "
                                                   "Check what will be released again, then confirm."))
    flash(_("Release confirmed: you can now download the export"))
    return redirect(url_for("console.subject_access_releases"))


@bp.get("/subject-access/releases")
@requires("subject_access")
def subject_access_releases(problem=None):
    """The officer's own confirmed releases, each ready to download as a file."""
    return render_template("console/privacy/subject_access_releases.html", problem=problem,
                           releases=subject_access.releases(db.session(), current_staff()),
                           form=SubjectDownloadForm(formdata=None))


@bp.post("/subject-access/download")
@requires("subject_access")
def subject_access_download():
    """A confirmed release as a JSON file, or as a page that prints well, to send to the person."""
    form = SubjectDownloadForm()
    if not form.validate_on_submit():
        return redirect(url_for("console.subject_access_releases"))
    try:
        export = subject_access.download(db.session(), current_staff(), form.release.data, form.format.data)
    except subject_access.Changed:
        return subject_access_releases(_("The records have changed since this release was confirmed: "
                                         "search and review them again"))
    if form.format.data == "json":
        body, mimetype = json.dumps(export, indent=2, ensure_ascii=False, sort_keys=True), "application/json"
    else:
        body = render_template("console/privacy/subject_access_export.html", export=export, words=words,
                               matched=MATCHED, withheld=WITHHELD)
        mimetype = "text/html"
    name = f"subject-access-{form.release.data}.{form.format.data}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/items/<reference>/legal-hold", methods=["GET", "POST"])
@requires("legal_hold")
def legal_hold(reference):
    """Place a legal hold (the item is kept past its retention period), or lift it."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "legal_hold")
    form = LegalHoldForm()
    title = (_("Lift the legal hold on %(reference)s", reference=found.reference) if found.legal_hold
             else _("Place a legal hold on %(reference)s", reference=found.reference))
    if form.validate_on_submit():
        return act(found, form, title, lambda: retention.set_legal_hold(
            session, current_staff(), reference, not found.legal_hold, form.reason.data),
            lambda item: _("Legal hold placed: this item will not be anonymised") if item.legal_hold
            else _("Legal hold lifted"), "reason")
    return _action_page(found, form, title)


@bp.route("/items/<reference>/extend", methods=["GET", "POST"])
@requires("extend_complaint")
def extend_complaint(reference):
    """Extend a complaint's stage 1 reply to 20 working days, once, telling the young person safely."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "extend_complaint")
    form = ExtensionForm(version=str(found.version))
    title = _("Extend the stage 1 reply for %(reference)s", reference=found.reference)
    if form.validate_on_submit():
        return act(found, form, title, lambda: deadlines.extend_complaint(
            session, current_staff(), reference, form.reason.data, int(form.version.data), mailing()),
            lambda item: _("Stage 1 reply now due by %(date)s", date=item.due_on.strftime("%d %B %Y")),
            "reason", refusals=EXTENSION_REFUSALS)
    return _action_page(found, form, title)
