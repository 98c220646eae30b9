"""Forms for the helpline contact journey, one question page each."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.fields import (
    EmailAddress,
    JourneyForm,
    Required,
    UKPhone,
    long_text,
    radios,
    select,
    text,
)
from portal.i18n import clock_time
from portal.journeys.questions.age import AgeField
from portal.journeys.questions.contact_preferences import YES_NO
from talkzone import helpline as rules

TOPICS = [
    ("home", _l("Problems at home")),
    ("relationships", _l("Relationships")),
    ("sex_health", _l("Sex and health")),
    ("jobs", _l("Jobs and training")),
    ("mental_health", _l("Mental health")),
    ("drugs_alcohol", _l("Drugs and alcohol")),
    ("bullying", _l("Bullying")),
    ("things_to_do", _l("Things to do")),
    ("something_else", _l("Something else")),
]

METHODS = [
    ("call", _l("Call me")),
    ("text", _l("Text me")),
    ("email", _l("Email me")),
    ("none", _l("Do not get back to me")),
]

WHEN = [("asap", _l("As soon as you can")), ("choose", _l("At times I choose"))]

WINDOW_MESSAGES = {
    rules.NOT_AFTER_START: _l("The end time must be after the start time"),
    rules.IN_PAST: _l("This time has already passed. Choose a time later than now"),
    rules.TOO_FAR: _l("Choose a day in the next 7 days"),
    rules.OVERLAP: _l("This time overlaps another time you chose. Choose a different time"),
    rules.TOO_MANY: _l("Choose up to 3 times"),
}
ORDINALS = (_l("first"), _l("second"), _l("third"))


class TopicForm(JourneyForm):
    topic = radios(_l("What would you like to talk about?"), TOPICS,
                   _l("Select what you would like to talk about, or ‘Something else’"))


class MessageForm(JourneyForm):
    message = long_text(_l("What would you like to tell us?"),
                        _l("Tell us what you would like to talk about"), max_length=3000,
                        too_long=_l("Your message must be %(max)d characters or fewer"),
                        hint=_l("Write as much or as little as you like. Only the helpline team "
                                "will read it."))

    def validate_message(self, field):
        # InputRequired looks at the raw input, so a message of only spaces would get through.
        if not (field.data or "").strip():
            raise ValidationError(_l("Tell us what you would like to talk about"))


class ReplyForm(JourneyForm):
    method = radios(_l("How should we get back to you?"), METHODS,
                    _l("Select how we should get back to you, or ‘Do not get back to me’"),
                    hint=_l("Only choose a way that is safe for you, where nobody else will see "
                            "or hear."))


class PhoneForm(JourneyForm):
    phone = text(_l("What is your phone number?"), _l("Enter your phone number"),
                 max_length=30, width=20, autocomplete="tel", input_type="tel",
                 too_long=_l("Your phone number must be %(max)d characters or fewer"),
                 hint=_l("A UK mobile or landline number"),
                 validators=[UKPhone(_l("Enter a UK phone number, like 07700 900 982"))])


class EmailForm(JourneyForm):
    email = text(_l("What is your email address?"), _l("Enter your email address"),
                 max_length=254, autocomplete="email", input_type="email",
                 too_long=_l("Your email address must be %(max)d characters or fewer"),
                 validators=[EmailAddress(_l("Enter an email address in the correct format, "
                                             "like name@example.com"))])


def _window_fields():
    return (
        # Radios for the day: one tap each on a phone, no list to open.
        radios(_l("Day"), [], _l("Choose a day from the list"), validate_choice=False),
        select(_l("From"), [], _l("Choose a time from the list")),
        select(_l("Until"), [], _l("Choose a time from the list")),
    )


class WindowsForm(JourneyForm):
    """When to call or text: as soon as possible, or up to three windows in the next week.

    ``prepare`` sets the helpline and ``now``; the windows are judged by talkzone's rules.
    """

    when = radios(_l("When can we get back to you?"), WHEN,
                  _l("Select ‘As soon as you can’ or ‘At times I choose’"))
    day_1, start_1, end_1 = _window_fields()
    day_2, start_2, end_2 = _window_fields()
    day_3, start_3, end_3 = _window_fields()

    helpline = None
    now: datetime | None = None

    def set_rules(self, helpline, now: datetime, days: list[tuple[str, str]]):
        """Offer the days and times talkzone's rules allow (the next 7 days, inside opening hours)."""
        self.helpline, self.now = helpline, now
        starts, ends = (_clock_choices(times) for times in rules.offered_times(helpline))
        for n in range(1, rules.MAX_WINDOWS + 1):
            day, start, end = self.window_fields(n)
            day.choices = days
            start.choices = [("", _l("Choose a time"))] + starts
            end.choices = [("", _l("Choose a time"))] + ends
            # Out-of-list values reach the rules, which say what is wrong in plain words.
            for field in (day, start, end):
                field.validate_choice = False

    def window_fields(self, n: int):
        """The day, start and end fields of window ``n`` (1 to 3)."""
        return self[f"day_{n}"], self[f"start_{n}"], self[f"end_{n}"]

    def validate(self, extra_validators=None):
        """The fields first, then each chosen window against the helpline's rules."""
        valid = super().validate(extra_validators)
        if not valid or self.when.data != "choose":
            return valid
        windows, owners = [], []
        for n in range(1, rules.MAX_WINDOWS + 1):
            found = self._read_window(n)
            if found is not None:
                windows.append(found)
                owners.append(n)
        if not windows and not self.errors:
            self.day_1.errors.append(_l("Choose a day and times, or select ‘As soon as you can’"))
        for n, problems in zip(owners, rules.problems_by_window(windows, self.helpline, self.now),
                               strict=True):
            if problems:
                self._charge(n, problems[0])
        return not self.errors

    def _read_window(self, n: int):
        day, start, end = self.window_fields(n)
        ordinal = ORDINALS[n - 1]
        if not (day.data or start.data or end.data):
            return None
        parsed = []
        for field, message in (
            (day, _l("Choose a day for the %(which)s time", which=ordinal)),
            (start, _l("Choose a start time for the %(which)s time", which=ordinal)),
            (end, _l("Choose an end time for the %(which)s time", which=ordinal)),
        ):
            try:
                parsed.append((date if field is day else time).fromisoformat(field.data or ""))
            except ValueError:
                field.errors.append(message)
                return None
        return rules.CallbackWindow.on(*parsed)

    def _charge(self, n: int, problem: str) -> None:
        day, start, end = self.window_fields(n)
        if problem == rules.OUTSIDE_HOURS:
            helpline = self.helpline
            field = start if not helpline.opens <= time.fromisoformat(start.data) < helpline.closes else end
            field.errors.append(_l("Choose times between %(opens)s and %(closes)s, when %(name)s is open",
                                   opens=clock_time(helpline.opens), closes=clock_time(helpline.closes),
                                   name=helpline.name))
            return
        field = {rules.TOO_FAR: day, rules.NOT_AFTER_START: end}.get(problem, start)
        field.errors.append(WINDOW_MESSAGES[problem])


def _clock_choices(times: list[time]) -> list[tuple[str, str]]:
    return [(t.strftime("%H:%M"), clock_time(t)) for t in times]


def day_choices(days: list[date], today: date) -> list[tuple[str, str]]:
    """The next seven days in words: "Today (Tuesday 24 November)", "Tomorrow (...)", then dates."""
    choices = []
    for day in days:
        words = format_date(day, "EEEE d MMMM")
        if day == today:
            words = _l("Today (%(day)s)", day=words)
        elif day == today + timedelta(days=1):
            words = _l("Tomorrow (%(day)s)", day=words)
        choices.append((day.isoformat(), words))
    return choices


class SafetyForm(JourneyForm):
    voicemail = radios(_l("Can we leave a voicemail if you do not answer?"), YES_NO,
                       _l("Select yes if we can leave a voicemail"))
    say_who = radios(_l("Can we say where we are calling from?"), YES_NO,
                     _l("Select yes if we can say where we are from"),
                     hint=_l("For example, if someone else answers your phone"))


class AboutYouForm(JourneyForm):
    nickname = text(_l("Your first name or a nickname (optional)"), max_length=60, width=20,
                    too_long=_l("Your name or nickname must be %(max)d characters or fewer"),
                    hint=_l("You don’t have to give your real name"))
    age = AgeField()


__all__ = ["Required"]
