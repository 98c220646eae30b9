"""Forms for the console's reports, subject access, legal hold and complaint extension pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import AnyOf, InputRequired, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from portal.console.forms import VersionedForm, optional_select
from portal.fields import DateParts, Required, checkboxes, long_text, text


class ReportFiltersForm(FlaskForm):
    """The date range and area of a report; sent in the address, so it holds nothing personal."""

    class Meta:
        csrf = False

    start = DateParts(_l("From"), past_only=False)
    end = DateParts(_l("To"), past_only=False)
    area = optional_select(_l("Area"), _l("Select an area from the list"))

    def validate_end(self, field):
        """The range runs forwards and spans at most 2 years."""
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must be the same as or after the start date"))
        if self.start.data and field.data and (field.data - self.start.data).days >= 800:
            raise ValidationError(_l("Choose a range of at most 2 years"))


class SubjectSearchForm(FlaskForm):
    """Who to find: a name, an email address, a phone number or a reference."""

    q = text(_l("Name, email address, phone number or reference"),
             _l("Enter a name, email address, phone number or reference"), max_length=200,
             hint=_l("A name finds only records where it is the name of the person who asked or of "
                     "the child or young person the record is about"))


class SubjectReviewForm(FlaskForm):
    """The records found that go on to the review (talkzone keeps only ones the search finds)."""

    q = HiddenField()
    reference = SelectMultipleField(_l("Records to include"), choices=[], validate_choice=False,
                                    widget=GovCheckboxesInput(),
                                    validators=[Required(_l("Select at least one record to review"))])


class SubjectReleaseForm(FlaskForm):
    """The officer's confirmation of exactly what they reviewed."""

    q = HiddenField()
    reference = SelectMultipleField(choices=[], validate_choice=False, widget=HiddenInput())
    digest = HiddenField()


class SubjectDownloadForm(FlaskForm):
    """Which confirmed release to download, and as what."""

    release = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, 2**31 - 1)])
    format = HiddenField(validators=[AnyOf(["json", "html"])])


class LegalHoldForm(FlaskForm):
    """Put an item under legal hold (kept past its retention period), or lift the hold."""

    reason = long_text(_l("Why"), _l("Enter why the hold is being placed or lifted"), max_length=500)


class RetentionRunForm(FlaskForm):
    """The administrator's confirmation of a retention run, with the total they were shown."""

    total = HiddenField(validators=[InputRequired()])
    confirm = checkboxes(_l("Confirm the run"),
                         [("yes", _l("I have checked these figures and want to anonymise these items now"))],
                         _l("Confirm that you want to anonymise these items"))


class ExtensionForm(VersionedForm):
    """Extend a complaint's stage 1 reply to 20 working days, once, with the reason."""

    reason = long_text(_l("Why the reply needs more time"),
                       _l("Enter why the stage 1 reply needs more time"), max_length=1000,
                       hint=_l("The young person is told the new date on a channel they said is safe"))
