"""Field helpers: GOV.UK widgets, plain translated messages, no browser validation."""

from __future__ import annotations

import re
from contextvars import ContextVar
from copy import deepcopy
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from portal.clock import uk_today
from portal.i18n import current_language, in_console
from portal.journeys.questions.character_count import TranslatedCharacterCount

# Characters that never belong in a typed answer: C0 and C1 controls except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What could start a new line in a one-line answer (and so forge a labelled line in an email).
_LINE_BREAK = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


class Required(InputRequired):
    """InputRequired without the field flag, so no browser-side required attribute."""

    field_flags = {}

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}  # InputRequired sets the flag on the instance, not the class

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():  # only spaces is no answer
            raise StopValidation(self.message or field.gettext("This field is required."))


def single_line(value):
    """A one-line answer: line breaks become a space, other control characters go, ends trimmed."""
    if isinstance(value, str):
        return _CONTROL.sub("", _LINE_BREAK.sub(" ", value)).strip()
    return value


def multi_line(value):
    """A multi-line answer: line breaks kept as newlines, tabs kept, other control characters gone."""
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return value


def whole_number(value, digits: int) -> int | None:
    """The number typed, or None unless it is a whole number of at most ``digits`` digits.

    Python ints have no limit but ``date()`` and SQL integers do, so a size is checked first.
    """
    value = (value or "").strip()
    return int(value) if value.isdecimal() and len(value) <= digits else None


class JourneyForm(FlaskForm):
    """Base for every public question page: strips control characters, carries a honeypot."""

    # Hidden from people; bots that fill every box fill this one too.
    website = StringField("Website", render_kw={"autocomplete": "off", "tabindex": "-1"})

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("There was a problem with this form. Please try again."))


class HintedRadios(GovRadioInput):
    """Radios whose options may each carry a hint, shown under the option it explains."""

    def __init__(self, item_hints: dict | None = None):
        super().__init__()
        self.item_hints = item_hints or {}

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)  # no empty hint element for the question to point at
        for item in params["items"]:
            if item["value"] in self.item_hints:
                item.setdefault("hint", {"text": self.item_hints[item["value"]]})
        return params


def radios(label, choices, message, hint=None, item_hints=None, **kwargs) -> RadioField:
    """Radios; ``item_hints`` maps an option's value to a hint shown under that option."""
    return RadioField(label, choices=choices, widget=HintedRadios(item_hints), description=hint or "",
                      invalid_choice_message=message, **kwargs)


def checkboxes(label, choices, message=None, hint=None) -> SelectMultipleField:
    validators = [Required(message)] if message else []
    return SelectMultipleField(label, choices=choices, widget=GovCheckboxesInput(),
                               description=hint or "", validators=validators,
                               invalid_choice_message=_l("Select from the list"))


def too_long_message(too_long, max_length: int):
    """The message for an answer over ``max_length``: naming its field when ``too_long`` does.

    ``too_long`` is a lazy message with ``%(max)d`` in it, like "Your message must be %(max)d
    characters or fewer"; without it the message is the generic one.
    """
    if too_long is None:
        return _l("Must be %(max)d characters or fewer", max=max_length)
    return LazyString(lambda: str(too_long) % {"max": max_length})  # translated when shown


def text(label, message=None, max_length=200, hint=None, width=None, autocomplete=None,
         validators=(), input_type=None, too_long=None) -> StringField:
    checks = [Required(message)] if message else []
    checks.append(Length(max=max_length, message=too_long_message(too_long, max_length)))
    params = {"classes": f"govuk-input--width-{width}"} if width else {}
    if autocomplete:
        params.setdefault("autocomplete", autocomplete)
    if input_type:
        params["type"] = input_type
    return StringField(label, validators=[*checks, *validators], widget=GovTextInput(),
                       filters=[single_line],
                       description=hint or "", render_kw={"params": params} if params else None)


def long_text(label, message=None, max_length=2000, hint=None, too_long=None) -> TextAreaField:
    checks = [Required(message)] if message else []
    checks.append(Length(max=max_length, message=too_long_message(too_long, max_length)))
    return TextAreaField(label, validators=checks, widget=TranslatedCharacterCount(), filters=[multi_line],
                         description=hint or "", render_kw={"params": {"maxlength": max_length}})


def select(label, choices, message, hint=None) -> SelectField:
    return SelectField(label, choices=choices, widget=GovSelect(), description=hint or "",
                       invalid_choice_message=message)


class EmailAddress:
    """An email address that could really be one (syntax only; no look-ups)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = validate_email(field.data, check_deliverability=False,
                                        test_environment=True).normalized
        except EmailNotValidError:
            raise ValidationError(self.message) from None


class UKPhone:
    """A UK phone number: 10 or 11 digits, or +44; spaces, dashes and brackets allowed."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            return
        digits = re.sub(r"[\s\-().]", "", field.data)
        if digits.startswith("+44"):
            digits = "0" + digits[3:]
        if not re.fullmatch(r"0\d{9,10}", digits):
            raise ValidationError(self.message)


class _DateWidget(GovDateInput):
    """GOV.UK date input with translated part labels and errors linked to the day box."""

    def map_gov_params(self, field, **kwargs):
        params = GovFormBase.map_gov_params(self, field, **kwargs)
        params.setdefault("fieldset", {"legend": {"text": field.label.text}})
        error = " govuk-input--error" if field.errors else ""
        params["items"] = [
            {"label": str(label), "id": f"{field.id}-{part}", "name": field.name, "value": value,
             "classes": f"govuk-input--width-{width}{error}"}
            for label, part, width, value in zip(
                (_l("Day"), _l("Month"), _l("Year")), ("day", "month", "year"), (2, 2, 4),
                field.parts, strict=True)
        ]
        return params


class DateParts(Field):
    """A date typed as day, month and year, with a specific message for each mistake."""

    widget = _DateWidget()

    def __init__(self, label=None, validators=None, required=True, past_only=True, **kw):
        super().__init__(label, validators, **kw)
        self.required = required
        self.parts = ("", "", "")
        self.past_only = past_only
        self.anchor = f"{self.id}-day"

    def process_formdata(self, valuelist):
        parts = [single_line(v) for v in valuelist][:3]
        self.parts = tuple(parts + [""] * (3 - len(parts)))
        self.data = None

    def process_data(self, value):
        self.data = value
        if isinstance(value, date):
            self.parts = (str(value.day), str(value.month), str(value.year))

    def _value(self):
        return " ".join(self.parts)

    def pre_validate(self, form):
        day, month, year = self.parts
        label = self.label.text
        if not (day or month or year):
            if self.required:
                raise ValidationError(_l("Enter %(label)s", label=str(label).lower()))
            return
        for part, name in ((day, _l("a day")), (month, _l("a month")), (year, _l("a year"))):
            if not part:
                raise ValidationError(_l("%(label)s must include %(part)s", label=label, part=name))
        if len(year) != 4:  # checked first: a year of many digits is no date
            raise ValidationError(_l("Year must include 4 numbers"))
        numbers = [whole_number(part, 4) for part in (year, month, day)]
        try:
            value = date(*numbers)
        except (TypeError, ValueError):  # TypeError: a part that is not a small whole number
            raise ValidationError(_l("%(label)s must be a real date", label=label)) from None
        if self.past_only and value > uk_today():
            raise ValidationError(_l("%(label)s must be today or in the past", label=label))
        if value.year < 1900:
            raise ValidationError(_l("%(label)s must be after 1900", label=label))
        self.data = value


def _is_heading(params: dict, key: str, size: str) -> None:
    target = params.setdefault(key, {})
    target["isPageHeading"] = True
    target["classes"] = f"govuk-{'fieldset__legend' if key == 'legend' else 'label'}--{size}"


# Set while a field that shows nothing of the person is rendered: its HTML may then be kept.
_KEEPING = ContextVar("keeping_field_html", default=False)
KEPT_MAX = 2000


def render(field, heading: bool = False, **extra) -> Markup:
    """Render a field with its declared params, optionally as the page's heading.

    A field with no answer and no error, given nothing by the page but translatable text and
    class names, looks the same to everyone who reads the page in that language: its HTML is
    rendered once and kept (the GOV.UK macros cost more than the rest of a question page).
    """
    params = deepcopy((field.render_kw or {}).get("params", {}))
    if heading:
        if isinstance(field.widget, (GovRadioInput, GovCheckboxesInput, GovDateInput)):
            params.setdefault("fieldset", {"legend": {"text": field.label.text}})
            _is_heading(params["fieldset"], "legend", "l")
        else:
            params.setdefault("label", {"text": field.label.text})
            _is_heading(params, "label", "l")
    for key, value in extra.items():
        params[key] = value
    if isinstance(field, DateParts):
        params.setdefault("id", field.id)
    if not (_blank(field) and _from_code(extra)) or in_console() or current_app.jinja_env.auto_reload:
        return field(params=params)
    keeping = _KEEPING.set(True)
    try:
        return field(params=params)
    finally:
        _KEEPING.reset(keeping)


def render_widget(widget, params: dict) -> Markup:
    """A GOV.UK widget's HTML (in place of GovFormBase.render): its template uses only ``params``,
    so Flask's render_template, which runs every context processor again, is not needed."""
    if not _KEEPING.get():
        return Markup(current_app.jinja_env.get_template(widget.template).render(params=params))  # noqa: S704
    kept = current_app.extensions.setdefault("kept_fields", {})
    key = (widget.template, current_language(), _frozen(params))
    if key not in kept:
        if len(kept) >= KEPT_MAX:  # a bound, though the forms' fields and languages are few
            kept.clear()
        kept[key] = Markup(current_app.jinja_env.get_template(widget.template).render(params=params))  # noqa: S704
    return kept[key]


def _blank(field) -> bool:
    """No answer in the field (given or saved) and no error on it."""
    parts = getattr(field, "parts", ())
    return not field.errors and field.data in (None, "", [], ()) and not any(parts)


def _from_code(value, key: str | None = None) -> bool:
    """Whether params a page passes hold only translatable text and class names: nothing typed,
    chosen or saved (a postcode in a hint, a child's name) that must not be kept."""
    if isinstance(value, dict):
        return all(_from_code(item, name) for name, item in value.items())
    if isinstance(value, list | tuple):
        return all(_from_code(item, key) for item in value)
    return (isinstance(value, LazyString | bool) or value is None
            or (key == "classes" and type(value) is str))


def _frozen(value):
    """``params`` as a key: every value with its type, text in the page's language."""
    if isinstance(value, dict):
        return tuple((name, _frozen(item)) for name, item in value.items())
    if isinstance(value, list | tuple):
        return (type(value), *map(_frozen, value))
    return type(value), str(value)


def error_summary(form) -> list[dict]:
    """The error summary's list: first message per field, linked to the field's first box."""
    return [
        {"text": str(field.errors[0]), "href": f"#{getattr(field, 'anchor', field.id)}"}
        for field in form
        if field.errors
    ]


__all__ = ["GovTextArea", "JourneyForm", "Required"]
