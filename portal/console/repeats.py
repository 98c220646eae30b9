"""Repeat contacts on an item: link and unlink, merge a duplicate (after a confirmation page), and
flags on a person set and removed with a reason."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import clock, db
from portal.console import bp, forms, words
from portal.console.guard import current_staff, requires
from portal.console.items import REFUSALS, _action_page, _conflict, act, attempt
from talkzone import access, inbox, person_flags, repeats
from talkzone.calendar import uk_date

REFUSALS = REFUSALS | {
    "same_item": lambda: _("An item cannot be linked to itself"),
    "already_linked": lambda: _("These items are already linked"),
    "not_linked": lambda: _("These items are not linked"),
    "already_merged": lambda: _("One of these items has already been merged"),
    "no_person_keys": lambda: _("This item has no phone number, email address or name with a date of "
                                "birth to find the person by"),
    "unknown_flag": lambda: _("Select what kind of warning it is"),
    "expiry_in_past": lambda: _("Expiry date must be today or in the future"),
}


def _back(reference):
    return redirect(url_for("console.item", reference=reference))


def _posted(reference, change, done):
    """A one-button action: a bad or missing CSRF token changes nothing; a refusal is said on the item."""
    if not FlaskForm().validate():
        return _back(reference)

    def refused(code):
        flash(REFUSALS[code]())
        return _back(reference)

    return attempt(change, done, url_for("console.item", reference=reference), refused)


@bp.post("/items/<reference>/links/<other>")
@requires("link_items")
def link(reference, other):
    """Link this item to another from the same person."""
    return _posted(reference, lambda: repeats.link(db.session(), current_staff(), reference, other),
                   _("Linked to %(reference)s", reference=other))


@bp.post("/items/<reference>/links/<other>/remove")
@requires("link_items")
def unlink(reference, other):
    """Undo a link."""
    return _posted(reference, lambda: repeats.unlink(db.session(), current_staff(), reference, other),
                   _("No longer linked to %(reference)s", reference=other))


@bp.route("/items/<reference>/merge/<other>", methods=["GET", "POST"])
@requires("link_items")
def merge(reference, other):
    """Confirm, then close this item as merged into the other (the original)."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "link_items")
    original = access.get_item(session, current_staff(), other, "link_items")
    form = forms.MergeForm(version=str(found.version))
    title = _("Merge %(duplicate)s into %(original)s", duplicate=found.reference, original=original.reference)

    def page(refused=None):
        if request.method == "GET":
            inbox.viewed_for_action(session, current_staff(), found, "merge")
        return render_template("console/merge.html", item=found, original=original, form=form, title=title,
                               words=words, panel=words.contact_panel(found.contact), refused=refused,
                               already=found.id == original.id
                               or repeats.related(session, current_staff(), found).merge is not None), \
            409 if refused and request.method == "POST" else 200

    if found.id == original.id:
        return page(REFUSALS["same_item"]())
    if form.validate_on_submit():
        return attempt(
            lambda: repeats.merge(session, current_staff(), reference, other, int(form.version.data)),
            _("Merged into %(reference)s", reference=original.reference),
            url_for("console.item", reference=reference), lambda code: page(REFUSALS[code]()),
            conflict=lambda exc: _conflict(form, exc, title))
    return page()


@bp.route("/items/<reference>/person-flags/new", methods=["GET", "POST"])
@requires("flag_person")
def person_flag(reference):
    """Set a warning on the person this item is from."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "flag_person")
    form = forms.PersonFlagForm()
    form.kind.choices = [(k, words.label(words.FLAG_KINDS, k)) for k in person_flags.KINDS]
    title = _("Add a warning about the person on %(reference)s", reference=found.reference)
    today = uk_date(clock.now())
    if form.validate_on_submit():
        return act(found, form, title, lambda: person_flags.set_flag(
            session, current_staff(), reference, form.kind.data, form.reason.data, form.expires_on.data,
            today),
            _("Warning added"), "kind", {"expiry_in_past": "expires_on", "reason_needed": "reason"},
            refusals=REFUSALS)
    return _action_page(found, form, title)


@bp.route("/items/<reference>/person-flags/<int:flag_id>/remove", methods=["GET", "POST"])
@requires("flag_person")
def remove_person_flag(reference, flag_id):
    """Remove a warning about a person, with the reason."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "flag_person")
    today = uk_date(clock.now())
    if not any(f.id == flag_id for f in person_flags.active(session, found, today)):
        raise access.NotFound(flag_id)
    form = forms.RemovePersonFlagForm()
    title = _("Remove the warning about the person on %(reference)s", reference=found.reference)
    if form.validate_on_submit():
        return act(found, form, title, lambda: person_flags.remove(
            session, current_staff(), reference, flag_id, form.reason.data, today),
            _("Warning removed"), "reason", refusals=REFUSALS)
    return _action_page(found, form, title)

