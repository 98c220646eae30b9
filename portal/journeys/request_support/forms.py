"""Forms for the Request for Support journey, one question page each."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.fields import (
    DateParts,
    EmailAddress,
    JourneyForm,
    UKPhone,
    checkboxes,
    long_text,
    radios,
    text,
)
from portal.journeys.questions.address import AddressForm  # noqa: F401 (a question page of this journey)
from portal.journeys.questions.contact_preferences import YES_NO, check_mobile_for_texts
from talkzone.calendar import uk_date
from talkzone.eligibility import TOO_OLD, child_age_problem
from talkzone.models import utcnow

YES_NO_NOT_SURE = [("yes", _l("Yes")), ("no", _l("No")), ("not_sure", _l("Not sure"))]

# The priority groups of the early help offer.
NEEDS = [
    ("send", _l("Special educational needs, disability or behaviour")),
    ("neglect", _l("Worries about a child not being cared for properly")),
    ("money", _l("Money, work or debt")),
    ("health", _l("Physical health")),
    ("domestic_abuse", _l("Domestic abuse")),
    ("mental_health", _l("Emotional or mental health")),
    ("young_parents", _l("Being a young or new parent")),
    ("young_carer", _l("A child or young person caring for someone")),
    ("housing", _l("Housing or homelessness")),
    ("asylum", _l("Seeking asylum or being a refugee")),
    ("exploitation", _l("Sexual exploitation or grooming")),
    ("moving_often", _l("Moving home often")),
    ("crime", _l("Crime or anti-social behaviour")),
    ("school", _l("Not going to school")),
    ("risk_taking", _l("Risky behaviour, such as drugs or alcohol")),
    ("discrimination", _l("Discrimination or being treated unfairly")),
    ("other", _l("Something else")),
]

CHANNELS = [("call", _l("Phone call")), ("text", _l("Text message")), ("email", _l("Email")),
            ("letter", _l("Letter to the address you gave"))]


class WhoForm(JourneyForm):
    role = radios(
        _l("Who is asking for support?"),
        [("parent", _l("A parent or carer")),
         ("young_person", _l("A young person aged 16 or over, asking for myself")),
         ("professional", _l("A professional, asking on behalf of a family"))],
        _l("Select who is asking for support"),
    )


class AboutYouForm(JourneyForm):
    name = text(_l("Your full name"), _l("Enter your full name"), autocomplete="name")
    relationship = text(_l("Your relationship to the children (optional)"), max_length=100,
                        hint=_l("For example, mum, grandad or foster carer"))


class ProfessionalForm(JourneyForm):
    name = text(_l("Your full name"), _l("Enter your full name"), autocomplete="name")
    organisation = text(_l("Organisation"), _l("Enter the name of your organisation"),
                        autocomplete="organization")
    job_role = text(_l("Job title or role"), _l("Enter your job title or role"))
    work_email = text(_l("Work email address"), _l("Enter your work email address"),
                      max_length=254, autocomplete="email", input_type="email",
                      validators=[EmailAddress(_l("Enter an email address in the correct format, "
                                                  "like name@example.com"))])
    work_phone = text(_l("Work phone number"), _l("Enter your work phone number"),
                      max_length=30, width=20, autocomplete="tel", input_type="tel",
                      validators=[UKPhone(_l("Enter a UK phone number, like 01632 960 001"))])


class FamilyConsentForm(JourneyForm):
    family_consent = radios(
        _l("Has the family agreed to this request and to their information being shared?"),
        YES_NO, _l("Select yes if the family has agreed"),
        hint=_l("They must agree to us sharing their information with the services that "
                "can help them, unless a child is at risk of harm."),
    )


class ChildForm(JourneyForm):
    name = text(_l("Child's full name"), _l("Enter the child's full name"))
    dob = DateParts(_l("Date of birth"),
                    description=_l("For example, 27 3 2015"))
    school = text(_l("School, nursery or setting (optional)"), max_length=200)
    send = radios(_l("Does the child have special educational needs or a disability?"),
                  YES_NO_NOT_SURE, _l("Select yes, no or not sure"))

    def validate_dob(self, field):
        if field.errors or field.data is None:  # the date itself is already wrong
            return
        problem = child_age_problem(field.data, self.send.data == "yes", uk_date(utcnow()))
        if problem == TOO_OLD:
            raise ValidationError(_l("Date of birth must be for a child or young person aged 25 or under"))
        if problem:
            raise ValidationError(_l("Date of birth must be for a child aged 18 or under, or up to 25 "
                                     "with special educational needs or a disability"))


class AddAnotherForm(JourneyForm):
    add_another = radios(_l("Do you need to add another child?"), YES_NO,
                         _l("Select yes if you need to add another child"))


class RemoveChildForm(JourneyForm):
    confirm = radios(_l("Are you sure you want to remove this child?"), YES_NO,
                     _l("Select yes if you want to remove this child"))


class AreaForm(JourneyForm):
    area = radios(_l("Which area does the family live in?"), [],
                  _l("Select the area the family lives in"))


class NeedsForm(JourneyForm):
    needs = checkboxes(_l("What is the family finding hard?"), NEEDS,
                       hint=_l("Select all that apply"))
    other_need = text(_l("What else is the family finding hard?"), max_length=200)
    details = long_text(_l("Tell us what is happening and what help you would like"),
                        _l("Tell us what is happening and what help you would like"),
                        hint=_l("Include anything that would help us understand, such as how "
                                "long it has been going on"))

    def validate_other_need(self, field):
        if "other" in (self.needs.data or ()) and not field.data:
            raise ValidationError(_l("Enter what else the family is finding hard"))
        if "other" not in (self.needs.data or ()):
            field.data = ""  # typed, then the box unticked: not kept


class RiskForm(JourneyForm):
    at_risk = radios(
        _l("Do you think a child is at risk of serious harm?"), YES_NO,
        _l("Select yes if you think a child is at risk of serious harm"),
        hint=_l("For example, being hurt, abused or neglected, or in danger at home"),
    )


class InvolvedForm(JourneyForm):
    caf = radios(_l("Is there already an early help assessment (CAF) for the family?"),
                 YES_NO_NOT_SURE, _l("Select yes, no or not sure"),
                 hint=_l("This is a form a worker, such as a teacher or health visitor, fills in "
                         "with the family to agree what help they need. It is sometimes called a "
                         "CAF (Common Assessment Framework)."))
    lead_professional = text(_l("Lead professional's name and organisation (optional)"),
                             max_length=200)
    social_worker = radios(_l("Does the family have a social worker?"), YES_NO_NOT_SURE,
                           _l("Select yes, no or not sure"))
    other_services = long_text(_l("Other services already helping (optional)"), max_length=1000,
                               hint=_l("For example, a health visitor, school nurse or charity"))


class LanguageForm(JourneyForm):
    language = text(_l("What language does the family prefer to speak?"),
                    _l("Enter the language the family prefers"), max_length=60, width=20)
    interpreter = radios(_l("Will the family need an interpreter?"), YES_NO,
                         _l("Select yes if the family needs an interpreter"))
    access_needs = long_text(_l("Any access needs? (optional)"), max_length=1000,
                             hint=_l("For example, large print, British Sign Language, or help "
                                     "with reading and writing"))


class ContactForm(JourneyForm):
    channels = checkboxes(_l("How can we safely contact you?"), CHANNELS,
                          _l("Select at least one safe way to contact you"),
                          hint=_l("Only choose ways that nobody else will see or hear. "
                                  "Select all that apply."))
    phone = text(_l("Phone number"), max_length=30, width=20, autocomplete="tel",
                 input_type="tel",
                 validators=[UKPhone(_l("Enter a UK phone number, like 07700 900 982"))])
    email = text(_l("Email address"), max_length=254, autocomplete="email", input_type="email",
                 validators=[EmailAddress(_l("Enter an email address in the correct format, "
                                             "like name@example.com"))])

    def validate_phone(self, field):
        if {"call", "text"} & set(self.channels.data or ()) and not field.data:
            raise ValidationError(_l("Enter a phone number for calls or texts"))
        if not field.errors:
            check_mobile_for_texts(self.channels.data, field.data)

    def validate_email(self, field):
        chosen = "email" in (self.channels.data or ())
        if chosen and not field.data:
            raise ValidationError(_l("Enter an email address"))
        if field.data and not chosen:  # never dropped without a word
            raise ValidationError(_l("You entered an email address but did not select email. "
                                     "Select email, or delete the email address"))


class ConsentForm(JourneyForm):
    consent = radios(
        _l("Do you agree to us sharing your information with the services that can help?"),
        YES_NO, _l("Select yes if you agree to us sharing your information"),
    )
