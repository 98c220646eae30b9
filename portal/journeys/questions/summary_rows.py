"""Check-your-answers rows every journey builds: an answer in words, with a link back to change it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.i18n import time_span
from portal.journeys.questions.contact_preferences import SafeContactForm


def choice(form_class, field: str, value) -> str:
    """The words shown for a stored choice value (or values)."""
    choices = dict(getattr(form_class, field).kwargs["choices"])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    return str(choices.get(value, value or ""))


def lines(*parts) -> Markup:
    return Markup("<br>").join(escape(p) for p in parts if p)


def row(key, value, href, hidden) -> dict:
    return {"key": {"text": str(key)}, "value": {"html": value if isinstance(value, Markup)
                                                 else escape(value or _("Not given"))},
            "actions": {"items": [{"href": href, "text": _("Change"),
                                   "visuallyHiddenText": str(hidden)}]}}


def safe_contact_rows(safety: dict, href: str) -> list[dict]:
    """Rows for the shared contact-preferences fieldset, in every journey."""
    days = choice(SafeContactForm, "days", safety.get("days") or []) or _("Any day")
    times = time_span(safety["start"], safety["end"]) if safety.get("start") else _("Any time")
    return [
        row(_l("Safe days"), days, href, _l("safe days")),
        row(_l("Safe times"), times, href, _l("safe times")),
        row(_l("Voicemail or message"), choice(SafeContactForm, "voicemail", safety.get("voicemail")),
            href, _l("voicemail")),
        row(_l("Say who is calling"), choice(SafeContactForm, "say_who", safety.get("say_who")),
            href, _l("whether we can say who is calling")),
        row(_l("Must not know"), safety.get("must_not_know"), href, _l("who must not know")),
    ]
