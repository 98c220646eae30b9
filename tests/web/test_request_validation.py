"""Every question, left empty or answered wrongly, says what to fix and keeps the other answers."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from tests.journeys import FAMILY, PROFESSIONAL, walk_request
from tests.pages import assert_answer_refused

THIS_YEAR = date.today().year
AGES = ("Date of birth must be for a child aged 18 or under, or up to 25 with special educational "
        "needs or a disability")

CASES = [
    # (journey answers, page, what is posted, message, a value the page must keep)
    (FAMILY, "who", {}, "Select who is asking for support", None),
    (FAMILY, "about-you", {"name": "", "relationship": "Grandad"}, "Enter your full name", "Grandad"),
    (FAMILY, "about-you", {"name": "x" * 201, "relationship": ""}, "Must be 200 characters or fewer", None),
    (PROFESSIONAL, "professional", {**PROFESSIONAL["professional"], "work_email": "pat@"},
     "Enter an email address in the correct format", "Hill Primary"),
    (PROFESSIONAL, "professional", {**PROFESSIONAL["professional"], "work_phone": "12345"},
     "Enter a UK phone number", "SENCO"),
    (PROFESSIONAL, "family-consent", {}, "Select yes if the family has agreed", None),
    (FAMILY, "child", {"name": "", "dob": ["4", "5", "2016"], "send": "no"},
     "Enter the child's full name", 'value="2016"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["4", "", "2016"], "send": "no"},
     "Date of birth must include a month", 'value="Sam"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["31", "2", "2016"], "send": "no"},
     "Date of birth must be a real date", 'value="31"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["1", "1", "2099"], "send": "no"},
     "Date of birth must be today or in the past", 'value="Sam"'),
    (FAMILY, "child", {"name": "Sam", "send": "no"}, "Enter date of birth", 'value="Sam"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["1", "1", "99999999999999999999"], "send": "no"},
     "Year must include 4 numbers", 'value="99999999999999999999"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["1", "1", str(THIS_YEAR - 21)], "send": "no"},
     AGES, f'value="{THIS_YEAR - 21}"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["1", "1", str(THIS_YEAR - 21)], "send": "not_sure"},
     AGES, 'value="Sam"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["1", "1", str(THIS_YEAR - 27)], "send": "yes"},
     "Date of birth must be for a child or young person aged 25 or under", f'value="{THIS_YEAR - 27}"'),
    (FAMILY, "child", {"name": "Sam", "dob": ["4", "5", "2016"]}, "Select yes, no or not sure",
     'value="Sam"'),
    (FAMILY, "children", {}, "Select yes if you need to add another child", None),
    (FAMILY, "address", {**FAMILY["address"], "postcode": "not a postcode"},
     "Enter a full UK postcode, like PR1 2AB", "1 High Street"),
    (FAMILY, "address", {**FAMILY["address"], "line_1": ""}, "Enter the first line of the address",
     "Preston"),
    (FAMILY, "area", {"area": "atlantis"}, "Select the area the family lives in", None),
    (FAMILY, "needs", {"needs": ["money"], "details": ""},
     "Tell us what is happening and what help you would like", 'value="money" checked'),
    (FAMILY, "needs", {"needs": ["money"], "details": "x" * 2001}, "Must be 2000 characters or fewer", None),
    (FAMILY, "needs", {"needs": ["nonsense"], "details": "Help"}, "Select from the list", None),
    (FAMILY, "involved", {"social_worker": "no"}, "Select yes, no or not sure", None),
    (FAMILY, "language", {"language": "", "interpreter": "yes"},
     "Enter the language the family prefers", None),
    (FAMILY, "contact", {"channels": []}, "Select at least one safe way to contact you", None),
    (FAMILY, "contact", {"channels": ["call"], "phone": ""}, "Enter a phone number for calls or texts", None),
    (FAMILY, "contact", {"channels": ["email"], "email": "jo at example"},
     "Enter an email address in the correct format", "jo at example"),
    (FAMILY, "contact", {"channels": ["call"], "phone": "07700 900123", "email": "jo@example.com"},
     "You entered an email address but did not select email", "jo@example.com"),
    (FAMILY, "contact", {"channels": ["text"], "phone": "01632 960 001"},
     "We can only send texts to a mobile number", "01632 960 001"),
    (FAMILY, "needs", {"needs": ["other"], "other_need": "", "details": "Help"},
     "Enter what else the family is finding hard", 'value="other" checked'),
    (FAMILY, "safety", {**FAMILY["safety"], "start": "18:00", "end": "16:00"},
     "The end time must be after the start time", "Her ex-partner"),
    (FAMILY, "safety", {**FAMILY["safety"], "voicemail": ""}, "Select yes if we can leave a message",
     "Her ex-partner"),
    (FAMILY, "consent", {}, "Select yes if you agree to us sharing your information", None),
]


@pytest.mark.parametrize(("data", "step", "posted", "message", "kept"), CASES,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_wrong_answer_shows_summary_inline_message_and_keeps_answers(client, data, step, posted,
                                                                     message, kept):
    path = f"/request-support/{step}"
    walk_request(client, copy.deepcopy(data), until=path)
    if step == "children":  # the list page comes after the first child is added
        client.post("/request-support/child", data=data["child"][0])
    # The summary links to a box that exists on the page; what was typed is kept.
    assert_answer_refused(client.post(path, data=posted), message, kept)
    # Nothing said before is lost: the journey still reaches check answers.
    assert walk_request(client, copy.deepcopy(data)).startswith("/request-support/check-answers")


def test_honeypot_filled_in_is_refused(client):
    response = client.post("/request-support/who", data={"role": "parent", "website": "http://spam"})
    assert response.status_code == 200
    assert "There was a problem with this form" in response.get_data(as_text=True)


@pytest.mark.parametrize(("dob", "send"), [
    (["1", "1", str(THIS_YEAR - 21)], "yes"),  # 19 to 25 with SEND
    ([str(date.today().day), str(date.today().month), str(THIS_YEAR)], "no"),  # born today
])
def test_young_people_the_service_is_for_are_accepted(client, dob, send):
    walk_request(client, copy.deepcopy(FAMILY), until="/request-support/child")
    response = client.post("/request-support/child", data={"name": "Sam", "dob": dob, "send": send})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_changing_a_child_from_check_answers_shows_the_date_of_birth_again(client):
    walk_request(client, copy.deepcopy(FAMILY))
    check = client.get("/request-support/check-answers").page
    assert check.find("a", href="/request-support/child/0?change=1") is not None
    page = client.get("/request-support/child/0?change=1").page
    for part, value in zip(("day", "month", "year"), FAMILY["child"][0]["dob"], strict=True):
        assert page.find(id=f"dob-{part}").get("value") == value, part
    # Sent back unchanged, the child is kept as it was.
    response = client.post("/request-support/child/0?change=1", data=FAMILY["child"][0])
    assert response.headers["Location"] == "/request-support/children?change=1"
    client.post("/request-support/children?change=1", data={"add_another": "no"})
    assert "Born Wednesday 4 May 2016" in client.get("/request-support/check-answers").get_data(as_text=True)
