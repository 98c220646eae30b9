"""The helpline contact journey through the test client, with the clock frozen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from talkzone.models import AuditEvent, Draft, Kind, OutboxMessage, Submission
from tests.helpline_journey import (
    AFTERNOON,
    ANONYMOUS,
    CALL,
    EMAIL,
    MORNING,
    TEXT,
    errors,
    frozen,
    reference,
    submit_helpline,
    walk_helpline,
    words,
)


@pytest.fixture
def morning_app(make_app):
    return make_app(CLOCK=frozen(MORNING))


@pytest.fixture
def morning(morning_app):
    return morning_app.test_client()


def stored(app):
    with app.extensions["db_sessionmaker"]() as session:
        submission = session.scalars(select(Submission)).one()
        mail = [(m.purpose, m.recipient) for m in session.scalars(select(OutboxMessage))]
        session.expunge_all()
    return submission, mail


# The start page ------------------------------------------------------------------------
def test_start_page_states_confidentiality_hours_and_crisis_lines_before_any_question(morning):
    page = morning.get("/helpline/")
    assert page.status_code == 200
    text = words(page)
    assert page.page.find(id="main-content").find_all_next("form") == []
    for expected in ("We would only share something if a life is in danger or someone is being "
                     "seriously hurt, and we would try to talk to you first",
                     "from 2pm to 10pm", "including Christmas Day", "0800 51 11 11", "999",
                     "Childline: call free on 0800 1111", "Samaritans: call free on 116 123"):
        assert expected in text
    assert text.index("only share something") < text.index("Start now")


def test_start_page_when_closed_says_when_the_team_will_reply(morning):
    text = words(morning.get("/helpline/"))
    assert "Talkzone is closed at the moment. The team will reply from 2pm today." in text


def test_start_page_late_at_night_says_tomorrow(make_app):
    late = make_app(CLOCK=frozen(datetime(2026, 11, 24, 22, 30, tzinfo=UTC))).test_client()
    text = words(late.get("/helpline/"))
    assert "The team will reply from 2pm tomorrow (Wednesday 25 November 2026)." in text


def test_start_page_when_open_says_so(make_app):
    client = make_app(CLOCK=frozen(AFTERNOON)).test_client()
    text = words(client.get("/helpline/"))
    assert "Talkzone is open now." in text and "closed" not in text


def test_the_site_start_page_offers_the_helpline(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/helpline/"' in html and "Talk to Talkzone" in html


# Contacts end to end -------------------------------------------------------------------
def test_call_back_with_two_windows_is_stored_with_its_windows_in_uk_time(morning_app, morning):
    page = submit_helpline(morning, CALL)
    ref = reference(page)
    assert ref.startswith("TZ-")
    text = words(page)
    assert ("We will call you in the first time you gave: Wednesday 25 November 2026, 3pm to 4pm."
            in text)
    assert "Samaritans: call free on 116 123" in text
    submission, mail = stored(morning_app)
    assert submission.reference == ref
    assert submission.kind == Kind.HELPLINE_CONTACT
    assert submission.status == "callback_due"
    assert submission.destination == "talkzone-inbox@lancashire.example"
    assert submission.contact["windows"] == [
        {"start": "2026-11-25T15:00:00+00:00", "end": "2026-11-25T16:00:00+00:00"},
        {"start": "2026-11-26T19:30:00+00:00", "end": "2026-11-26T21:00:00+00:00"},
    ]
    assert submission.contact["voicemail"] == "no" and submission.contact["say_who"] == "no"
    assert submission.phone == "07700 900123" and submission.subject_name == "Jay"
    assert str(submission.due_on) == "2026-11-25"
    # The inbox hears of it; a call is never acknowledged by email or text.
    assert mail == [("helpline_notification", "talkzone-inbox@lancashire.example")]


def test_text_contact_as_soon_as_possible_while_closed(make_app):
    app = make_app(CLOCK=frozen(MORNING), SMS_EMAIL_GATEWAY="sms.example")
    page = submit_helpline(app.test_client(), TEXT)
    text = words(page)
    assert "Talkzone is closed at the moment. The team will reply from 2pm today." in text
    submission, mail = stored(app)
    assert submission.contact["channels"] == ["text"] and submission.contact["asap"] is True
    assert "voicemail" not in submission.contact
    # The person said a text may say who it is from, so a text acknowledgement is safe.
    assert ("helpline_acknowledgement_text", "07700900123@sms.example") in mail


def test_text_acknowledgement_does_not_say_who_we_are_when_we_may_not(make_app):
    app = make_app(CLOCK=frozen(MORNING), SMS_EMAIL_GATEWAY="sms.example")
    submit_helpline(app.test_client(), {**TEXT, "safety": {"say_who": "no"}})
    _submission, mail = stored(app)
    assert mail == [("helpline_notification", "talkzone-inbox@lancashire.example"),
                    ("helpline_acknowledgement_text", "07700900123@sms.example")]
    with app.app_context():
        with app.extensions["db_sessionmaker"]() as session:
            text = session.scalars(select(OutboxMessage).where(
                OutboxMessage.purpose == "helpline_acknowledgement_text")).one()
    assert "Talkzone" not in text.subject + text.body


def test_email_contact_is_acknowledged_by_email(morning_app, morning):
    page = submit_helpline(morning, EMAIL)
    text = words(page)
    assert "We have also sent your reference to the email address you gave." in text
    assert "The team will reply from 2pm today." in text
    submission, mail = stored(morning_app)
    assert submission.status == "new" and submission.email == "jay@example.com"
    assert submission.phone is None and "phone" not in submission.answers
    assert sorted(mail) == [("helpline_acknowledgement", "jay@example.com"),
                            ("helpline_notification", "talkzone-inbox@lancashire.example")]


def test_anonymous_contact_stores_no_contact_details_and_only_tells_the_team(morning_app, morning):
    # Someone starts giving a phone number and times, then decides to stay anonymous.
    walk_helpline(morning, CALL)
    response = morning.post("/helpline/reply?change=1", data={"method": "none"})
    assert response.headers["Location"] == "/helpline/check-answers"
    check = words(morning.get("/helpline/check-answers"))
    assert "07700" not in check and "3pm" not in check
    morning.post("/helpline/check-answers", data={})
    page = morning.get("/helpline/confirmation")
    text = words(page)
    assert "we cannot get back to you" in text
    assert "call us free on 0800 51 11 11" in text and "We are open every day from 2pm to 10pm." in text
    assert 'href="tel:0800511111" dir="ltr">0800 51 11 11</a>' in page.get_data(as_text=True)
    assert "The phone lines open again at 2pm today." in text
    submission, mail = stored(morning_app)
    assert submission.contact == {"channels": [], "anonymous": True}
    assert submission.phone is None and submission.email is None
    assert set(submission.answers) == {"topic", "message", "reply", "about-you"}
    assert "07700" not in str(submission.answers)
    assert submission.status == "new"
    # Issue #17: an anonymous contact reaches the helpline team like any other; nothing goes back.
    assert mail == [("helpline_notification", "talkzone-inbox@lancashire.example")]


def test_anonymous_contact_is_asked_for_no_contact_details(morning_app, morning):
    walk_until(morning, {name: ANONYMOUS[name] for name in ("topic", "message")})
    response = morning.post("/helpline/reply", data=ANONYMOUS["reply"])
    assert response.headers["Location"] == "/helpline/about-you"
    for step in ("phone", "email", "windows", "safety"):
        assert morning.get(f"/helpline/{step}").headers["Location"] != f"/helpline/{step}"
    page = submit_helpline(morning, ANONYMOUS)
    assert "we cannot get back to you" in words(page)
    submission, mail = stored(morning_app)
    assert submission.subject_name is None and submission.answers["about-you"]["age"] == "prefer_not"
    assert mail == [("helpline_notification", "talkzone-inbox@lancashire.example")]


def test_the_draft_is_gone_after_sending(morning_app, morning):
    submit_helpline(morning, CALL)
    with morning_app.extensions["db_sessionmaker"]() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 0
        actions = {e.action for e in session.scalars(select(AuditEvent))}
    assert {"submitted", "routed", "mail_queued"} <= actions


def test_check_answers_shows_every_answer_with_change_links(morning):
    walk_helpline(morning, CALL)
    check = morning.get("/helpline/check-answers")
    text = words(check)
    links = {a["href"] for a in check.page.find_all("a", href=True)}
    for expected in ("Problems at home", "Things at home are hard", "Call me", "07700 900123",
                     "Wednesday 25 November 2026, 3pm to 4pm", "Thursday 26 November 2026, 7:30pm to 9pm",
                     "Jay", "15"):
        assert expected in text
    for step in ("topic", "message", "reply", "phone", "windows", "safety", "about-you"):
        assert f"/helpline/{step}?change=1" in links
    # A change returns to check answers.
    response = morning.post("/helpline/message?change=1", data={"message": "Changed my mind."})
    assert response.headers["Location"] == "/helpline/check-answers"


def test_nobody_skips_ahead_to_check_answers(morning):
    assert morning.get("/helpline/check-answers").headers["Location"] == "/helpline/topic"
    assert morning.get("/helpline/windows").headers["Location"] == "/helpline/topic"


def test_sending_is_rate_limited(make_app):
    client = make_app(CLOCK=frozen(MORNING), RATELIMIT_ENABLED=True,
                      PUBLIC_SUBMIT_LIMIT="1 per hour").test_client()
    submit_helpline(client, EMAIL)
    walk_helpline(client, EMAIL)
    assert client.post("/helpline/check-answers", data={}).status_code == 429


# Validation ----------------------------------------------------------------------------
@pytest.mark.parametrize(("step", "values", "message"), [
    ("topic", {}, "Select what you would like to talk about, or ‘Something else’"),
    ("message", {"message": "  "}, "Tell us what you would like to talk about"),
    ("message", {"message": "x" * 3001}, "Your message must be 3000 characters or fewer"),
    ("reply", {}, "Select how we should get back to you, or ‘Do not get back to me’"),
    ("phone", {"phone": ""}, "Enter your phone number"),
    ("phone", {"phone": "12345"}, "Enter a UK phone number, like 07700 900 982"),
    ("windows", {}, "Select ‘As soon as you can’ or ‘At times I choose’"),
    ("safety", {"say_who": "no"}, "Select yes if we can leave a voicemail"),
    ("about-you", {"nickname": "Jay"}, "Choose your age, or ‘Prefer not to say’"),
    ("about-you", {"nickname": "J" * 61, "age": "15"},
     "Your name or nickname must be 60 characters or fewer"),
    ("phone", {"phone": "0" * 31}, "Your phone number must be 30 characters or fewer"),
])
def test_each_question_says_what_is_wrong(morning, step, values, message):
    steps = ["topic", "message", "reply", "phone", "windows", "safety", "about-you"]
    earlier = {name: CALL[name] for name in steps[:steps.index(step)]}
    walk_until(morning, earlier)
    page = morning.post(f"/helpline/{step}", data=values)
    assert page.status_code == 200
    assert message in errors(page)
    assert page.page.title.get_text().startswith("Error:")
    assert page.page.select_one(".govuk-error-summary") is not None


def test_email_address_must_look_like_one(morning):
    walk_until(morning, {"topic": CALL["topic"], "message": CALL["message"], "reply": {"method": "email"}})
    page = morning.post("/helpline/email", data={"email": "jay-at-example"})
    assert "Enter an email address in the correct format, like name@example.com" in errors(page)


def walk_until(client, answered: dict) -> None:
    for step, values in answered.items():
        response = client.post(f"/helpline/{step}", data=values)
        assert response.status_code == 302, errors(response)


WINDOW_START = {name: CALL[name] for name in ("topic", "message", "reply", "phone")}


@pytest.mark.parametrize(("window", "message"), [
    ({"day_1": "2026-11-25", "start_1": "09:00", "end_1": "11:00"},
     "Choose times between 2pm and 10pm, when Talkzone is open"),
    ({"day_1": "2026-11-25", "start_1": "21:00", "end_1": "23:00"},
     "Choose times between 2pm and 10pm, when Talkzone is open"),
    ({"day_1": "2026-11-23", "start_1": "15:00", "end_1": "16:00"},
     "This time has already passed. Choose a time later than now"),
    ({"day_1": "2026-12-01", "start_1": "15:00", "end_1": "16:00"}, "Choose a day in the next 7 days"),
    ({"day_1": "2026-11-25", "start_1": "16:00", "end_1": "15:00"},
     "The end time must be after the start time"),
    ({"day_1": "2026-11-25", "start_1": "15:00", "end_1": "17:00",
      "day_2": "2026-11-25", "start_2": "16:30", "end_2": "18:00"},
     "This time overlaps another time you chose. Choose a different time"),
    ({"day_1": "2026-11-25", "start_1": "15:00"}, "Choose an end time for the first time"),
    ({"start_2": "15:00", "end_2": "16:00"}, "Choose a day for the second time"),
    ({}, "Choose a day and times, or select ‘As soon as you can’"),
    ({"day_1": "not-a-day", "start_1": "15:00", "end_1": "16:00"}, "Choose a day for the first time"),
])
def test_callback_windows_that_break_the_rules_are_refused(morning, window, message):
    walk_until(morning, WINDOW_START)
    page = morning.post("/helpline/windows", data={"when": "choose", **window})
    assert page.status_code == 200
    assert errors(page) == [message]
    assert page.page.title.get_text().startswith("Error:")
    # The times already chosen are kept for the person to correct.
    if window.get("start_1") in ("15:00", "16:00"):
        chosen = page.page.select(f'option[value="{window["start_1"]}"]')
        assert any(option.has_attr("selected") for option in chosen)


def test_the_day_list_offers_today_and_the_next_six_days(morning):
    walk_until(morning, WINDOW_START)
    html = morning.get("/helpline/windows").get_data(as_text=True)
    assert "Today (Tuesday 24 November)" in html and "Tomorrow (Wednesday 25 November)" in html
    assert 'value="2026-11-30"' in html and 'value="2026-12-01"' not in html
    assert ">2pm</option>" in html and ">9:30pm</option>" in html and ">10pm</option>" in html


def test_windows_on_christmas_day_are_accepted(make_app):
    client = make_app(CLOCK=frozen(datetime(2026, 12, 24, 12, 0, tzinfo=UTC))).test_client()
    walk_until(client, WINDOW_START)
    response = client.post("/helpline/windows", data={"when": "choose", "day_1": "2026-12-25",
                                                       "start_1": "14:00", "end_1": "15:00"})
    assert response.status_code == 302


def test_a_window_that_ends_before_sending_is_dropped_and_the_team_replies_as_soon_as_it_can(make_app):
    clock = {"now": datetime(2026, 11, 25, 14, 30, tzinfo=UTC)}
    app = make_app(CLOCK=lambda: clock["now"])
    client = app.test_client()
    walk_helpline(client, {**CALL, "windows": {"when": "choose", "day_1": "2026-11-25",
                                               "start_1": "14:30", "end_1": "15:00"}})
    clock["now"] = datetime(2026, 11, 25, 15, 5, tzinfo=UTC)
    client.post("/helpline/check-answers", data={})
    text = words(client.get("/helpline/confirmation"))
    assert "We will get back to you as soon as we can." in text
    submission, _mail = stored(app)
    assert submission.contact["windows"] == [] and submission.contact["asap"] is True


# Side doors ----------------------------------------------------------------------------
def test_side_doors_lead_to_the_other_journeys_and_nothing_is_lost(morning):
    walk_until(morning, {name: CALL[name] for name in ("topic", "message", "reply")})
    topic_page = morning.get("/helpline/topic").get_data(as_text=True)
    assert '<a class="govuk-link" href="/complaint/">Is this a complaint about social care?</a>' in topic_page
    assert ('<a class="govuk-link" href="/request-support/">Does your family need support?</a>'
            in topic_page)
    # Through one side door: start a Request for Support.
    assert morning.get("/request-support/").status_code == 200
    assert morning.post("/request-support/who", data={"role": "parent"}).status_code == 302
    # Through the other, and look at the complaint journey.
    assert morning.get("/complaint/").status_code == 200
    # Back to the helpline: the message is still there, and it carries on where it stopped.
    start = morning.get("/helpline/").get_data(as_text=True)
    assert "Continue your message" in start and 'href="/helpline/phone"' in start
    assert "Things at home are hard" in morning.get("/helpline/message").get_data(as_text=True)
    # And the Request for Support answers survived the trip back too.
    about = morning.get("/request-support/about-you")
    assert about.status_code == 200


def test_quick_exit_deletes_the_helpline_draft(morning_app, morning):
    walk_until(morning, {"topic": CALL["topic"], "message": CALL["message"]})
    morning.get("/exit")
    with morning_app.extensions["db_sessionmaker"]() as session:
        assert session.scalar(select(func.count()).select_from(Draft)) == 0
    assert morning.get("/helpline/reply").headers["Location"] == "/helpline/topic"


# A council without a helpline ----------------------------------------------------------
@pytest.mark.parametrize("path", ["/helpline/", "/helpline/topic", "/helpline/windows",
                                  "/helpline/check-answers", "/helpline/confirmation"])
def test_wakefield_has_no_helpline_pages(make_app, path):
    client = make_app(SERVICE_PROFILE="wakefield").test_client()
    assert client.get(path).status_code == 404
    assert client.post(path, data={"topic": "home"}).status_code in (404, 405)


def test_wakefield_offers_the_helpline_nowhere(make_app):
    client = make_app(SERVICE_PROFILE="wakefield").test_client()
    for path in ("/", "/request-support/", "/complaint/", "/staying-safe-online"):
        html = client.get(path).get_data(as_text=True)
        assert "/helpline" not in html and "Talkzone" not in html, path
    html = client.get("/").get_data(as_text=True)
    assert "Talk to" not in html


def test_the_time_picker_shows_one_time_as_day_radios_and_two_lists(morning):
    # Issue #17: one day (radios) and a from and until time on show; two more times, optional,
    # in a box that opens without JavaScript.
    walk_until(morning, WINDOW_START)
    page = morning.get("/helpline/windows").page
    days = page.find_all("input", attrs={"type": "radio", "name": "day_1"})
    assert [d["value"] for d in days][:2] == ["2026-11-24", "2026-11-25"] and len(days) == 7
    details = page.find("details")
    assert not details.has_attr("open") and "Add another time (optional)" in details.get_text()
    outside = [s["name"] for s in page.find_all("select") if details not in s.parents]
    assert outside == ["start_1", "end_1"]
    assert {s["name"] for s in details.find_all("select")} == {"start_2", "end_2", "start_3", "end_3"}
    # A second time with a problem: the box is open, the message beside it, the first time kept.
    page = morning.post("/helpline/windows", data={"when": "choose", "day_1": "2026-11-25",
                                                   "start_1": "15:00", "end_1": "17:00",
                                                   "day_2": "2026-11-25", "start_2": "16:00",
                                                   "end_2": "18:00"}).page
    assert page.find("details").has_attr("open")
    assert page.find("input", attrs={"name": "day_1", "value": "2026-11-25"}).has_attr("checked")
    assert "This time overlaps another time you chose" in page.find("details").get_text()


def test_crisis_numbers_are_tap_to_call_links(morning):
    from tests.pages import page_of

    links = {a["href"]: a.get_text() for a in page_of(morning.get("/helpline/")).select('a[href^="tel:"]')}
    assert {"tel:999": "999", "tel:08001111": "0800 1111", "tel:116123": "116 123"}.items() <= links.items()
    assert "tel:0800511111" in links  # the helpline's own number
    for step in ("topic", "message"):
        morning.post(f"/helpline/{step}", data=CALL[step])
    reply = page_of(morning.get("/helpline/reply"))
    assert reply.select_one('.govuk-hint a[href="tel:0800511111"]') is not None  # under "no contact details"
