"""Replying to the person from an item: channel, text, a preview as they will get it, then send."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import db
from portal.clock import now
from portal.console import bp, forms, words
from portal.console.guard import current_staff, requires
from portal.console.items import attempt, profile, refused_on
from portal.emails import mailing
from portal.i18n import language_label, time_span
from talkzone import access, conversations, inbox

CHANNEL_NAMES = {"email": _l("Email"), "text": _l("Text message")}
CLOSED = {
    "not_chosen": _l("They did not choose this as a safe way to contact them"),
    "no_address": _l("They gave no email address"),
    "address_failing": _l("Mail to their address is bouncing"),
    "not_a_mobile": _l("Texts go to UK mobile numbers only, and their number is not one"),
    "no_text_service": _l("This portal has no text message service set up"),
    "anonymised": _l("This item has been anonymised"),
}
REFUSED = {
    "channel_closed": _l("That way of contacting them is not open: choose another"),
    "reply_needed": _l("Enter the reply"),
    "reply_too_long": _l("Must be 2000 characters or fewer"),
    "names_must_not_know": _l("The reply names someone who must not know: take the name out"),
}


@bp.route("/items/<reference>/reply", methods=["GET", "POST"])
@requires("reply")
def reply(reference):
    """Write a reply; "Preview" shows it as the person will get it, "Send" queues it in the outbox."""
    session = db.session()
    found = access.get_item(session, current_staff(), reference, "reply")
    moment = now()
    options = conversations.channels(found, mailing(), moment)
    form = forms.ReplyForm()
    form.channel.choices = [(c.name, f"{CHANNEL_NAMES[c.name]} ({c.recipient})")
                            for c in options if c.recipient]
    canned = {str(c.id): c for c in conversations.canned_for(session, found.language or "en")}
    form.canned.choices = [("", _("None"))] + [(key, c.title) for key, c in canned.items()]
    form.canned.validate_choice = False  # only used to fill the text box; an unknown one fills nothing
    title = _("Reply to %(reference)s", reference=found.reference)

    def page(preview=None):
        return render_template("console/reply.html", item=found, form=form, title=title, words=words,
                               panel=words.contact_panel(found.contact), preview=preview,
                               closed=[(CHANNEL_NAMES[c.name], CLOSED[c.closed_because])
                                       for c in options if not c.recipient],
                               sender=profile().sender)

    def refused(code):
        return refused_on(form.text, str(REFUSED[code]), page)

    if request.method == "POST" and request.form.get("action") == "canned":
        # Fill the text box from the chosen canned response; nothing is checked or sent yet.
        if form.canned.data in canned:
            form.text.data = conversations.fill(canned[form.canned.data], found, opening_hours())
    elif form.validate_on_submit():
        if request.form.get("action") == "send":
            return attempt(lambda: conversations.send_reply(
                session, current_staff(), reference, form.channel.data, form.text.data, mailing(), moment),
                _sent, url_for("console.item", reference=reference), refused)
        try:
            return page(conversations.prepare(found, form.channel.data, form.text.data, mailing(), moment))
        except inbox.Refused as exc:
            return refused(exc.code)
    elif request.method == "GET":
        inbox.viewed_for_action(session, current_staff(), found, "reply")
    return page()


def _sent(message) -> str:
    """What the member of staff is told once a reply is queued: held until a safe time, or sent."""
    held = message.held_until
    return (_("Reply held until %(when)s, the next safe time", when=words.uk_moment(held))
            if held else _("Reply sent to the outbox"))


def opening_hours() -> str:
    """The helpline's opening hours as a canned response says them."""
    helpline = profile().helpline
    return time_span(helpline.opens, helpline.closes) if helpline else ""


@bp.route("/canned-responses", methods=["GET", "POST"])
@requires("manage_canned")
def canned_responses():
    """Canned responses for replies, per language; a placeholder not on the list is refused."""
    session = db.session()
    form = forms.CannedResponseForm()
    form.language.choices = [(code, language_label(code)) for code in current_app.config["LANGUAGES"]]

    def page():
        responses = [c for code in current_app.config["LANGUAGES"]
                     for c in conversations.canned_for(session, code)]
        return render_template("console/canned_responses.html", form=form, responses=responses)

    if form.validate_on_submit():
        return attempt(lambda: conversations.add_canned(session, current_staff(), form.title.data,
                                                        form.language.data, form.body.data),
                       _("Canned response saved"), url_for("console.canned_responses"),
                       lambda _code: refused_on(form.body, _("Use only {first_name}, {reference} and "
                                                             "{opening_hours} in braces"), page))
    return page()


@bp.app_template_global()
def conversation_of(item):
    """The item's thread for the item page's conversation partial."""
    return conversations.thread(db.session(), item)


STATES = {"queued": _l("Queued"), "held": _l("Held"), "sent": _l("Sent"), "failed": _l("Failed")}
INBOUND = {"reply": _l("Reply received"), "auto_reply": _l("Automatic reply received"),
           "bounce": _l("Bounce: not delivered"), "new_contact": _l("Message received"),
           "unprocessed": _l("Received, not yet read")}


@bp.app_template_global()
def conversation_words():
    """Labels for the thread's delivery states and kinds of received message."""
    return {"states": STATES, "inbound": INBOUND, "channels": CHANNEL_NAMES}
