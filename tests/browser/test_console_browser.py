"""Acceptance 3 in Chromium: a helpline adviser signs in with TOTP, finds a contact, logs a
callback attempt and re-routes it to a district, whose mailbox receives it over SMTP."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import expect
from sqlalchemy import select

from portal.mail import transport_for
from talkzone import outbox
from talkzone.models import CallbackAttempt, Kind, Submission
from talkzone.uow import UnitOfWork
from testkit.factories import PASSWORD, make_item, make_user


def _seed(app):
    with app.extensions["db_sessionmaker"]() as session:
        adviser = make_user(session, name="Hana Adviser", email="hana@council.example")
        contact = make_item(session, Kind.HELPLINE_CONTACT, subject_name="Jamie",
                            answers={"topic": {"topic": "home"}, "message": {"message": "Arguments at home"}})
        for _ in range(3):
            make_item(session, Kind.HELPLINE_CONTACT)
        return adviser.email, adviser.totp_secret, contact.reference


def _sign_in(page, base_url, email, secret):
    page.goto(f"{base_url}/console/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert "/console/sign-in/code" in page.url
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_helpline_adviser_finds_calls_back_and_re_routes_a_contact(page, base_url, live_app, smtp_server,
                                                                   axe_check):
    email, secret, reference = _seed(live_app)
    _sign_in(page, base_url, email, secret)
    assert page.url.endswith("/console/")
    expect(page).to_have_title(re.compile(r"^Inbox"))
    assert page.locator(".govuk-exit-this-page").count() == 0
    if page.javascript:
        axe_check(page)

    page.get_by_label("Search by reference, name, postcode, phone or email").fill(reference)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("[data-inbox] tbody tr")).to_have_count(1)
    assert reference not in page.url, "search terms stay out of the address"
    page.get_by_role("link", name=reference).click()
    assert page.url.endswith(f"/console/items/{reference}")
    panel = page.locator("[data-contact-panel]").inner_text()
    assert "Do not leave a voicemail." in panel and "Must not know: stepfather" in panel
    if page.javascript:
        axe_check(page)

    page.get_by_role("link", name="Log a callback attempt").click()
    page.wait_for_load_state()
    assert page.get_by_label("Left a voicemail").count() == 0, "voicemail is not offered here"
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Save").click()
    assert page.url.endswith(f"/console/items/{reference}")
    assert "Callback attempt logged" in page.locator(".govuk-notification-banner").inner_text()
    assert "No answer" in page.locator("[data-timeline]").inner_text()

    page.get_by_role("link", name="Send on as a request or complaint").click()
    page.get_by_label("A request for support for a district").check()
    page.get_by_label("District (for a request for support)").select_option("preston")
    page.get_by_label("Young person's IYSS number (optional)").fill("IYSS-4471")
    page.get_by_label("The young person agreed to this referral").check()
    page.get_by_label("How and when did they agree?").fill("On the phone at 4:20pm today")
    page.get_by_role("button", name="Save").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    new_reference = re.search(r"RS-[A-Z0-9]{4}-[A-Z0-9]{4}", banner)[0]

    with live_app.app_context(), live_app.extensions["db_sessionmaker"]() as session:
        request = session.scalar(select(Submission).where(Submission.reference == new_reference))
        assert (request.kind, request.area_code, request.iyss_number) == (
            Kind.REQUEST_FOR_SUPPORT, "preston", "IYSS-4471")
        assert session.scalar(select(CallbackAttempt)).result == "no_answer"
        stats = outbox.drain(UnitOfWork(session), transport_for(live_app))
    assert stats.sent >= 1
    [mail] = smtp_server.to("rfs.preston@lancashire.example")
    assert new_reference in mail["Subject"]
    assert f"/console/items/{new_reference}" in mail.get_payload()

    page.get_by_role("button", name="Sign out").click()
    assert "/console/signed-out" in page.url
    page.goto(f"{base_url}/console/")
    assert "/console/sign-in" in page.url
