"""Answers not given on a public form, read in the words of the console's log form.

A contact logged by staff keeps what the log form asked; one sent on from the helpline keeps
the contact it came from; one that came in by email or text keeps what it said. Each registers
with portal.answer_words, so the item page shows them as rows of words, like an item sent
online, instead of their stored keys and codes.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import answer_words
from portal.console.forms import LogContactForm
from portal.journeys.questions.summary_rows import choice, row
from talkzone.models import Kind


def logged_contact(answers: dict) -> list[dict]:
    """A contact logged by staff: how it came in, the name given and what was said."""
    logged = answers["logged_contact"]
    return [{"title": _("Logged by staff"), "rows": [
        row(_l("How did they get in touch?"), choice(LogContactForm, "channel", logged["channel"]), "", ""),
        row(_l("Name or nickname"), logged.get("name"), "", ""),
        row(_l("What did they say?"), logged.get("summary"), "", ""),
    ]}]


def sent_on(answers: dict) -> list[dict]:
    """An item sent on from the helpline: the contact's reference, then the contact's own answers."""
    contact = answer_words.sections(Kind.HELPLINE_CONTACT, answers.get("helpline_contact") or {})
    if contact is None:
        raise ValueError("the helpline contact's answers cannot be read")
    return [{"title": _("Sent on from the helpline"),
             "rows": [row(_l("Helpline contact"), answers["referred_from"], "", "")]}, *contact]


def came_in(answers: dict) -> list[dict]:
    """A contact that came in by email or text to the helpline: how, and what it said."""
    mail = answers.get("email_in")
    said = mail or answers["text_in"]
    how = choice(LogContactForm, "channel", "email" if mail else "text")
    rows = [row(_l("How did they get in touch?"), how, "", "")]
    if mail:
        rows.append(row(_l("Subject"), mail.get("subject"), "", ""))
    rows.append(row(_l("What did they say?"), said.get("message"), "", ""))
    return [{"title": _("Sent to the helpline"), "rows": rows}]


answer_words.register_staff_summary("logged_contact", logged_contact)
answer_words.register_staff_summary("referred_from", sent_on)
answer_words.register_staff_summary("email_in", came_in)
answer_words.register_staff_summary("text_in", came_in)
