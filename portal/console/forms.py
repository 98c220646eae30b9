"""Forms for the staff console: sign-in, account, item actions and logging a contact."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput
from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import Regexp, ValidationError

from portal.fields import (
    DateParts,
    EmailAddress,
    Required,
    UKPhone,
    checkboxes,
    long_text,
    radios,
    select,
    text,
    whole_number,
)
from portal.journeys.questions.contact_preferences import SafeContactForm
from talkzone.webhooks import WebhookError, check_url

GENERIC_SIGN_IN_FAILURE = _l("The details you entered are not right, or this account cannot be used at "
                             "the moment. Check them and try again.")


class _Password(PasswordField):
    widget = GovPasswordInput()


def optional_select(label, message):
    """A select that may be left out of a post (read as "none chosen") and still checks its choice."""
    field = select(label, [], message)
    field.kwargs["default"] = ""
    return field


def password(label, message, hint=None, autocomplete="current-password"):
    """A GOV.UK password field with a specific message when left empty."""
    return _Password(label, validators=[Required(message)], description=hint or "",
                     render_kw={"params": {"autocomplete": autocomplete}})


class SignInForm(FlaskForm):
    """Email and password: the first step of signing in."""

    email = text(_l("Email address"), _l("Enter your email address"), max_length=254,
                 autocomplete="username", input_type="email")
    password = password(_l("Password"), _l("Enter your password"))


class CodeForm(FlaskForm):
    """The second factor: a code from the authenticator app, or a recovery code."""

    code = text(_l("Security code"), _l("Enter the security code"), max_length=20, width=10,
                autocomplete="one-time-code",
                hint=_l("The 6-digit code from your authenticator app, or one of your recovery codes"))


class EnrolForm(FlaskForm):
    """The first code from a newly set-up authenticator app."""

    code = text(_l("Enter the 6-digit code from the app"), _l("Enter the 6-digit code from the app"),
                max_length=10, width=5, autocomplete="one-time-code")


def new_password():
    """The new password field, with its rules as the hint."""
    return password(_l("New password"), _l("Enter a new password"),
                    hint=_l("At least 12 characters. A few unrelated words are easy to remember."),
                    autocomplete="new-password")


class ChangePasswordForm(FlaskForm):
    """One's current password and a new one."""

    current = password(_l("Current password"), _l("Enter your current password"))
    new = new_password()


class NewPasswordForm(FlaskForm):
    """A password of one's own, in place of one an administrator chose."""

    new = new_password()


class VersionedForm(FlaskForm):
    """Carries the version of the item the member of staff saw, so changes cannot cross."""

    version = HiddenField()

    def validate_version(self, field):
        if whole_number(field.data, 9) is None:  # what an SQL integer column holds
            raise ValidationError(_l("Reload the item and try again"))


class AssignForm(VersionedForm):
    """Who the item goes to."""

    assignee = select(_l("Assign to"), [], _l("Choose who to assign the item to"))


class StatusForm(VersionedForm):
    """The next status, and the outcome and CoN level when closing."""

    status = radios(_l("New status"), [], _l("Select the new status"))
    outcome = optional_select(_l("Outcome (when closing)"), _l("Choose an outcome from the list"))
    con_level = optional_select(_l("Continuum of Need level (when closing a request)"),
                                _l("Choose a Continuum of Need level from the list"))


class NoteForm(FlaskForm):
    """An internal note."""

    text = long_text(_l("Note"), _l("Enter the note"), max_length=4000,
                     hint=_l("Only staff see notes. They are never sent to the family or young person."))


class ReplyForm(FlaskForm):
    """A reply to the person, on a channel the contact policy allows now."""

    channel = radios(_l("How should the reply go?"), [], _l("Select how the reply should go"))
    canned = select(_l("Canned response (optional)"), [], _l("Select a canned response from the list"))
    text = long_text(_l("Reply"), _l("Enter the reply"), max_length=2000,
                     hint=_l("The person gets exactly what the preview shows."))


class CannedResponseForm(FlaskForm):
    """A canned response for replies, in one language."""

    title = text(_l("Title"), _l("Enter a title"), max_length=120)
    language = radios(_l("Language"), [], _l("Select the language it is written in"))
    body = long_text(_l("Text"), _l("Enter the text"), max_length=2000,
                     hint=_l("You can use {first_name}, {reference} and {opening_hours}."))


class CallbackForm(FlaskForm):
    """What happened on a call back."""

    # Checked by talkzone (an unknown one is refused), so attempts from before it stay valid.
    method = radios(_l("How did you try?"), [], _l("Select whether you called or sent a text"),
                    validate_choice=False)
    at = text(_l("Time of the attempt (optional)"), max_length=5, width=5,
              hint=_l("Today, in the 24-hour clock, for example 14:05. Leave blank for now."),
              validators=[Regexp(r"^$|^([01]?\d|2[0-3]):[0-5]\d$",
                                 message=_l("Enter the time like 14:05"))])
    result = radios(_l("What happened?"), [], _l("Select what happened on the call"))
    note = long_text(_l("Anything to add (optional)"), max_length=500)


class SafeguardingForm(VersionedForm):
    """Why an item needs urgent safeguarding attention."""

    reason = long_text(_l("Why does this need urgent safeguarding attention?"),
                       _l("Say why this needs urgent safeguarding attention"), max_length=2000)


class UnflagForm(VersionedForm):
    """Why an item no longer needs the safeguarding flag."""

    reason = long_text(_l("Why is the safeguarding flag no longer needed?"),
                       _l("Say why the safeguarding flag is no longer needed"), max_length=2000)


class RerouteForm(VersionedForm):
    """Where a helpline contact goes next, and what lets it leave the helpline.

    The form only collects the answers: talkzone.inbox decides whether they are enough.
    """

    target = radios(_l("Send this contact on as"), [], _l("Select where to send this contact"))
    area = optional_select(_l("District (for a request for support)"), _l("Choose a district from the list"))
    iyss_number = text(_l("Young person's IYSS number (optional)"), max_length=30, width=10,
                       hint=_l("Their number on the Integrated Youth Support Service (IYSS) record, "
                               "shown at the top of their record in IYSS. Leave it blank if they "
                               "have no record or you cannot find it."),
                       validators=[Regexp(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$|^$", message=_l(
                           "Enter the IYSS number using only letters, numbers and hyphens, "
                           "like IYSS-12345"))])
    # Not checked here: talkzone.inbox refuses a re-route without agreement or an override.
    basis = radios(_l("Has the young person agreed to this?"), [
        ("agreed", _l("The young person agreed to this referral")),
        ("override", _l("They have not agreed, but it must go on to keep them or someone else safe "
                         "(safeguarding override)")),
    ], "", hint=_l("What they tell the helpline stays with the helpline unless they agree, or "
                   "there is a safeguarding reason to act without their agreement."),
        validate_choice=False)
    how_agreed = text(_l("How and when did they agree?"), max_length=200,
                      hint=_l("If they agreed. For example, on the phone at 4:20pm today"))
    override_reason = long_text(_l("Safeguarding reason for sending it on without their agreement"),
                                max_length=2000,
                                hint=_l("For a safeguarding override. It flags the contact for "
                                        "safeguarding and tells the duty team."))
    hand_over_callback = BooleanField(
        _l("Hand the callback over with this referral"), widget=GovCheckboxInput(),
        description=_l("The young person is waiting for a call back. Unless you hand it over, the "
                       "callback stays with the helpline and this contact stays open until it is done."))

    def validate_area(self, field):
        if self.target.data == "request_for_support" and not field.data:
            raise ValidationError(_l("Choose the district to send the request to"))


class LogContactForm(SafeContactForm):
    """A contact taken by phone, text, email or social media, with the public forms' privacy fields."""

    kind = radios(_l("What is it?"), [], _l("Select what kind of contact this is"))
    channel = radios(_l("How did they get in touch?"), [
        ("phone", _l("Phone")), ("text", _l("Text message")), ("email", _l("Email")),
        ("social_media", _l("Social media")),
    ], _l("Select how they got in touch"))
    name = text(_l("Name or nickname (optional)"), max_length=200,
                hint=_l("A nickname is enough for a helpline contact"))
    summary = long_text(_l("What did they say?"), _l("Enter what they said"), max_length=4000)
    area = optional_select(_l("District (for a request for support)"), _l("Choose a district from the list"))
    postcode = text(_l("Postcode (optional)"), max_length=10, width=10, autocomplete="off")
    channels = checkboxes(_l("How can we get back to them?"), [
        ("call", _l("Phone call")), ("text", _l("Text message")), ("email", _l("Email")),
    ], hint=_l("Leave blank if they do not want to be contacted"))
    phone = text(_l("Phone number"), max_length=30, width=20, autocomplete="off",
                 validators=[UKPhone(_l("Enter a UK phone number, like 07700 900 982"))])
    email = text(_l("Email address"), max_length=254, autocomplete="off",
                 validators=[EmailAddress(_l("Enter an email address in the correct format, "
                                             "like name@example.com"))])

    def validate_area(self, field):
        if self.kind.data == "request_for_support" and not field.data:
            raise ValidationError(_l("Choose the district to send the request to"))

    def validate_phone(self, field):
        if {"call", "text"} & set(self.channels.data or []) and not field.data:
            raise ValidationError(_l("Enter a phone number to call or text them on"))

    def validate_email(self, field):
        if "email" in (self.channels.data or []) and not field.data:
            raise ValidationError(_l("Enter an email address to reply to"))


class NewUserForm(FlaskForm):
    """A new staff account."""

    name = text(_l("Full name"), _l("Enter the person's full name"), max_length=200)
    email = text(_l("Work email address"), _l("Enter a work email address"), max_length=254,
                 input_type="email", autocomplete="off",
                 validators=[EmailAddress(_l("Enter an email address in the correct format, "
                                             "like name@example.com"))])
    role = radios(_l("Role"), [], _l("Select a role"))
    areas = checkboxes(_l("Districts (for a district triage officer)"), [])
    password = password(_l("First password"), _l("Enter a first password"),
                        hint=_l("At least 12 characters. Give it to the person in person; they "
                                "choose their own password and set up their security code when "
                                "they first sign in."),
                        autocomplete="new-password")

    def validate_areas(self, field):
        if self.role.data == "district_triage_officer" and not field.data:
            raise ValidationError(_l("Choose at least one district for a district triage officer"))



class WebhookForm(FlaskForm):
    """A webhook subscription for the council's case system."""

    name = text(_l("Name"), _l("Enter a name for the receiver"), max_length=120,
                hint=_l("For example, the name of the council's case system."))
    url = text(_l("URL"), _l("Enter the receiver's URL"), max_length=2000, input_type="url",
               hint=_l("An address starting with https:// (or http:// inside the council's network)."))
    events = checkboxes(_l("Events"), [], _l("Select at least one event"))
    include_item = BooleanField(_l("Include the item as staff see it, not only its reference and link"),
                                widget=GovCheckboxInput())

    def validate_url(self, field):
        try:
            check_url(field.data)
        except WebhookError:
            raise ValidationError(_l("Enter a URL starting with https:// or http://")) from None


class MergeForm(VersionedForm):
    """The confirmation of a merge: the version of the duplicate the member of staff saw."""


class PersonFlagForm(FlaskForm):
    """A warning about the person an item is from, why, and until when."""

    kind = radios(_l("What kind of warning is it?"), [], _l("Select what kind of warning it is"))
    reason = long_text(_l("Why is this warning needed?"), _l("Say why this warning is needed"),
                       max_length=2000)
    expires_on = DateParts(_l("Expiry date"), required=False, past_only=False,
                           description=_l("Leave blank for no expiry date. For example, 27 3 2027"))


class RemovePersonFlagForm(FlaskForm):
    """Why a warning about a person is no longer needed."""

    reason = long_text(_l("Why is this warning no longer needed?"),
                       _l("Say why this warning is no longer needed"), max_length=2000)
