"""The contact-preferences fieldset shared by every journey: when and how it is safe to get in touch."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.fields import JourneyForm, checkboxes, radios, select, text
from portal.i18n import clock_time
from portal.profile import current_profile
from talkzone.calendar import DAY_CODES
from talkzone.contact_policy import safe_time_choices, text_number

DAYS = list(zip(DAY_CODES, (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"),
                            _l("Friday"), _l("Saturday"), _l("Sunday")), strict=True))
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def time_choices(blank):
    """"Any time", then each half hour the service's profile says it may get in touch, shown as
    clock times read everywhere else ("4:30pm")."""
    profile = current_profile()
    return [("", blank)] + [(t, clock_time(t)) for t in safe_time_choices(profile.calls_from,
                                                                         profile.calls_until)]


class SafeContactForm(JourneyForm):
    """Safe days and times, voicemail, whether we may say who is calling, who must not know."""

    days = checkboxes(_l("Which days is it safe to contact you?"), DAYS,
                      hint=_l("Leave blank if any day is safe"))
    start = select(_l("From"), [], _l("Choose a time from the list"))
    end = select(_l("Until"), [], _l("Choose a time from the list"))
    voicemail = radios(_l("Can we leave a voicemail or message?"), YES_NO,
                       _l("Select yes if we can leave a message"))
    say_who = radios(_l("Can we say who we are when we call?"), YES_NO,
                     _l("Select yes if we can say where we are calling from"),
                     hint=_l("For example, if someone else answers the phone"))
    must_not_know = text(_l("Is there anyone who must not know you have contacted us? (optional)"),
                         max_length=300,
                         hint=_l("For example, a partner or family member. We will be careful "
                                 "not to let them find out."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start.choices = self.end.choices = time_choices(_l("Any time"))

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end time must be after the start time"))
        if bool(self.start.data) != bool(field.data):
            raise ValidationError(_l("Choose both a start and an end time, or neither"))


def ask_about_calls(form, channels) -> None:
    """Voicemail and saying who is calling are asked only of someone who chose phone calls.

    Without calls, the question of saying who we are is about the written messages instead
    (the contact policy writes neutrally when the answer is no).
    """
    if "call" in (channels or ()):
        return
    del form.voicemail
    form.say_who.label.text = _l("Can our messages say who they are from?")
    form.say_who.description = _l("For example, on an email, text or letter that someone else "
                                  "might see")


def check_mobile_for_texts(channels, phone) -> None:
    """Texts go to UK mobile numbers only: a landline with text chosen is refused, and why."""
    if "text" in (channels or ()) and phone and not text_number(phone):
        raise ValidationError(_l("We can only send texts to a mobile number. Enter a mobile number "
                                 "starting 07, or do not select text message"))
