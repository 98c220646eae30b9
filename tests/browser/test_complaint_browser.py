"""A young person's complaint in Chromium, with JavaScript on and off, checked with axe-core."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from talkzone.models import OutboxMessage, Submission
from tests.browser.flows import choose, fill, go_on

METHOD_LABELS = {"call": "Phone call", "text": "Text message", "email": "Email", "letter": "Letter",
                 "helpline": "Through Talkzone", "advocate": "Through my advocate"}


def _group(page, legend: str, label: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(label, exact=True).check()


def complain(page, base_url, *, method="email", behalf=False, advocate="yes", consent="yes",
             scan=lambda page: None) -> None:
    """Fill in the complaint up to check answers; ``scan(page)`` runs on every page met."""
    page.goto(f"{base_url}/")
    scan(page)
    page.get_by_role("link", name="Make a complaint about children's social care").click()
    scan(page)
    page.get_by_role("button", name="Start now").click()
    scan(page)
    if behalf:
        choose(page, "I am complaining for a young person")
        go_on(page)
        scan(page)
        fill(page, "Your name", "Pat Jones")
        fill(page, "How do you know the young person?", "Grandparent")
        fill(page, "The young person's name", "Sam Jones")
        go_on(page)
        scan(page)
        choose(page, "Yes, they know and agree")
    else:
        choose(page, "Me. I am a young person and it is about me")
        go_on(page)
        scan(page)
        fill(page, "What is your name? (optional)", "Alex Smith")
    go_on(page)
    scan(page)
    page.get_by_label("How old is the young person?" if behalf else "How old are you?").select_option(
        "14" if behalf else "16")
    go_on(page)
    scan(page)
    page.get_by_label("In care (looked after)").check()
    go_on(page)
    scan(page)
    choose(page, "A foster home or children's home (placement)")
    go_on(page)
    scan(page)
    fill(page, "What happened?", "My placement was changed without anyone asking me.")
    go_on(page)
    scan(page)
    fill(page, "What would you like to happen?", "A meeting about where I live.")
    go_on(page)
    scan(page)
    choose(page, METHOD_LABELS[method] if method != "advocate" or not behalf
           else "Through the young person's advocate")
    go_on(page)
    scan(page)
    if method in ("call", "text"):
        fill(page, "What is your mobile number?" if method == "text" else "What is your phone number?",
             "07700 900123")
    elif method == "email":
        fill(page, "What is your email address?", "alex@example.com")
    elif method == "letter":
        fill(page, "Address line 1", "2 Park Road")
        fill(page, "Town or city", "Preston")
        fill(page, "Postcode", "PR1 3CD")
    if method in ("call", "text", "email", "letter"):
        go_on(page)
        scan(page)
    page.get_by_label("Tuesday").check()
    page.get_by_label("From").select_option("16:00")
    page.get_by_label("Until").select_option("18:00")
    if method == "call":  # voicemail is asked only of someone who chose a call
        _group(page, "Can we leave a voicemail", "No")
        _group(page, "Can we say who we are", "No")
    else:
        _group(page, "Can our messages say who they are from?", "No")
    go_on(page)
    scan(page)
    if advocate == "tell_me_more":
        choose(page, "Tell me more first")
        go_on(page)
        scan(page)
        advocate = "yes"
    choose(page, {"yes": "Yes", "no": "No"}[advocate])
    go_on(page)
    scan(page)
    if advocate == "yes":
        choose(page, {"yes": "Yes", "no": "No"}[consent])
        go_on(page)
        scan(page)


def send(page) -> str:
    """Send from check answers; returns the reference on the confirmation page."""
    assert page.title().startswith("Check your answers before sending your complaint")
    go_on(page, "Send complaint")
    assert page.locator(".govuk-panel__title").inner_text() == "Complaint sent"
    return page.locator(".govuk-panel__body strong").inner_text()


def stored(app, reference):
    with app.extensions["db_sessionmaker"]() as session:
        submission = session.scalar(select(Submission).where(Submission.reference == reference))
        purposes = [m.purpose for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.submission_id == submission.id))]
        session.expunge(submission)
        return submission, purposes


# Text messages are sent in the accessibility walk below, with JavaScript on.
@pytest.mark.parametrize(("javascript", "methods"), [(True, ("call", "letter", "advocate")),
                                                     (False, ("email", "helpline"))],
                         ids=["js", "nojs"])
def test_young_person_complains_by_each_way_of_contact(browser_page, base_url, live_app, axe_check,
                                                       javascript, methods):
    page = browser_page(javascript)

    def scan(page):
        if javascript and page.url.endswith("/complaint/address"):
            axe_check(page)

    for method in methods:
        complain(page, base_url, method=method, advocate="no", scan=scan)
        reference = send(page)
        assert reference.startswith("CP-")
        assert "The Customer Feedback Service will reply by" in page.content()
        submission, purposes = stored(live_app, reference)
        assert submission.contact["channels"] == [method]
        assert purposes.count("complaint_notification") == 1
        assert ("complaint_acknowledgement" in purposes) is (method == "email")


def test_someone_complains_for_a_young_person(page, make_app, serve, axe_check):
    # The clock is frozen on 23 December: Christmas, Boxing Day and New Year are not working days.
    app = make_app(WTF_CSRF_ENABLED=True, CLOCK=lambda: datetime(2025, 12, 23, 15, tzinfo=UTC))
    on_behalf_pages = ("/on-behalf", "/agrees")
    complain(page, serve(app), method="advocate", behalf=True, consent="no",
             scan=lambda p: p.javascript and p.url.endswith(on_behalf_pages) and axe_check(p))
    assert "Sam Jones" in page.locator("main").inner_text()
    reference = send(page)
    text = page.locator("main").inner_text()
    assert "The Customer Feedback Service will reply by Friday 9 January 2026." in text
    assert "can contact the Children's Rights Service yourselves" in text and "01632 960 102" in text
    submission, purposes = stored(app, reference)
    assert submission.subject_name == "Sam Jones"
    assert submission.answers["advocacy"]["outcome"] == "signposted"
    assert purposes == ["complaint_notification"]


def test_every_page_passes_axe_including_errors(js_page, base_url, live_app, axe_check):
    page = js_page
    seen = []

    def scan(page):
        seen.append(page.url)
        axe_check(page)
        if page.url.endswith("/complaint/who") or page.url.endswith("/complaint/safety"):
            # An error state: continue without answering, then scan the error page.
            go_on(page)
            assert page.title().startswith("Error: ")
            assert page.locator(".govuk-error-summary").is_visible()
            axe_check(page)
        if page.url.endswith("/complaint/what-happened"):
            # JavaScript runs under the CSP: the character count is live.
            assert "characters remaining" in page.locator(".govuk-character-count__status").inner_text()

    complain(page, base_url, method="text", advocate="tell_me_more", consent="yes", scan=scan)
    assert any(url.endswith("/advocate-info") for url in seen)
    axe_check(page)  # check answers
    reference = send(page)
    axe_check(page)  # confirmation
    assert "We have passed your details to the Children's Rights Service" in page.content()
    submission, purposes = stored(live_app, reference)
    assert submission.contact["channels"] == ["text"] and submission.phone == "07700 900123"
    assert purposes == ["complaint_notification", "advocacy_referral"]


@pytest.fixture
def browser_page(browser):
    """browser_page(javascript) -> a fresh page with JavaScript on or off."""
    contexts = []

    def open_page(javascript: bool):
        context = browser.new_context(java_script_enabled=javascript, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
