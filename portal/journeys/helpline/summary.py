"""Check-your-answers rows for a helpline contact, each with a link back to change it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.answer_words import register
from portal.journeys.helpline import forms
from portal.journeys.questions.age import age_words
from portal.journeys.questions.summary_rows import choice, lines, row
from portal.profile import current_profile
from talkzone.helpline import CALLBACK_METHODS, windows_from_answers
from talkzone.models import Kind


def helpline_summary(answers: dict, journey, window_words) -> list[dict]:
    """The sections of the helpline check-your-answers page.

    Only the answers that apply to the chosen way of getting back are shown, as only
    those are stored.
    """
    def change(step):
        return journey.url(step, change=1)

    method = answers["reply"]["method"]
    message = [
        row(_l("Topic"), choice(forms.TopicForm, "topic", answers["topic"]["topic"]), change("topic"),
            _l("topic")),
        row(_l("Your message"), answers["message"]["message"], change("message"), _l("your message")),
    ]
    reply = [row(_l("How we get back to you"), choice(forms.ReplyForm, "method", method),
                 change("reply"), _l("how we get back to you"))]
    if method in CALLBACK_METHODS:
        windows = windows_from_answers(answers)
        when = lines(*(window_words(w) for w in windows)) if windows else _("As soon as you can")
        safety = answers["safety"]
        reply.append(row(_l("Phone number"), answers["phone"]["phone"], change("phone"),
                         _l("phone number")))
        reply.append(row(_l("When"), when, change("windows"), _l("when we can get back to you")))
        if method == "call":
            reply.append(row(_l("Voicemail"), choice(forms.SafetyForm, "voicemail", safety.get("voicemail")),
                             change("safety"), _l("whether we can leave a voicemail")))
        name = current_profile().helpline.name
        reply.append(row(_("Say we are from %(name)s", name=name),
                         choice(forms.SafetyForm, "say_who", safety.get("say_who")), change("safety"),
                         _l("whether we can say where we are from")))
    elif method == "email":
        reply.append(row(_l("Email address"), answers["email"]["email"], change("email"),
                         _l("email address")))
    about = answers["about-you"]
    you = [
        row(_l("Name or nickname"), about.get("nickname"), change("about-you"), _l("name or nickname")),
        row(_l("Age"), age_words(about.get("age")), change("about-you"), _l("age")),
    ]
    return [{"title": _("Your message"), "rows": message},
            {"title": _("Getting back to you"), "rows": reply},
            {"title": _("About you"), "rows": you}]


register(Kind.HELPLINE_CONTACT, lambda answers: choice(forms.TopicForm, "topic", answers["topic"]["topic"]))
