"""Forms for the console's reports, subject access, legal hold and complaint extension pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from portal.forms.console import VersionedForm, optional_select
from portal.forms.fields import DateParts, long_text, text


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
             hint=_l("A name finds records where it is the name given, or appears in the answers"))


class LegalHoldForm(FlaskForm):
    """Put an item under legal hold (kept past its retention period), or lift the hold."""

    reason = long_text(_l("Why"), _l("Enter why the hold is being placed or lifted"), max_length=500)


class ExtensionForm(VersionedForm):
    """Extend a complaint's stage 1 reply to 20 working days, once, with the reason."""

    reason = long_text(_l("Why the reply needs more time"),
                       _l("Enter why the stage 1 reply needs more time"), max_length=1000,
                       hint=_l("The young person is told the new date on a channel they said is safe"))
