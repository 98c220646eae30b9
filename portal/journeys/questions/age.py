"""The age question, asked the same way in the complaint and helpline journeys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import ValidationError

AGES = ([("under_12", _l("Under 12"))] + [(str(age), str(age)) for age in range(12, 26)]
        + [("over_25", _l("Over 25")), ("prefer_not", _l("Prefer not to say"))])


class AgeField(SelectField):
    """"How old are you?": a list of ages, with "Under 12", "Over 25" and "Prefer not to say".

    A missing answer gets its own message (``missing_message``, which a page may reword),
    not "choose from the list".
    """

    def __init__(self, label=None, **kwargs):
        super().__init__(label or _l("How old are you?"), choices=[("", _l("Choose your age"))] + AGES,
                         widget=GovSelect(), validate_choice=False, **kwargs)
        self.missing_message = _l("Choose your age, or ‘Prefer not to say’")

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError(self.missing_message)
        if self.data not in dict(AGES):
            raise ValidationError(_l("Choose your age from the list"))


def age_words(value: str | None) -> str:
    """An age answer in words ("15", "Prefer not to say") for check-your-answers."""
    return str(dict(AGES).get(value, value or ""))
