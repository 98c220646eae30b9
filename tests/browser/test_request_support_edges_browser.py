"""The rough edges of the Request for Support in Chromium, in English and Urdu, JavaScript on and off:
a "no" to consent confirmed or taken back, a professional told a request is held, "something else"
revealing its box, and no voicemail question without calls. Every page met is axe-core clean."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talkzone.models import Draft, Submission
from tests.browser.conftest import axe_violations
from tests.browser.flows import tel_links, words

CONTINUE = "main form button.govuk-button"


def _go_on(page, selector=CONTINUE):
    with page.expect_navigation():
        page.locator(selector).first.click()


def _answer(page, values: dict) -> None:
    """Answer a page by field name (the labels are in the page's language), then continue."""
    for name, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            field = page.locator(f'[name="{name}"]').first
            kind = field.evaluate("e => e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase()")
            if kind in ("radio", "checkbox"):
                page.locator(f'input[name="{name}"][value="{one}"]').check()
            elif kind == "select":
                field.select_option(one)
            else:
                field.fill(one)
    _go_on(page)


class Checked:
    def __init__(self, page, language):
        self.page, self.language, self.problems = page, language, []

    def scan(self, label):
        assert self.page.locator("html").get_attribute("lang") == self.language, label
        if self.page.javascript:  # axe-core runs as a script in the page
            found = axe_violations(self.page)
            if found:
                self.problems.append(f"{self.language} {label} {self.page.url}: {found}")


def _count(app, model):
    with app.extensions["db_sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(model))


def _to_needs(page, base_url, language):
    page.goto(f"{base_url}/?lang={language}")  # the cookie keeps the language
    page.goto(f"{base_url}/request-support/who")
    _answer(page, {"role": "parent"})
    _answer(page, {"name": "Jo Bloggs"})
    for part, value in (("day", "4"), ("month", "5"), ("year", "2016")):
        page.fill(f"#dob-{part}", value)
    _answer(page, {"name": "Sam Bloggs", "send": "no"})
    _answer(page, {"add_another": "no"})
    _answer(page, {"line_1": "1 High Street", "town": "Preston", "postcode": "PR1 2AB"})
    _answer(page, {})  # the area, chosen from the postcode
    assert "/needs" in page.url


@pytest.mark.parametrize("language", ["en", "ur"])
def test_something_else_no_voicemail_without_calls_and_a_no_confirmed(page, base_url, live_app,
                                                                      language):
    check = Checked(page, language)
    _to_needs(page, base_url, language)
    # "Something else" reveals its box with JavaScript; without it the box is always there.
    box = page.locator("#other_need")
    assert box.is_visible() is not page.javascript
    page.locator('input[name="needs"][value="other"]').check()
    assert box.is_visible()
    check.scan("needs, something else")
    _answer(page, {"other_need": "Caring for grandma", "details": "Mornings are hard."})
    _answer(page, {"at_risk": "no"})
    _answer(page, {"caf": "no", "social_worker": "no"})
    _answer(page, {"language": "English", "interpreter": "no"})
    _answer(page, {"channels": ["email"], "email": "jo@example.com"})
    # Email only: no voicemail question, and the say-who question is about messages.
    assert "/safety" in page.url
    assert page.locator('input[name="voicemail"]').count() == 0
    assert page.locator('input[name="say_who"]').count() == 2
    check.scan("safety without calls")
    _answer(page, {"say_who": "no"})
    # A "no" to sharing is confirmed first; going back asks again with the answers kept.
    _answer(page, {"consent": "no"})
    assert "/no-consent" in page.url
    tel_links(page, "body", "confirm no consent", 4)  # the emergency panel
    check.scan("confirm no consent")
    _go_on(page, "main form a.govuk-link")
    assert page.url.endswith("/request-support/consent")
    assert _count(live_app, Draft) == 1
    _answer(page, {"consent": "no"})
    _go_on(page, "main form button.govuk-button--warning")
    assert "/not-sent" in page.url
    tel_links(page, "main", "not sent", 3)  # Childline, social care, 999
    check.scan("not sent")
    assert _count(live_app, Draft) == 0 and _count(live_app, Submission) == 0
    assert not check.problems, "\n".join(check.problems)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_professional_is_told_at_the_consent_question_that_the_request_is_held(
        page, base_url, live_app, language):
    check = Checked(page, language)
    page.goto(f"{base_url}/?lang={language}")
    page.goto(f"{base_url}/request-support/who")
    _answer(page, {"role": "professional"})
    _answer(page, {"name": "Pat Teacher", "organisation": "Hill Primary", "job_role": "SENCO",
                   "work_email": "pat@school.example.com", "work_phone": "01632 960 001"})
    assert "/family-consent" in page.url
    no = page.locator('input[name="family_consent"][value="no"]')
    held = page.locator(f"#{no.get_attribute('aria-describedby')}")
    assert held.is_visible()
    assert words(live_app, language, "We will hold the request and not pass it to a team until you "
                 "tell us the family agrees.") in held.inner_text()
    check.scan("family consent")
    assert not check.problems, "\n".join(check.problems)
