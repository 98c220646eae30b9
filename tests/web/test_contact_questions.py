"""The contact questions every journey shares, through the Request for Support's real routes."""

from __future__ import annotations

import copy

from sqlalchemy import select

from talkzone.models import Submission
from tests.journeys import FAMILY, answers, walk_request
from tests.pages import main_text, page_of


def _safety_page(client, channels, **contact):
    data = answers(contact={"channels": channels, "phone": "07700 900123", "email": "jo@example.com",
                            **contact})
    walk_request(client, copy.deepcopy(data), until="/request-support/safety")
    return client.get("/request-support/safety")


def test_voicemail_is_asked_only_when_calls_are_chosen(client):
    page = page_of(_safety_page(client, ["call", "email"]))
    assert page.find("input", attrs={"name": "voicemail"}) is not None
    assert "Can we say who we are when we call?" in main_text(page)


def test_without_calls_no_voicemail_and_saying_who_is_about_messages(client, db_session):
    page = page_of(_safety_page(client, ["email"]))
    assert page.find("input", attrs={"name": "voicemail"}) is None
    text = main_text(page)
    assert "voicemail" not in text and "when we call" not in text
    assert "Can our messages say who they are from?" in text
    # The page goes on without a voicemail answer, and none is stored.
    safety = {k: v for k, v in FAMILY["safety"].items() if k != "voicemail"}
    response = client.post("/request-support/safety", data=safety)
    assert response.status_code == 302
    client.post("/request-support/consent", data={"consent": "yes"})
    client.post("/request-support/check-answers", data={})
    stored = db_session.scalars(select(Submission)).one()
    assert "voicemail" not in stored.contact and stored.contact["say_who"] == "no"


def test_dropping_calls_later_forgets_the_voicemail_answer(client, db_session):
    walk_request(client, copy.deepcopy(FAMILY))
    client.post("/request-support/contact?change=1",
                data={"channels": ["email"], "email": "jo@example.com"})
    client.post("/request-support/check-answers", data={})
    stored = db_session.scalars(select(Submission)).one()
    assert "voicemail" not in stored.contact


def test_texts_go_to_mobile_numbers_in_either_form(client):
    for number in ("07700 900123", "+44 7700 900123"):
        walk_request(client, answers(contact=None), until="/request-support/contact")
        response = client.post("/request-support/contact", data={"channels": ["text"], "phone": number})
        assert response.headers["Location"] == "/request-support/safety", number


def test_a_landline_is_fine_for_calls_but_not_for_texts(client):
    walk_request(client, answers(contact=None), until="/request-support/contact")
    response = client.post("/request-support/contact", data={"channels": ["call"], "phone": "01632 960 001"})
    assert response.status_code == 302
    response = client.post("/request-support/contact", data={"channels": ["call", "text"],
                                                             "phone": "01632 960 001"})
    assert "We can only send texts to a mobile number" in main_text(response)
    assert 'value="01632 960 001"' in response.get_data(as_text=True)


def test_an_email_typed_without_choosing_email_is_not_dropped(client):
    walk_request(client, answers(contact=None), until="/request-support/contact")
    response = client.post("/request-support/contact", data={"channels": ["call"], "phone": "07700 900123",
                                                             "email": "jo@example.com"})
    assert response.status_code == 200
    assert "Select email, or delete the email address" in main_text(response)
    # Ticking email, or deleting the address, both go on.
    for fixed in ({"channels": ["call", "email"]}, {"channels": ["call"], "email": ""}):
        posted = {"phone": "07700 900123", "email": "jo@example.com", **fixed}
        assert client.post("/request-support/contact", data=posted).status_code == 302
