"""Forms for a young person's complaint, one question page each, in plain words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.fields import EmailAddress, JourneyForm, UKPhone, long_text, radios, text
from portal.journeys.questions.address import AddressForm  # noqa: F401 (a question page of this journey)
from portal.journeys.questions.age import AgeField
from portal.journeys.questions.contact_preferences import YES_NO

CARE = [
    ("looked_after", _l("In care (looked after)")),
    ("care_leaver", _l("A care leaver")),
    ("neither", _l("Neither")),
    ("not_sure", _l("Not sure")),
]
TOPICS = [
    ("social_worker", _l("A social worker")),
    ("placement", _l("A foster home or children's home (placement)")),
    ("leaving_care", _l("Support for leaving care")),
    ("family_contact", _l("Contact with family")),
    ("other", _l("Something else")),
]
# "helpline" is offered only when the service profile has a helpline.
METHODS = [
    ("call", _l("Phone call")), ("text", _l("Text message")), ("email", _l("Email")),
    ("letter", _l("Letter")), ("helpline", _l("Through the helpline")),
    ("advocate", _l("Through my advocate")),
]
ADVOCATE = [("yes", _l("Yes")), ("no", _l("No")), ("tell_me_more", _l("Tell me more first"))]
# Hints shown under the option they explain (GOV.UK radios' item hints).
CARE_HINTS = {
    "looked_after": _l("For example, living with foster carers or in a children's home"),
    "care_leaver": _l("You used to be in care and are now 16 or older"),
}


class WhoForm(JourneyForm):
    who = radios(_l("Who is making this complaint?"),
                 [("myself", _l("Me. I am a young person and it is about me")),
                  ("someone_else", _l("I am complaining for a young person"))],
                 _l("Select who is making this complaint"),
                 item_hints={"someone_else": _l("For example, you might be their parent, carer, friend or "
                                                "worker.")})


class YourNameForm(JourneyForm):
    # A young person may complain without a name (issue #17); the hint says what that costs.
    name = text(_l("What is your name? (optional)"), autocomplete="name",
                too_long=_l("Your name must be %(max)d characters or fewer"),
                hint=_l("You do not have to give your name. Without it, we may not be able to look "
                        "into your complaint or reply to you. Use the name people know you by."))


class OnBehalfForm(JourneyForm):
    name = text(_l("Your name"), _l("Enter your name"), autocomplete="name",
                too_long=_l("Your name must be %(max)d characters or fewer"))
    relationship = text(_l("How do you know the young person?"),
                        _l("Enter how you know the young person"), max_length=100,
                        too_long=_l("How you know the young person must be %(max)d characters or fewer"),
                        hint=_l("For example, grandparent, foster carer or teacher"))
    young_person_name = text(_l("The young person's name"), _l("Enter the young person's name"),
                             too_long=_l("The young person's name must be %(max)d characters or fewer"))


class AgreesForm(JourneyForm):
    agrees = radios(_l("Does the young person know about this complaint and agree with it?"),
                    [("yes", _l("Yes, they know and agree")),
                     ("not_agreed", _l("They know, but do not agree")),
                     ("not_told", _l("No, they do not know about it"))],
                    _l("Select whether the young person knows and agrees"),
                    hint=_l("We will usually want to talk to the young person too."))


class AgeForm(JourneyForm):
    age = AgeField()  # the helpline's age question, the same field


class CareForm(JourneyForm):
    care = radios(_l("Are you in care or a care leaver?"), CARE,
                  _l("Select in care, care leaver, neither or not sure"), item_hints=CARE_HINTS)


class AboutForm(JourneyForm):
    about = radios(_l("What is your complaint about?"), TOPICS, _l("Select what your complaint is about"),
                   hint=_l("Choose the one that fits best."))


class WhatHappenedForm(JourneyForm):
    details = long_text(_l("What happened?"), _l("Tell us what happened"), max_length=3000,
                        too_long=_l("Your complaint must be %(max)d characters or fewer"),
                        hint=_l("Use your own words. If you can, say when it happened and who was "
                                "involved."))


class OutcomeForm(JourneyForm):
    outcome = long_text(_l("What would you like to happen?"), _l("Tell us what you would like to happen"),
                        max_length=1500,
                        too_long=_l("What you would like to happen must be %(max)d characters or fewer"),
                        hint=_l("For example, an apology, a change to a plan, or a meeting."))


class ContactMethodForm(JourneyForm):
    method = radios(_l("How should we contact you about your complaint?"), METHODS,
                    _l("Select how we should contact you"),
                    hint=_l("Choose one. Only choose a way that nobody else will see or hear."))


class PhoneForm(JourneyForm):
    phone = text(_l("What is your phone number?"), _l("Enter your phone number"), max_length=30,
                 width=20, autocomplete="tel", input_type="tel",
                 too_long=_l("Your phone number must be %(max)d characters or fewer"),
                 validators=[UKPhone(_l("Enter a UK phone number, like 07700 900 982"))])


class EmailForm(JourneyForm):
    email = text(_l("What is your email address?"), _l("Enter your email address"), max_length=254,
                 autocomplete="email", input_type="email",
                 too_long=_l("Your email address must be %(max)d characters or fewer"),
                 validators=[EmailAddress(_l("Enter an email address in the correct format, "
                                             "like name@example.com"))])


class AdvocateForm(JourneyForm):
    advocate = radios(_l("Would you like an advocate to help you?"), ADVOCATE,
                      _l("Select yes, no or tell me more"),
                      item_hints={"tell_me_more": _l("We will explain what an advocate does, then ask "
                                                     "you again")})


class AdvocateAgainForm(JourneyForm):
    advocate = radios(_l("Would you like an advocate to help you?"), YES_NO,
                      _l("Select yes if you would like an advocate"))


class AdvocacyConsentForm(JourneyForm):
    consent = radios(_l("Can we pass your details to the advocacy service?"), YES_NO,
                     _l("Select yes if we can pass your details on"))
