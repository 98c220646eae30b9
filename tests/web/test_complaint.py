"""A young person's complaint through the Flask test client: questions, errors, dates, signposting."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from talkzone.models import AuditEvent, OutboxMessage, Submission
from tests.complaint_journey import ON_BEHALF, YOUNG_PERSON, complaint, submit_complaint, walk_complaint
from tests.pages import assert_answer_refused, first_strong


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def main_of(response) -> str:
    return unescape(str(response.page.find("main")))


def reference_of(response) -> str:
    """The complaint's reference, as its confirmation page gives it."""
    reference = first_strong(response)
    assert re.fullmatch(r"CP-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
    return reference


def stored(app) -> Submission:
    with app.extensions["db_sessionmaker"]() as session:
        submission = session.scalars(select(Submission)).one()
        session.expunge(submission)
        return submission


def outbox(app) -> list[OutboxMessage]:
    with app.extensions["db_sessionmaker"]() as session:
        messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return messages


# Start ------------------------------------------------------------------------------------

def test_start_page_links_to_the_complaint_and_reassures(client):
    assert 'href="/complaint/"' in text_of(client.get("/"))
    page = main_of(client.get("/complaint/"))
    assert "Nobody will treat you badly for complaining" in page
    assert "help put things right" in page
    assert "Customer Feedback Service. They will reply within 10 working days" in page
    assert "talking to Talkzone" in page and "0800 51 11 11" in page
    assert 'href="/complaint/who"' in page


def test_wakefield_start_page_names_its_own_team_and_no_helpline(make_app):
    page = main_of(make_app(SERVICE_PROFILE="wakefield").test_client().get("/complaint/"))
    assert "Customer Feedback Team" in page
    assert "Talkzone" not in page


# Every question, empty or wrong -----------------------------------------------------------

CASES = [
    # (journey answers, page, what is posted, message, a value the page must keep)
    (YOUNG_PERSON, "who", {}, "Select who is making this complaint", None),
    (YOUNG_PERSON, "who", {"who": "everyone"}, "Select who is making this complaint", None),
    (YOUNG_PERSON, "your-name", {"name": "x" * 201}, "Your name must be 200 characters or fewer", None),
    (ON_BEHALF, "on-behalf", {**ON_BEHALF["on-behalf"], "name": ""}, "Enter your name", "Grandparent"),
    (ON_BEHALF, "on-behalf", {**ON_BEHALF["on-behalf"], "relationship": ""},
     "Enter how you know the young person", "Sam Jones"),
    (ON_BEHALF, "on-behalf", {**ON_BEHALF["on-behalf"], "young_person_name": ""},
     "Enter the young person's name", "Pat Jones"),
    (ON_BEHALF, "agrees", {}, "Select whether the young person knows and agrees", None),
    # Issue #17: the age is asked as in the helpline journey, with its messages.
    (YOUNG_PERSON, "age", {}, "Choose your age, or ‘Prefer not to say’", None),
    (YOUNG_PERSON, "age", {"age": "99"}, "Choose your age from the list", None),
    (ON_BEHALF, "age", {}, "Choose the young person's age, or ‘Prefer not to say’", None),
    (YOUNG_PERSON, "care", {}, "Select in care, care leaver, neither or not sure", None),
    (YOUNG_PERSON, "about", {}, "Select what your complaint is about", None),
    (ON_BEHALF, "about", {}, "Select what the complaint is about", None),
    (YOUNG_PERSON, "what-happened", {"details": ""}, "Tell us what happened", None),
    # Issue #17: a character-limit error names its field.
    (YOUNG_PERSON, "what-happened", {"details": "x" * 3001},
     "Your complaint must be 3000 characters or fewer", None),
    (YOUNG_PERSON, "outcome", {"outcome": ""}, "Tell us what you would like to happen", None),
    (YOUNG_PERSON, "outcome", {"outcome": "y" * 1501},
     "What you would like to happen must be 1500 characters or fewer", None),
    (ON_BEHALF, "on-behalf", {**ON_BEHALF["on-behalf"], "relationship": "x" * 101},
     "How you know the young person must be 100 characters or fewer", "Sam Jones"),
    (ON_BEHALF, "on-behalf", {**ON_BEHALF["on-behalf"], "young_person_name": "x" * 201},
     "The young person's name must be 200 characters or fewer", "Pat Jones"),
    (YOUNG_PERSON, "email", {"email": "a" * 250 + "@example.com"},
     "Your email address must be 254 characters or fewer", None),
    (YOUNG_PERSON, "contact-method", {}, "Select how we should contact you", None),
    (complaint(contact_method={"method": "call"}), "phone", {"phone": ""}, "Enter your phone number", None),
    (complaint(contact_method={"method": "text"}), "phone", {"phone": "12345"},
     "Enter a UK phone number, like 07700 900 982", "12345"),
    (YOUNG_PERSON, "email", {"email": ""}, "Enter your email address", None),
    (YOUNG_PERSON, "email", {"email": "alex@"}, "Enter an email address in the correct format", "alex@"),
    (complaint(contact_method={"method": "letter"}), "address",
     {**YOUNG_PERSON["address"], "line_1": ""}, "Enter the first line of the address", "Preston"),
    (complaint(contact_method={"method": "letter"}), "address",
     {**YOUNG_PERSON["address"], "town": ""}, "Enter the town or city", "2 Park Road"),
    (complaint(contact_method={"method": "letter"}), "address",
     {**YOUNG_PERSON["address"], "postcode": ""}, "Enter the postcode", "2 Park Road"),
    (complaint(contact_method={"method": "letter"}), "address",
     {**YOUNG_PERSON["address"], "postcode": "XYZ 123"}, "Enter a full UK postcode, like PR1 2AB",
     "2 Park Road"),
    # Voicemail is asked only of someone who chose a phone call.
    (complaint(contact_method={"method": "call"}, phone={"phone": "07700 900123"}), "safety",
     {**YOUNG_PERSON["safety"], "voicemail": ""}, "Select yes if we can leave a message", "My carer"),
    (YOUNG_PERSON, "safety", {**YOUNG_PERSON["safety"], "say_who": ""},
     "Select yes if we can say where we are calling from", "My carer"),
    (YOUNG_PERSON, "safety", {**YOUNG_PERSON["safety"], "start": "18:00", "end": "16:00"},
     "The end time must be after the start time", 'value="thu" checked'),
    (YOUNG_PERSON, "advocate", {}, "Select yes, no or tell me more", None),
    (complaint(advocate={"advocate": "tell_me_more"}), "advocate-info", {},
     "Select yes if you would like an advocate", None),
    (YOUNG_PERSON, "advocacy-consent", {}, "Select yes if we can pass your details on", None),
    (ON_BEHALF, "advocacy-consent", {},
     "Select yes if the young person agrees to us passing their details on", None),
]


@pytest.mark.parametrize(("data", "step", "posted", "message", "kept"), CASES,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_wrong_answer_shows_summary_inline_message_and_keeps_answers(client, data, step, posted,
                                                                     message, kept):
    path = f"/complaint/{step}"
    walk_complaint(client, data, until=path)
    page = assert_answer_refused(client.post(path, data=posted), message, kept)
    assert page.find("form").find_all(required=True) == []  # no browser validation fighting the summary
    # Nothing said before is lost: the journey still reaches check answers.
    walk_complaint(client, data)
    check = main_of(client.get("/complaint/check-answers"))
    assert "Check your answers before sending your complaint" in check
    assert ("Sam Jones" if data is ON_BEHALF else "Alex Smith") in check


# Contact methods --------------------------------------------------------------------------

METHODS = [
    # (method, the details page asked, stored contact details, what the confirmation says)
    ("call", "phone", {"phone": "07700 900123"}, "They will phone you."),
    ("text", "phone", {"phone": "07700 900123"}, "They will send you a text message."),
    ("email", "email", {"email": "alex@example.com"}, "They will email you."),
    ("letter", "address", {"address": {"line_1": "2 Park Road", "line_2": "", "town": "Preston",
                                       "postcode": "PR1 3CD"}}, "They will write to you."),
    ("helpline", None, {}, "They will get in touch through Talkzone."),
    ("advocate", None, {}, "They will get in touch through your advocate."),
]


@pytest.mark.parametrize(("method", "details_page", "details", "promise"), METHODS,
                         ids=[m[0] for m in METHODS])
def test_complaint_for_yourself_by_each_contact_method(make_app, method, details_page, details, promise):
    app = make_app(SMS_EMAIL_GATEWAY="sms.example")
    client = app.test_client()
    data = complaint(contact_method={"method": method})
    met = walk_complaint(client, data)
    assert [s for s in met if s in ("phone", "email", "address")] == ([details_page] if details_page else [])
    page = main_of(client.post("/complaint/check-answers", follow_redirects=True))
    assert promise in page
    submission = stored(app)
    assert submission.contact["channels"] == [method]
    personal = {"phone", "email", "address"}
    assert {k: v for k, v in submission.contact.items() if k in personal} == details
    assert not (personal - set(details)) & set(submission.contact)
    assert not (personal - {details_page}) & set(submission.answers)
    assert submission.phone == details.get("phone") and submission.email == details.get("email")
    for dropped in ({"07700 900123", "alex@example.com", "2 Park Road"} - {str(v) for v in details.values()}
                    - {details.get("address", {}).get("line_1")}):
        assert dropped not in str(submission.contact) + str(submission.answers)
    acknowledgements = [(m.purpose, m.recipient) for m in outbox(app) if "acknowledgement" in m.purpose]
    expected = {"email": [("complaint_acknowledgement", "alex@example.com")],
                "text": [("complaint_acknowledgement_text", "07700900123@sms.example")]}
    assert acknowledgements == expected.get(method, [])


def test_changing_the_way_of_contact_forgets_the_old_details(app, client):
    walk_complaint(client, complaint(contact_method={"method": "email"}))
    check = main_of(client.get("/complaint/check-answers"))
    assert "alex@example.com" in check
    assert 'href="/complaint/contact-method?change=1"' in check
    response = client.post("/complaint/contact-method?change=1", data={"method": "call"})
    assert response.headers["Location"] == "/complaint/phone?change=1"
    response = client.post("/complaint/phone?change=1", data={"phone": "07700 900456"})
    assert response.headers["Location"] == "/complaint/check-answers"
    check = main_of(client.get("/complaint/check-answers"))
    assert "07700 900456" in check and "alex@example.com" not in check
    client.post("/complaint/check-answers")
    submission = stored(app)
    assert submission.contact["channels"] == ["call"] and submission.email is None
    assert "alex@example.com" not in str(submission.answers) + str(submission.contact)
    assert [m.purpose for m in outbox(app)] == ["complaint_notification", "advocacy_referral"]


def test_helpline_option_only_where_the_profile_has_a_helpline(make_app):
    client = make_app(SERVICE_PROFILE="wakefield").test_client()
    walk_complaint(client, YOUNG_PERSON, until="/complaint/contact-method")
    page = main_of(client.get("/complaint/contact-method"))
    assert "How should the Customer Feedback Team contact you?" in page
    assert 'value="helpline"' not in page and 'value="advocate"' in page
    response = client.post("/complaint/contact-method", data={"method": "helpline"})
    assert "Select how we should contact you" in text_of(response)


def test_check_answers_has_a_change_link_on_every_row(client):
    walk_complaint(client, YOUNG_PERSON)
    response = client.get("/complaint/check-answers")
    page = main_of(response)
    main = response.page.find("main")
    rows = len(main.select(".govuk-summary-list__row"))
    links = [a["href"] for a in main.find_all("a", href=re.compile(r"^/complaint/[a-z-]+\?change=1$"))]
    assert rows == len(links) == 16
    assert "Tuesday, Thursday" in page and "4pm to 6pm" in page  # issue #17: one clock format
    assert "Pass details to the Children's Rights Service" in page


def test_nobody_skips_to_check_answers(client):
    walk_complaint(client, YOUNG_PERSON, until="/complaint/outcome")
    response = client.get("/complaint/check-answers")
    assert response.headers["Location"] == "/complaint/outcome"
    assert client.get("/complaint/confirmation").headers["Location"] == "/complaint/"


# Someone complaining for a young person ---------------------------------------------------

def test_someone_complains_for_a_young_person(app, client):
    walk_complaint(client, ON_BEHALF, until="/complaint/age")
    assert "How old is the young person?" in main_of(client.get("/complaint/age"))
    met = walk_complaint(client, ON_BEHALF)
    assert "your-name" not in met and {"on-behalf", "agrees"} <= set(met)
    check = main_of(client.get("/complaint/check-answers"))
    assert "Sam Jones" in check and "Grandparent" in check and "Yes, they know and agree" in check
    page = main_of(client.post("/complaint/check-answers", follow_redirects=True))
    assert "Complaint sent" in page
    assert "They will get in touch about an advocate for the young person" in page
    submission = stored(app)
    assert submission.subject_name == "Sam Jones"
    referral = [m for m in outbox(app) if m.purpose == "advocacy_referral"][0]
    assert "Sam Jones" in referral.body and "Pat Jones (Grandparent)" in referral.body
    assert "How to contact the person who made the complaint safely" in referral.body
    assert submission.answers["agrees"] == {"agrees": "yes"}


def test_no_advocate_referral_for_a_young_person_who_does_not_know(app, client):
    met = walk_complaint(client, complaint(ON_BEHALF, agrees={"agrees": "not_told"}))
    assert not {"advocate", "advocacy-consent"} & set(met)
    page = main_of(client.post("/complaint/check-answers", follow_redirects=True))
    assert "Help with your complaint" in page
    assert [m.purpose for m in outbox(app)] == ["complaint_notification", "complaint_acknowledgement"]


# Advocacy ---------------------------------------------------------------------------------

def test_tell_me_more_explains_then_asks_again(client):
    walk_complaint(client, YOUNG_PERSON, until="/complaint/advocate")
    page = main_of(client.get("/complaint/advocate"))
    assert 'value="tell_me_more"' in page
    response = client.post("/complaint/advocate", data={"advocate": "tell_me_more"})
    assert response.headers["Location"] == "/complaint/advocate-info"
    info = main_of(client.get("/complaint/advocate-info"))
    assert "What an advocate does" in info
    assert "The Children's Rights Service is free. It is independent" in info
    assert 'value="yes"' in info and 'value="tell_me_more"' not in info
    response = client.post("/complaint/advocate-info", data={"advocate": "yes"})
    assert response.headers["Location"] == "/complaint/advocacy-consent"


@pytest.mark.parametrize(("changes", "shown", "not_shown"), [
    ({"advocacy_consent": {"consent": "yes"}},
     ["We have passed your details to the Children's Rights Service", "01632 960 102",
      "childrens-rights@lancashire.example"], ["we have not"]),
    ({"advocacy_consent": {"consent": "no"}},
     ["You said we cannot pass on your details, so we have not", "01632 960 102",
      "childrens-rights@lancashire.example"], ["We have passed"]),
    ({"advocate": {"advocate": "no"}}, [], ["advocate", "Children's Rights", "Help with your complaint"]),
    ({"care": {"care": "neither"}, "about": {"about": "other"}},
     ["Help with your complaint", "an adult you trust"], ["advocate", "Children's Rights"]),
])
def test_confirmation_shows_the_advocacy_signposting(app, client, changes, shown, not_shown):
    page = main_of(submit_complaint(client, complaint(**changes)))
    for words in shown:
        assert words in page
    for words in not_shown:
        assert words not in page
    submission = stored(app)
    with app.extensions["db_sessionmaker"]() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.submission_id == submission.id,
                                                          AuditEvent.action == "advocacy"))
        actions = [e.detail for e in events]
    outcome = submission.answers["advocacy"]["outcome"]
    if outcome in ("referred", "signposted"):
        assert actions == [{"outcome": outcome, "service": "Children's Rights Service",
                            "phone": "01632 960 102", "email": "childrens-rights@lancashire.example"}]
    assert ("advocacy_referral" in [m.purpose for m in outbox(app)]) is (outcome == "referred")


def test_ineligible_young_person_is_not_promised_an_advocate(client):
    met = walk_complaint(client, complaint(care={"care": "care_leaver"}, age={"age": "22"},
                                           about={"about": "leaving_care"}))
    assert "advocate" not in met
    check = main_of(client.get("/complaint/check-answers"))
    assert "Would like an advocate" not in check


# Stage 1 dates ----------------------------------------------------------------------------

@pytest.mark.parametrize(("frozen", "words", "due"), [
    (datetime(2025, 12, 23, 15, 0, tzinfo=UTC), "Friday 9 January 2026", date(2026, 1, 9)),
    (datetime(2026, 12, 23, 21, 0, tzinfo=UTC), "Monday 11 January 2027", date(2027, 1, 11)),
    (datetime(2026, 4, 2, 11, 0, tzinfo=UTC), "Monday 20 April 2026", date(2026, 4, 20)),
    (datetime(2027, 3, 25, 9, 0, tzinfo=UTC), "Monday 12 April 2027", date(2027, 4, 12)),
])
def test_confirmation_gives_the_stage_1_date_in_plain_words(make_app, frozen, words, due):
    app = make_app(CLOCK=lambda: frozen)
    page = main_of(submit_complaint(app.test_client(), YOUNG_PERSON))
    assert f"The Customer Feedback Service will reply by {words}." in page
    assert "Weekends and bank holidays do not count" in page
    assert stored(app).due_on == due


# Mail content -----------------------------------------------------------------------------

def test_feedback_service_notification_has_reference_and_link_but_no_personal_details(app, client):
    reference = reference_of(submit_complaint(client, complaint(contact_method={"method": "call"})))
    notification, referral = outbox(app)
    assert notification.recipient == "cyp-customer-feedback@lancashire.example"
    assert reference in notification.subject
    assert f"http://127.0.0.1:5000/console/items/{reference}" in notification.body
    for personal in ("Alex Smith", "07700 900123", "placement was changed", "My carer"):
        assert personal not in notification.subject + notification.body
    assert referral.recipient == "childrens-rights-referrals@lancashire.example"
    assert "Alex Smith" in referral.body and "07700 900123" in referral.body
    assert "Voicemail or message: No" in referral.body


@pytest.mark.parametrize("language", ["pl", "ur"])
def test_every_page_renders_in_other_languages(client, language):
    met = walk_complaint(client, complaint(advocate={"advocate": "tell_me_more"}))
    for path in ["/complaint/", *[f"/complaint/{step}" for step in met], "/complaint/check-answers"]:
        response = client.get(f"{path}?lang={language}")
        assert response.status_code == 200, path
        assert f'lang="{language}"' in text_of(response)
    sent = client.post("/complaint/check-answers", follow_redirects=True)
    reference_of(sent)
    page = text_of(sent)
    direction = "rtl" if language == "ur" else "ltr"
    assert f'<html lang="{language}" dir="{direction}"' in page


# A complaint without a name (issue #17) -------------------------------------------------

def test_a_young_person_may_complain_without_a_name(app, client, db_session):
    from talkzone import access
    from testkit.factories import make_user, sign_in_as

    walk_complaint(client, until="/complaint/your-name")
    question = main_of(client.get("/complaint/your-name"))
    assert "What is your name? (optional)" in question
    assert "Without it, we may not be able to look into your complaint or reply to you." in question
    assert client.post("/complaint/your-name", data={"name": "  "}).headers["Location"] == "/complaint/age"
    walk_complaint(client, complaint(your_name={"name": ""}))
    check = main_of(client.get("/complaint/check-answers"))
    assert "Not given. We may not be able to look into your complaint or reply to you." in check
    reference = reference_of(client.post("/complaint/check-answers", follow_redirects=True))
    submission = stored(app)
    assert submission.subject_name is None and submission.answers["your-name"] == {"name": ""}
    notification, referral, acknowledgement = outbox(app)
    assert reference in notification.subject
    assert "Young person's name: not given: they chose not to give their name" in referral.body
    assert "None" not in referral.body
    assert acknowledgement.recipient == "alex@example.com" and "None" not in acknowledgement.body
    # The console's inbox, item and reports cope with it.
    officer = make_user(db_session, access.CUSTOMER_FEEDBACK_OFFICER)
    console = app.test_client()
    sign_in_as(console, db_session, officer)
    assert f"/console/items/{reference}" in console.get("/console/").get_data(as_text=True)
    item = console.get(f"/console/items/{reference}")
    assert item.status_code == 200 and "Not given" in main_of(item)
    admin = make_user(db_session, access.ADMINISTRATOR)
    sign_in_as(console, db_session, admin)
    assert console.get("/console/reports?start=2000-01-01&end=2100-01-01").status_code == 200
    assert console.get("/console/reports.csv?start=2000-01-01&end=2100-01-01").status_code == 200


def _item_hint(page, name: str, value: str) -> str:
    """The hint under the radio option ``value`` of ``name`` (by aria-describedby)."""
    option = page.find("input", attrs={"name": name, "value": value})
    hint = page.find(id=option["aria-describedby"])
    assert "govuk-radios__hint" in hint["class"]
    return hint.get_text(" ", strip=True)


def test_hints_sit_under_the_option_they_explain(client):
    # Issue #17: a hint that explains one option sits under that option, not the question.
    page = client.get("/complaint/who").page
    assert _item_hint(page, "who", "someone_else") == ("For example, you might be their parent, carer, "
                                                       "friend or worker.")
    assert page.find(class_="govuk-fieldset").find(class_="govuk-hint", recursive=False) is None
    walk_complaint(client, until="/complaint/care")
    page = client.get("/complaint/care").page
    assert _item_hint(page, "care", "looked_after") == ("For example, living with foster carers or in a "
                                                        "children's home")
    assert page.find("label", attrs={"for": "care"}).get_text(strip=True) == "In care (looked after)"
    walk_complaint(client, until="/complaint/advocate")
    page = client.get("/complaint/advocate").page
    assert _item_hint(page, "advocate", "tell_me_more").startswith("We will explain what an advocate does")


def test_age_is_asked_as_in_the_helpline_journey(make_app):
    from tests.helpline_journey import ANONYMOUS, MORNING, frozen
    from tests.helpline_journey import walk_helpline as walk_helpline_journey

    def question(page):
        select = page.find("select", attrs={"name": "age"})
        label = page.find("label", attrs={"for": "age"}).get_text(strip=True)
        return label, [(o["value"], o.get_text(strip=True)) for o in select.find_all("option")]

    client = make_app(CLOCK=frozen(MORNING)).test_client()
    walk_complaint(client, until="/complaint/age")
    complaint_age = question(client.get("/complaint/age").page)
    walk_helpline_journey(client, ANONYMOUS)
    assert complaint_age == question(client.get("/helpline/about-you").page)
    assert complaint_age[0] == "How old are you?"
    assert ("prefer_not", "Prefer not to say") in complaint_age[1] and ("16", "16") in complaint_age[1]


def test_the_confirmation_gives_emergency_numbers_as_tap_to_call_links(client):
    from tests.complaint_journey import submit_complaint
    from tests.pages import page_of

    page = page_of(submit_complaint(client))
    links = {a["href"]: a.get_text() for a in page.select('a[href^="tel:"]')}
    assert {"tel:999": "999", "tel:08001111": "0800 1111"}.items() <= links.items()
