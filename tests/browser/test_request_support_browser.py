"""The Request for Support journey in Chromium, with JavaScript on and off."""

from __future__ import annotations

from sqlalchemy import func, select

from talkzone.models import OutboxMessage, Submission
from tests.browser.flows import go_on, request_for_support


def _count(app, model):
    with app.extensions["db_sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_family_completes_the_journey(page, base_url, live_app, axe_check):
    pages = request_for_support(page, base_url)
    assert "/check-answers" in page.url
    assert page.title().startswith("Check your answers")
    go_on(page, "Send request")
    assert "/confirmation" in page.url
    heading = page.locator(".govuk-panel__title").inner_text()
    assert heading == "Request sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert reference.startswith("RS-")
    assert "allocated to a worker by" in page.content()
    with live_app.extensions["db_sessionmaker"]() as session:
        stored = session.scalar(select(Submission).where(Submission.reference == reference))
        assert stored is not None and stored.status == "new" and stored.area_code == "preston"
    if page.javascript:
        for url in pages[:3]:
            page.goto(url)
            axe_check(page)


def test_professional_completes_the_journey(js_page, base_url):
    request_for_support(js_page, base_url, role="professional")
    go_on(js_page, "Send request")
    assert js_page.locator(".govuk-panel__title").inner_text() == "Request sent"


def test_professional_without_consent_ends_awaiting_consent(nojs_page, base_url, live_app):
    request_for_support(nojs_page, base_url, role="professional", family_consent="No")
    go_on(nojs_page, "Send request")
    assert "awaiting consent" in nojs_page.locator(".govuk-panel__title").inner_text()
    with live_app.extensions["db_sessionmaker"]() as session:
        stored = session.scalars(select(Submission)).one()
        assert stored.status == "awaiting_consent"
        purposes = [m.purpose for m in session.scalars(select(OutboxMessage))]
    assert purposes == ["consent_needed"]


def test_family_declining_consent_sends_nothing(nojs_page, base_url, live_app):
    request_for_support(nojs_page, base_url, consent="No")
    assert "/no-consent" in nojs_page.url
    go_on(nojs_page, "Delete my answers")  # the "no" is confirmed first (issue #17)
    assert "We cannot send your request" in nojs_page.content()
    assert _count(live_app, Submission) == 0
    assert _count(live_app, OutboxMessage) == 0
