"""Journey 2: a young person, or someone for them, complains about children's social care."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l

from portal import answer_words, db
from portal.clock import now
from portal.emails import mailing
from portal.extensions import public_submit_limit
from portal.i18n import current_language
from portal.journeys.complaint import forms
from portal.journeys.complaint.summary import complaint_summary
from portal.journeys.engine import Journey, Step
from portal.journeys.questions.contact_preferences import SafeContactForm, ask_about_calls
from portal.profile import current_profile
from talkzone.complaints import (
    DETAILS_STEP,
    advocacy_offered,
    contact_method,
    for_someone_else,
    submit_complaint,
    wants_advocate,
)
from talkzone.contact_policy import writes_by_email
from talkzone.models import Kind

bp = Blueprint("complaint", __name__, url_prefix="/complaint", template_folder="templates")
CONFIRMATION_KEY = "complaint_confirmation"


def _for_myself(answers):
    return answers.get("who", {}).get("who") == "myself"


def _offered(answers):
    return advocacy_offered(answers, current_profile())


def _relabel(field, label, message=None):
    field.label.text = label
    if message is not None:
        field.invalid_choice_message = message


def _prepare_age(form, answers):
    if for_someone_else(answers):
        _relabel(form.age, _l("How old is the young person?"))
        form.age.missing_message = _l("Choose the young person's age, or ‘Prefer not to say’")


def _prepare_care(form, answers):
    if for_someone_else(answers):
        _relabel(form.care, _l("Is the young person in care or a care leaver?"))


def _prepare_about(form, answers):
    if for_someone_else(answers):
        _relabel(form.about, _l("What is the complaint about?"),
                 _l("Select what the complaint is about"))


def _prepare_method(form, answers):
    profile = current_profile()
    _relabel(form.method, _l("How should the %(service)s contact you?",
                             service=profile.complaints.name))
    labels = dict(forms.METHODS)
    if profile.helpline is not None:
        labels["helpline"] = _l("Through %(helpline)s", helpline=profile.helpline.name)
    else:
        labels.pop("helpline")
    if for_someone_else(answers):
        labels["advocate"] = _l("Through the young person's advocate")
    form.method.choices = list(labels.items())


def _after_method(answers):
    # Details typed for a way of contact no longer chosen are forgotten at once.
    keep = DETAILS_STEP.get(contact_method(answers))
    for step in set(DETAILS_STEP.values()) - {keep}:
        answers.pop(step, None)
    return None


def _prepare_phone(form, answers):
    if contact_method(answers) == "text":
        form.phone.label.text = _l("What is your mobile number?")
        form.phone.description = _l("We will only send texts to this number.")
    else:
        form.phone.description = _l("We will only call this number.")


def _prepare_safety(form, answers):
    ask_about_calls(form, [contact_method(answers)])
    form.must_not_know.description = _l("For example, a carer, a worker or someone you live with. "
                                        "We will be careful not to let them find out.")


def _prepare_advocate(form, answers):
    if for_someone_else(answers):
        _relabel(form.advocate, _l("Would the young person like an advocate to help them?"))


def _prepare_consent(form, answers):
    name = current_profile().advocacy.name
    if for_someone_else(answers):
        _relabel(form.consent, _l("Does the young person agree to us passing their details to the "
                                  "%(service)s?", service=name),
                 _l("Select yes if the young person agrees to us passing their details on"))
    else:
        _relabel(form.consent, _l("Can we pass your details to the %(service)s?", service=name))


def _uses(step):
    return lambda answers: DETAILS_STEP.get(contact_method(answers)) == step


STEPS = [
    Step("who", forms.WhoForm, _l("Who is making this complaint?")),
    Step("your-name", forms.YourNameForm, _l("What is your name?"), applies=_for_myself),
    Step("on-behalf", forms.OnBehalfForm, _l("About you and the young person"),
         applies=for_someone_else),
    Step("agrees", forms.AgreesForm, _l("Does the young person know and agree?"),
         applies=for_someone_else),
    Step("age", forms.AgeForm, _l("Age"), prepare=_prepare_age),
    Step("care", forms.CareForm, _l("In care or a care leaver"), prepare=_prepare_care),
    Step("about", forms.AboutForm, _l("What the complaint is about"), prepare=_prepare_about),
    Step("what-happened", forms.WhatHappenedForm, _l("What happened?")),
    Step("outcome", forms.OutcomeForm, _l("What would you like to happen?")),
    Step("contact-method", forms.ContactMethodForm, _l("How we will contact you"),
         prepare=_prepare_method, after=_after_method),
    Step("phone", forms.PhoneForm, _l("Your phone number"), applies=_uses("phone"),
         prepare=_prepare_phone),
    Step("email", forms.EmailForm, _l("What is your email address?"), applies=_uses("email")),
    Step("address", forms.AddressForm, _l("Your address"), applies=_uses("address")),
    Step("safety", SafeContactForm, _l("When it is safe to contact you"),
         template="journeys/safe_contact.html", prepare=_prepare_safety),
    Step("advocate", forms.AdvocateForm, _l("An advocate to help you"),
         template="complaint/advocate.html", applies=_offered, prepare=_prepare_advocate),
    Step("advocate-info", forms.AdvocateAgainForm, _l("What an advocate does"),
         template="complaint/advocate_info.html", prepare=_prepare_advocate,
         applies=lambda a: _offered(a) and a.get("advocate", {}).get("advocate") == "tell_me_more"),
    Step("advocacy-consent", forms.AdvocacyConsentForm, _l("Passing on your details"),
         template="complaint/advocacy_consent.html", prepare=_prepare_consent,
         applies=lambda a: _offered(a) and wants_advocate(a) == "yes"),
]

journey = Journey("complaint", bp, STEPS)
# The console shows stored answers in these same words (portal.answer_words).
answer_words.register_summary(
    Kind.COMPLAINT, lambda answers: complaint_summary(answers, journey, current_profile()))


@bp.before_request
def _needs_complaints_service():
    if current_profile().complaints is None:
        abort(404)


@bp.get("/")
def start():
    """The start page: what a complaint is for, the reassurance, and what happens when."""
    return render_template("complaint/start.html")


@bp.route("/check-answers", methods=["GET", "POST"])
@public_submit_limit
def check():
    """Check your answers, then send the complaint (one use case stores and routes it)."""
    def submit(answers, send_key):
        return submit_complaint(
            db.session(), profile=current_profile(), answers=answers, language=current_language(),
            mailing=mailing(), now=now(), send_key=send_key)

    def confirm(submission):
        session[CONFIRMATION_KEY] = {
            "reference": submission.reference,
            "due_on": submission.due_on.isoformat(),
            "method": submission.contact["channels"][0],
            "advocacy": submission.answers["advocacy"]["outcome"],
            "acknowledged": writes_by_email(submission.contact),
            "behalf": for_someone_else(submission.answers),
        }
        return url_for("complaint.confirmation")

    return journey.check_page("complaint/check.html",
                              lambda answers: complaint_summary(answers, journey, current_profile()),
                              submit, confirm)


@bp.get("/confirmation")
def confirmation():
    """The reference, the stage 1 date in words and any advocacy signposting."""
    details = session.get(CONFIRMATION_KEY)
    if not details:
        return redirect(url_for("complaint.start"))
    return render_template("complaint/confirmation.html", **details)
