"""Requests for support reach the right mailbox over real SMTP, and only safe channels are used."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from talkzone.models import OutboxMessage, Submission
from talkzone.profile import load_profile
from tests.journeys import FAMILY, PROFESSIONAL, answers, deliver_within_a_week, submit_request
from tests.pages import first_strong

LANCASHIRE = load_profile("lancashire")


def deliver(app):
    return deliver_within_a_week(app)  # the safe times in the answers hold acknowledgements


@pytest.mark.parametrize("area", [a.code for a in LANCASHIRE.areas])
def test_each_lancashire_district_gets_exactly_one_notification(app, client, smtp_server, area):
    # A postcode district the profile lists for this area, so the area question offers it.
    outward = next(code for code, places in LANCASHIRE.postcodes.items() if area in places)
    data = answers(address={"postcode": f"{outward} 1AA"}, area={"area": area})
    page = submit_request(client, data)
    assert page.status_code == 200
    deliver(app)
    mailbox = LANCASHIRE.area(area).mailbox
    received = smtp_server.to(mailbox)
    assert len(received) == 1
    reference = first_strong(page)
    assert reference in received[0]["Subject"]
    assert f"/console/items/{reference}" in received[0].get_payload()
    # No other district hears about it.
    others = {a.mailbox for a in LANCASHIRE.areas} - {mailbox}
    assert not [m for rcpts, m in smtp_server.messages if set(rcpts) & others]


def test_district_email_carries_no_personal_details(app, client, smtp_server):
    submit_request(client)
    deliver(app)
    body = smtp_server.to("rfs.preston@lancashire.example")[0].get_payload()
    for private in ("Jo Bloggs", "Sam Bloggs", "1 High Street", "07700", "ex-partner"):
        assert private not in body


def test_wakefield_hub_mailbox_receives_the_request(make_app, smtp_server):
    app = make_app(SERVICE_PROFILE="wakefield")
    data = answers(address={"postcode": "WF10 1AA", "town": "Castleford"},
                   area={"area": "castleford_pontefract"})
    submit_request(app.test_client(), data)
    deliver(app)
    assert len(smtp_server.to("hub.castleford-pontefract@wakefield.example")) == 1


@pytest.mark.parametrize(("postcode", "area"), [("LE11 1AA", "charnwood"), ("LE10 1AA", "hinckley_bosworth"),
                                                ("LE13 1AA", "melton")])
def test_leicestershire_duty_team_receives_every_request(make_app, smtp_server, postcode, area):
    app = make_app(SERVICE_PROFILE="leicestershire")
    submit_request(app.test_client(), answers(address={"postcode": postcode}, area={"area": area}))
    deliver(app)
    assert len(smtp_server.to("duty-triage@leicestershire.example")) == 1


@pytest.mark.parametrize(("channels", "expect_family_email"), [
    (["call", "email"], True), (["call"], False), (["letter"], False), (["text"], False),
])
def test_family_is_acknowledged_only_on_a_channel_marked_safe(app, client, smtp_server, channels,
                                                              expect_family_email):
    # An address typed without choosing email is refused at the question since issue #17.
    email = "jo@example.com" if "email" in channels else ""
    data = answers(contact={"channels": channels, "phone": "07700 900123", "email": email})
    submit_request(client, data)
    deliver(app)
    assert bool(smtp_server.to("jo@example.com")) is expect_family_email
    recipients = {r for rcpts, _ in smtp_server.messages for r in rcpts}
    assert recipients <= {"rfs.preston@lancashire.example", "jo@example.com"}


def test_contact_details_for_channels_not_chosen_are_not_stored(app, client, db_session):
    # An email typed without choosing email is refused since issue #17; a phone is still dropped.
    submit_request(client, answers(contact={"channels": ["letter"], "phone": "07700 900123",
                                            "email": ""}))
    stored = db_session.scalars(select(Submission)).one()
    assert stored.phone is None and stored.email is None
    assert "phone" not in stored.contact and "email" not in stored.contact
    assert "07700" not in str(stored.answers) and "jo@example.com" not in str(stored.answers)


def test_text_acknowledgement_goes_through_the_sms_gateway_only_when_configured(make_app, smtp_server):
    app = make_app(SMS_EMAIL_GATEWAY="sms.example")
    texts_only = {"channels": ["text"], "phone": "07700 900123", "email": ""}
    submit_request(app.test_client(), answers(contact=texts_only))
    deliver(app)
    assert len(smtp_server.to("07700900123@sms.example")) == 1


def test_professional_and_family_acknowledgements(app, client, smtp_server):
    submit_request(client, PROFESSIONAL)
    deliver(app)
    assert len(smtp_server.to("pat@school.example.com")) == 1
    assert len(smtp_server.to("jo@example.com")) == 1
    assert len(smtp_server.to("rfs.preston@lancashire.example")) == 1


def test_awaiting_consent_holds_the_request_and_asks_the_professional(app, client, smtp_server, db_session):
    data = answers(PROFESSIONAL, family_consent={"family_consent": "no"})
    page = submit_request(client, data)
    assert "awaiting consent" in page.get_data(as_text=True)
    deliver(app)
    assert smtp_server.to("rfs.preston@lancashire.example") == []
    assert smtp_server.to("jo@example.com") == []
    asked = smtp_server.to("pat@school.example.com")
    assert len(asked) == 1 and "Consent needed" in asked[0]["Subject"]
    assert db_session.scalars(select(Submission)).one().status == "awaiting_consent"


def test_every_message_has_a_message_id_that_the_server_sees(app, client, smtp_server, db_session):
    submit_request(client, FAMILY)
    deliver(app)
    stored = set(db_session.scalars(select(OutboxMessage.message_id)))
    assert stored == set(smtp_server.message_ids())
