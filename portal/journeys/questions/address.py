"""The postal address question, shared by the journeys that ask for one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from portal.fields import JourneyForm, text
from talkzone.routing import normalise_postcode


class AddressForm(JourneyForm):
    line_1 = text(_l("Address line 1"), _l("Enter the first line of the address"),
                  autocomplete="address-line1")
    line_2 = text(_l("Address line 2 (optional)"), autocomplete="address-line2")
    town = text(_l("Town or city"), _l("Enter the town or city"), max_length=100, width=20,
                autocomplete="address-level2")
    postcode = text(_l("Postcode"), _l("Enter the postcode"), max_length=20, width=10,
                    autocomplete="postal-code")

    def validate_postcode(self, field):
        normal = normalise_postcode(field.data or "")
        if normal is None:
            raise ValidationError(_l("Enter a full UK postcode, like PR1 2AB"))
        field.data = normal
