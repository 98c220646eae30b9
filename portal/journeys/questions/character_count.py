"""The GOV.UK character count with its built-in English replaced by the page's language."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import get_locale, gettext, ngettext
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount

# GOV.UK Frontend's script fills in %{count} itself, choosing the message by the plural
# category (one, few, many, other) of the page's lang; gettext picks forms by number, so a
# sample number stands for each category.
COUNT = "%{count}"


@cache  # per language, for the life of the process: CLDR's plural rules do not change
def _samples(code: str) -> dict[str, int]:
    """A whole number in each plural category of the language (first met counting up from 0)."""
    locale = Locale.parse(code)
    samples: dict[str, int] = {}
    for number in range(0, 200):
        samples.setdefault(locale.plural_form(number), number)
    for tag in locale.plural_form.tags | {"other"}:
        samples.setdefault(tag, samples.get("many", 5))  # "other" may only hold fractions
    return samples


def _by_category(message) -> dict[str, str]:
    """`message(number)` for a sample number of each plural category of the current language."""
    samples = _samples(str(get_locale() or "en"))
    return {tag: message(number) for tag, number in samples.items()}


def character_count_texts() -> dict[str, object]:
    """The character count component's params for its messages, in the current language."""
    return {
        "textareaDescriptionText": gettext("You can enter up to %(count)s characters", count=COUNT),
        "charactersUnderLimitText": _by_category(lambda n: ngettext(
            "You have %(count)s character remaining", "You have %(count)s characters remaining",
            n, count=COUNT)),
        "charactersAtLimitText": gettext("You have 0 characters remaining"),
        "charactersOverLimitText": _by_category(lambda n: ngettext(
            "You have %(count)s character too many", "You have %(count)s characters too many",
            n, count=COUNT)),
    }


class TranslatedCharacterCount(GovCharacterCount):
    """GovCharacterCount whose counting messages follow the page's language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for key, value in character_count_texts().items():
            params.setdefault(key, value)
        return params
