"""Every message to a member of the public follows the contact policy, over the outbox and real SMTP.

The journeys run through the test client with the clock frozen (CLOCK); the outbox is run
with ``flask outbox send`` at the same clock, so a held message is seen to wait and then go.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from talkzone.access import DISTRICT_TRIAGE_OFFICER
from talkzone.models import OutboxMessage, Submission
from testkit.factories import make_user, sign_in_as
from tests.complaint_journey import complaint, submit_complaint
from tests.journeys import FAMILY_ANY_TIME, answers, submit_request, walk_request

SERVICE_NAMES = ("Children and Family Wellbeing Service", "Customer Feedback Service", "Lancashire",
                 "Talkzone")
# Friday 27 November 2026, 02:06 in the UK (GMT); the parent's safe times are Tue-Thu 10:00-14:00.
NIGHT = datetime(2026, 11, 27, 2, 6, tzinfo=UTC)
NEXT_TUESDAY_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TUE_TO_THU_10_TO_2 = {"days": ["tue", "wed", "thu"], "start": "10:00", "end": "14:00"}


@pytest.fixture
def clock():
    return {"now": NIGHT}


@pytest.fixture
def texting_app(make_app):
    return make_app(SMS_EMAIL_GATEWAY="sms.example")


@pytest.fixture
def clocked_app(make_app, clock):
    return make_app(SMS_EMAIL_GATEWAY="sms.example", CLOCK=lambda: clock["now"])


def send_outbox(app) -> str:
    """``flask outbox send`` at the app's clock."""
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def everything(message) -> str:
    return f"{message['From']}\n{message['Subject']}\n{message.get_payload()}"


def test_a_request_text_does_not_name_the_service_when_we_may_not_say_who_we_are(texting_app, smtp_server):
    submit_request(texting_app.test_client(), answers(
        FAMILY_ANY_TIME, contact={"channels": ["text"], "phone": "07700 900123", "email": ""}))
    send_outbox(texting_app)
    [text] = smtp_server.to("07700900123@sms.example")
    assert re.search(r"RS-[A-Z0-9]{4}-[A-Z0-9]{4}", text.get_payload()), "the reference is there"
    for name in SERVICE_NAMES:
        assert name not in everything(text)


def test_a_complaint_text_does_not_name_the_service_when_we_may_not_say_who_we_are(texting_app,
                                                                                    smtp_server):
    data = complaint(**{"contact-method": {"method": "text"}},
                     safety={"days": [], "start": "", "end": "", "say_who": "no"})
    submit_complaint(texting_app.test_client(), data)
    send_outbox(texting_app)
    [text] = smtp_server.to("07700900123@sms.example")
    assert "CP-" in text.get_payload()
    for name in SERVICE_NAMES:
        assert name not in everything(text)


def test_a_text_may_name_the_service_where_the_person_said_we_may(texting_app, smtp_server):
    data = answers(FAMILY_ANY_TIME, contact={"channels": ["text"], "phone": "07700 900123", "email": ""},
                   safety={"say_who": "yes"})
    submit_request(texting_app.test_client(), data)
    send_outbox(texting_app)
    [text] = smtp_server.to("07700900123@sms.example")
    assert "Children and Family Wellbeing Service" in text.get_payload()


@pytest.mark.parametrize(("submitted", "opens"), [
    (NIGHT, NEXT_TUESDAY_10AM),
    # In summer the UK is on BST: 10:00 on Tuesday is 09:00 UTC.
    (datetime(2026, 6, 26, 1, 6, tzinfo=UTC), datetime(2026, 6, 30, 9, 0, tzinfo=UTC)),
])
def test_an_acknowledgement_outside_the_safe_times_is_held_until_the_next_safe_window(
        clocked_app, smtp_server, db_session, clock, submitted, opens):
    texting_app = clocked_app
    clock["now"] = submitted
    submit_request(texting_app.test_client(), answers(safety=TUE_TO_THU_10_TO_2))
    send_outbox(texting_app)
    assert smtp_server.to("jo@example.com") == [], "nothing to the parent at night"
    held = {m.purpose: m for m in db_session.scalars(select(OutboxMessage))}
    assert held["family_acknowledgement"].status == "queued"
    assert held["family_acknowledgement"].held_until == opens
    assert held["district_notification"].held_until is None, "staff mail is not held"

    clock["now"] = opens - timedelta(minutes=1)
    send_outbox(texting_app)
    assert smtp_server.to("jo@example.com") == [], "not a minute early"
    clock["now"] = opens
    send_outbox(texting_app)
    send_outbox(texting_app)
    assert len(smtp_server.to("jo@example.com")) == 1, "delivered once the window opens, once"


def test_staff_see_held_until_on_the_item_page(clocked_app, db_session):
    texting_app = clocked_app
    submit_request(texting_app.test_client(), answers(safety=TUE_TO_THU_10_TO_2))
    item = db_session.scalars(select(Submission)).one()
    client = texting_app.test_client()
    sign_in_as(client, db_session, make_user(db_session, DISTRICT_TRIAGE_OFFICER))
    page = client.get(f"/console/items/{item.reference}").get_data(as_text=True)
    assert "held until Tue 1 Dec 2026 10:00" in page


def test_a_landline_given_for_texts_gets_no_text(texting_app, smtp_server, db_session):
    # Since issue #17 the contact question refuses a landline for texts, saying why, so no
    # request carries one; the contact policy still never texts one (tests/unit).
    client = texting_app.test_client()
    walk_request(client, answers(FAMILY_ANY_TIME, contact=None), until="/request-support/contact")
    response = client.post("/request-support/contact", data={"channels": ["text"], "phone": "01632 960 123"})
    assert "We can only send texts to a mobile number" in response.get_data(as_text=True)
    send_outbox(texting_app)
    assert db_session.scalars(select(OutboxMessage)).all() == [] and smtp_server.messages == []


@pytest.mark.parametrize("phone", ["07700 900123", "+44 7700 900123"])
def test_a_uk_mobile_gets_its_text(texting_app, smtp_server, phone):
    submit_request(texting_app.test_client(), answers(
        FAMILY_ANY_TIME, contact={"channels": ["text"], "phone": phone, "email": ""}))
    send_outbox(texting_app)
    assert len([m for rcpts, m in smtp_server.messages if rcpts[0].endswith("@sms.example")]) == 1


def test_a_must_not_know_name_never_appears_in_a_message(texting_app, smtp_server):
    # Mr Lancashire must not know: the council's own name carries his, so even a message
    # that may say who we are is written without it.
    data = answers(FAMILY_ANY_TIME, contact={"channels": ["email", "text"], "phone": "07700 900123",
                                             "email": "jo@example.com"},
                   safety={"say_who": "yes", "must_not_know": "my ex, Tom Lancashire"})
    submit_request(texting_app.test_client(), data)
    send_outbox(texting_app)
    to_parent = smtp_server.to("jo@example.com") + smtp_server.to("07700900123@sms.example")
    assert len(to_parent) == 2
    for message in to_parent:
        assert "Lancashire" not in everything(message) and "Tom" not in everything(message)
