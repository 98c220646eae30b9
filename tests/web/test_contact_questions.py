"""The contact questions every journey shares, through the Request for Support's real routes."""

from __future__ import annotations

import copy

from sqlalchemy import select

from talkzone.models import Submission
from tests.journeys import FAMILY, answers, walk_request
from tests.pages import main_text, page_of


def _safety_page(client, channels, **contact):
    email = "jo@example.com" if "email" in channels else ""
    data = answers(contact={"channels": channels, "phone": "07700 900123", "email": email, **contact})
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


def _time_choices(response, name):
    return [o["value"] for o in page_of(response).find("select", attrs={"name": name}).find_all("option")]


def test_safe_times_are_every_half_hour_the_service_may_get_in_touch(client):
    response = _safety_page(client, ["call"])
    offered = _time_choices(response, "start")
    assert offered[:4] == ["", "08:00", "08:30", "09:00"] and offered[-1] == "22:00"
    assert _time_choices(response, "end") == offered
    refused = client.post("/request-support/safety", data={**FAMILY["safety"], "start": "16:15"})
    assert "Choose a time from the list" in main_text(refused)
    assert client.post("/request-support/safety",
                       data={**FAMILY["safety"], "start": "16:30", "end": "17:30"}).status_code == 302


def test_safe_times_follow_the_calling_hours_in_the_councils_profile(make_app, tmp_path):
    from talkzone.profile import PROFILES_DIR

    text = (PROFILES_DIR / "lancashire.toml").read_text(encoding="utf-8")
    profile = tmp_path / "shortday.toml"
    hours = '[council]\ncalls_from = "09:30"\ncalls_until = "17:00"\n'
    profile.write_text(text.replace("[council]\n", hours, 1), encoding="utf-8")
    client = make_app(SERVICE_PROFILE=str(profile)).test_client()
    offered = _time_choices(_safety_page(client, ["call"]), "start")
    assert offered[1] == "09:30" and offered[-1] == "17:00" and len(offered) == 1 + 16
    refused = client.post("/request-support/safety",
                          data={**FAMILY["safety"], "start": "18:00", "end": "19:00"})
    assert "Choose a time from the list" in main_text(refused)


def test_the_complaint_asks_about_voicemail_only_when_a_call_is_chosen(client):
    from tests.complaint_journey import YOUNG_PERSON, walk_complaint

    walk_complaint(client, until="/complaint/safety")  # the young person chose email
    page = page_of(client.get("/complaint/safety"))
    assert page.find("input", attrs={"name": "voicemail"}) is None
    assert "Can our messages say who they are from?" in main_text(page)
    calls = copy.deepcopy(YOUNG_PERSON) | {"contact-method": {"method": "call"},
                                           "phone": {"phone": "07700 900123"}}
    other = client.application.test_client()
    walk_complaint(other, calls, until="/complaint/safety")
    assert page_of(other.get("/complaint/safety")).find("input", attrs={"name": "voicemail"}) is not None


def test_safe_times_read_as_clock_times(client):
    page = page_of(_safety_page(client, ["call"]))
    labels = [option.get_text() for option in page.find("select", attrs={"name": "start"}).find_all("option")]
    assert labels[0] == "Any time" and "4:30pm" in labels and "9am" in labels
    assert page.find("option", string="4:30pm")["value"] == "16:30"
