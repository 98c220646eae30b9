"""Check-your-answers rows for a young person's complaint."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.answer_words import register
from portal.journeys.complaint import forms
from portal.journeys.questions.age import age_words
from portal.journeys.questions.summary_rows import choice, lines, row, safe_contact_rows
from talkzone.complaints import advocacy_offered, contact_method, for_someone_else, wants_advocate
from talkzone.models import Kind


def method_words(method: str, profile) -> str:
    """The chosen way of contact in words, naming the helpline from the profile."""
    if method == "helpline" and profile.helpline is not None:
        return _("Through %(helpline)s", helpline=profile.helpline.name)
    return choice(forms.ContactMethodForm, "method", method)


def complaint_summary(answers: dict, journey, profile) -> list[dict]:
    """The sections of the complaint's check-your-answers page."""
    def change(step):
        return journey.url(step, change=1)

    behalf = for_someone_else(answers)
    who = [row(_l("Who is complaining"), choice(forms.WhoForm, "who", answers["who"]["who"]),
               change("who"), _l("who is complaining"))]
    if behalf:
        about_you = answers["on-behalf"]
        who += [
            row(_l("Your name"), about_you["name"], change("on-behalf"), _l("your name")),
            row(_l("How you know them"), about_you["relationship"], change("on-behalf"),
                _l("how you know the young person")),
            row(_l("Young person's name"), about_you["young_person_name"], change("on-behalf"),
                _l("the young person's name")),
            row(_l("Knows and agrees"), choice(forms.AgreesForm, "agrees", answers["agrees"]["agrees"]),
                change("agrees"), _l("whether the young person knows and agrees")),
        ]
    else:
        who.append(row(_l("Your name"), answers["your-name"]["name"]
                       or _("Not given. We may not be able to look into your complaint or reply to you."),
                       change("your-name"), _l("your name")))
    who += [
        row(_l("Age"), age_words(answers["age"]["age"]), change("age"), _l("age")),
        row(_l("In care or a care leaver"), choice(forms.CareForm, "care", answers["care"]["care"]),
            change("care"), _l("whether in care or a care leaver")),
    ]

    complaint = [
        row(_l("About"), choice(forms.AboutForm, "about", answers["about"]["about"]), change("about"),
            _l("what the complaint is about")),
        row(_l("What happened"), answers["what-happened"]["details"], change("what-happened"),
            _l("what happened")),
        row(_l("What you would like to happen"), answers["outcome"]["outcome"], change("outcome"),
            _l("what you would like to happen")),
    ]

    method = contact_method(answers)
    contact = [row(_l("How to contact you"), method_words(method, profile), change("contact-method"),
                   _l("how to contact you"))]
    if method in ("call", "text"):
        contact.append(row(_l("Phone number"), answers["phone"]["phone"], change("phone"),
                           _l("phone number")))
    elif method == "email":
        contact.append(row(_l("Email address"), answers["email"]["email"], change("email"),
                           _l("email address")))
    elif method == "letter":
        address = answers["address"]
        contact.append(row(_l("Address"), lines(address["line_1"], address.get("line_2"),
                                                address["town"], address["postcode"]),
                           change("address"), _l("address")))
    contact += safe_contact_rows(answers["safety"], change("safety"))

    sections = [{"title": _("About you") if not behalf else _("You and the young person"), "rows": who},
                {"title": _("The complaint"), "rows": complaint},
                {"title": _("Contact"), "rows": contact}]
    if advocacy_offered(answers, profile):
        step = "advocate-info" if answers["advocate"]["advocate"] == "tell_me_more" else "advocate"
        advocate = [row(_l("Would like an advocate"),
                        choice(forms.AdvocateAgainForm, "advocate", wants_advocate(answers)),
                        change(step), _l("whether you would like an advocate"))]
        if "advocacy-consent" in answers and wants_advocate(answers) == "yes":
            advocate.append(row(
                _l("Pass details to the %(service)s", service=profile.advocacy.name),
                choice(forms.AdvocacyConsentForm, "consent", answers["advocacy-consent"]["consent"]),
                change("advocacy-consent"), _l("whether we can pass your details on")))
        sections.append({"title": _("Advocate"), "rows": advocate})
    return sections


register(Kind.COMPLAINT, lambda answers: choice(forms.AboutForm, "about", answers["about"]["about"]))
