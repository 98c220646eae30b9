"""Complaints reach the Customer Feedback Service, and referrals the advocacy service, over real SMTP."""

from __future__ import annotations

import re
from html import unescape

import pytest

from talkzone.profile import PROFILES_DIR, load_profile
from tests.complaint_journey import ON_BEHALF, YOUNG_PERSON, complaint, submit_complaint
from tests.journeys import deliver_within_a_week
from tests.pages import first_strong

PROFILES = {name: load_profile(name) for name in ("lancashire", "wakefield")}


def deliver(app):
    return deliver_within_a_week(app)  # the safe times in the answers hold acknowledgements


def page_text(page) -> str:
    return unescape(page.get_data(as_text=True))


def everyone_written_to(smtp_server) -> set[str]:
    return {rcpt for rcpts, _ in smtp_server.messages for rcpt in rcpts}


@pytest.mark.parametrize("profile_name", PROFILES)
def test_feedback_service_receives_exactly_one_notification_per_complaint(make_app, smtp_server,
                                                                          profile_name):
    profile = PROFILES[profile_name]
    app = make_app(SERVICE_PROFILE=profile_name)
    references = [first_strong(submit_complaint(app.test_client(), data))
                  for data in (YOUNG_PERSON, ON_BEHALF, complaint(contact_method={"method": "call"}))]
    deliver(app)
    deliver(app)  # a second run finds nothing left to send
    received = smtp_server.to(profile.complaints.mailbox)
    assert sorted(reference for reference in references for m in received if reference in m["Subject"]) \
        == sorted(references)
    assert len(received) == 3
    for message in received:
        body = message.get_payload()
        reference = re.search(r"CP-[A-Z0-9]{4}-[A-Z0-9]{4}", message["Subject"]).group(0)
        assert f"/console/items/{reference}" in body
        for private in ("Alex Smith", "Sam Jones", "Pat Jones", "alex@example.com", "07700", "My carer",
                        "placement was changed"):
            assert private not in body


@pytest.mark.parametrize("profile_name", PROFILES)
def test_advocate_with_consent_is_referred_once(make_app, smtp_server, profile_name):
    profile = PROFILES[profile_name]
    app = make_app(SERVICE_PROFILE=profile_name)
    page = submit_complaint(app.test_client(), complaint(advocacy_consent={"consent": "yes"}))
    assert f"We have passed your details to the {profile.advocacy.name}" in page_text(page)
    deliver(app)
    referrals = smtp_server.to(profile.advocacy.mailbox)
    assert len(referrals) == 1
    assert first_strong(page) in referrals[0]["Subject"]
    body = referrals[0].get_payload()
    assert "Alex Smith" in body and "alex@example.com" in body and "In care (looked after)" in body


def test_advocate_without_consent_sends_nothing_and_gives_the_contact_details(app, client, smtp_server):
    page = page_text(submit_complaint(client, complaint(advocacy_consent={"consent": "no"})))
    advocacy = PROFILES["lancashire"].advocacy
    assert "You can contact the Children's Rights Service yourself" in page
    assert advocacy.phone in page and advocacy.email in page
    deliver(app)
    assert smtp_server.to(advocacy.mailbox) == []
    assert len(smtp_server.to("cyp-customer-feedback@lancashire.example")) == 1


def test_no_advocate_means_no_referral_and_no_advocacy_text(app, client, smtp_server):
    main = unescape(str(submit_complaint(client, complaint(advocate={"advocate": "no"})).page.find("main")))
    assert "advocate" not in main.lower() and "Children's Rights" not in main
    deliver(app)
    assert smtp_server.to(PROFILES["lancashire"].advocacy.mailbox) == []


@pytest.mark.parametrize(("method", "acknowledged_at"), [
    ("call", set()),
    ("letter", set()),
    ("helpline", set()),
    ("advocate", set()),
    ("email", {"alex@example.com"}),
    ("text", {"07700900123@sms.example"}),
])
def test_mail_goes_only_to_the_chosen_channel(make_app, smtp_server, method, acknowledged_at):
    app = make_app(SMS_EMAIL_GATEWAY="sms.example")
    data = complaint(contact_method={"method": method}, advocate={"advocate": "no"})
    submit_complaint(app.test_client(), data)
    deliver(app)
    assert everyone_written_to(smtp_server) == {"cyp-customer-feedback@lancashire.example"} | acknowledged_at


def test_full_answers_in_email_when_the_profile_allows_it(make_app, smtp_server, tmp_path):
    text = (PROFILES_DIR / "lancashire.toml").read_text(encoding="utf-8")
    custom = tmp_path / "full.toml"
    custom.write_text(text.replace("full_answers_in_email = false", "full_answers_in_email = true"),
                      encoding="utf-8")
    app = make_app(SERVICE_PROFILE=str(custom))
    submit_complaint(app.test_client(), YOUNG_PERSON)
    deliver(app)
    body = smtp_server.to("cyp-customer-feedback@lancashire.example")[0].get_payload()
    assert "placement was changed" in body and "alex@example.com" in body
