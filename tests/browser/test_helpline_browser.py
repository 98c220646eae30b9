"""Talk to Talkzone in Chromium, with JavaScript on and off, checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from talkzone.models import OutboxMessage, Submission
from tests.browser.flows import choose, fill
from tests.helpline_journey import MORNING, frozen


@pytest.fixture
def helpline_app(make_app):
    """CSRF on, as a real user meets it, with the clock at 10am on Tuesday 24 November 2026."""
    return make_app(WTF_CSRF_ENABLED=True, CLOCK=frozen(MORNING), SMS_EMAIL_GATEWAY="sms.example")


@pytest.fixture
def helpline_url(serve, helpline_app):
    return serve(helpline_app)


def go_on(page, text: str = "Continue") -> None:
    """Press the button and wait for the next page, so nothing is read from the old one."""
    with page.expect_navigation():
        page.get_by_role("button", name=text).click()


class Scanner:
    """Runs axe-core on each page met, when JavaScript is on (axe needs timers to run)."""

    def __init__(self, page, axe_check):
        self.page, self.axe_check = page, axe_check

    def __call__(self):
        if self.page.javascript:
            self.axe_check(self.page)


def begin(page, base_url, method: str, scan) -> None:
    """From the site's start page to the "how should we get back to you" answer."""
    page.goto(f"{base_url}/")
    scan()
    with page.expect_navigation():
        page.get_by_role("link", name="Talk to Talkzone").click()
    main = page.locator("main")
    expect(main).to_contain_text("only share something if a life is in danger")
    expect(main).to_contain_text("Talkzone is closed at the moment. The team will reply from 2pm today.")
    scan()
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    scan()
    choose(page, "Problems at home")
    go_on(page)
    scan()
    fill(page, "What would you like to tell us?", "Things at home are hard and I want to talk.")
    go_on(page)
    scan()
    choose(page, method)
    go_on(page)


def finish(page, scan, nickname="Jay", age="15", scan_about=False) -> str:
    """About you, check answers, send; returns the reference on the confirmation page."""
    if scan_about:
        scan()
    fill(page, "Your first name or a nickname (optional)", nickname)
    page.get_by_label("How old are you?").select_option(age)
    go_on(page)
    assert page.title().startswith("Check your answers")
    scan()
    go_on(page, "Send message")
    assert "/helpline/confirmation" in page.url
    assert page.locator(".govuk-panel__title").inner_text() == "Message sent"
    assert "Samaritans: call free on 116 123" in page.locator("main").inner_text()
    scan()
    return page.locator(".govuk-panel__body strong").inner_text()


def skip():
    """No scan: the page was already scanned in another flow."""


def stored(app, reference):
    with app.extensions["db_sessionmaker"]() as session:
        submission = session.scalar(select(Submission).where(Submission.reference == reference))
        purposes = sorted(m.purpose for m in session.scalars(select(OutboxMessage)))
        session.expunge_all()
    return submission, purposes


def test_call_back_with_two_windows(page, helpline_url, helpline_app, axe_check):
    scan = Scanner(page, axe_check)
    begin(page, helpline_url, "Call me", scan)
    scan()
    fill(page, "What is your phone number?", "07700 900123")
    go_on(page)
    scan()
    choose(page, "At times I choose")
    # First an overlap and a time outside opening hours, to see the errors.
    page.locator('input[name="day_1"][value="2026-11-25"]').check()
    page.locator("#start_1").select_option("15:00")
    page.locator("#end_1").select_option("17:00")
    page.get_by_text("Add another time (optional)").click()
    page.locator('input[name="day_2"][value="2026-11-25"]').check()
    page.locator("#start_2").select_option("16:00")
    page.locator("#end_2").select_option("18:00")
    go_on(page)
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "This time overlaps another time you chose" in summary
    scan()
    page.locator("#start_2").select_option("19:30")
    page.locator("#end_2").select_option("21:00")
    go_on(page)
    scan()
    page.get_by_role("group", name="Can we leave a voicemail").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Can we say we are from Talkzone").get_by_label("No", exact=True).check()
    go_on(page)
    reference = finish(page, scan, scan_about=True)
    assert ("We will call you in the first time you gave: Wednesday 25 November 2026, 3pm to 5pm."
            in page.locator("main").inner_text())
    submission, purposes = stored(helpline_app, reference)
    assert submission.status == "callback_due"
    assert submission.contact["windows"] == [
        {"start": "2026-11-25T15:00:00+00:00", "end": "2026-11-25T17:00:00+00:00"},
        {"start": "2026-11-25T19:30:00+00:00", "end": "2026-11-25T21:00:00+00:00"},
    ]
    assert purposes == ["helpline_notification"]


def test_text_contact(page, helpline_url, helpline_app, axe_check):
    scan = Scanner(page, axe_check)
    begin(page, helpline_url, "Text me", skip)  # pages scanned in the call flow
    fill(page, "What is your phone number?", "07700 900123")
    go_on(page)
    choose(page, "As soon as you can")
    go_on(page)
    scan()
    choose(page, "Yes")
    go_on(page)
    reference = finish(page, scan)
    assert "The team will reply from 2pm today." in page.locator("main").inner_text()
    submission, purposes = stored(helpline_app, reference)
    assert submission.contact["channels"] == ["text"] and submission.contact["asap"] is True
    assert purposes == ["helpline_acknowledgement_text", "helpline_notification"]


def test_email_contact(page, helpline_url, helpline_app, axe_check):
    scan = Scanner(page, axe_check)
    begin(page, helpline_url, "Email me", skip)  # pages scanned in the call flow
    scan()
    fill(page, "What is your email address?", "jay@example.com")
    go_on(page)
    reference = finish(page, scan)
    assert "We have also sent your reference to the email address you gave." in page.content()
    submission, purposes = stored(helpline_app, reference)
    assert submission.email == "jay@example.com" and submission.phone is None
    assert purposes == ["helpline_acknowledgement", "helpline_notification"]


def test_anonymous_contact(page, helpline_url, helpline_app, axe_check):
    scan = Scanner(page, axe_check)
    begin(page, helpline_url, "Do not get back to me", skip)  # pages scanned in the call flow
    reference = finish(page, scan, nickname="", age="prefer_not")
    text = page.locator("main").inner_text()
    assert "we cannot get back to you" in text
    assert "call us free on 0800 51 11 11. We are open every day from 2pm to 10pm." in text
    submission, purposes = stored(helpline_app, reference)
    assert submission.contact == {"channels": [], "anonymous": True}
    # Issue #17: the helpline team is told of an anonymous contact too; nothing goes back to them.
    assert purposes == ["helpline_notification"]
    with helpline_app.extensions["db_sessionmaker"]() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
