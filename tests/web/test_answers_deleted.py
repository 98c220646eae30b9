"""Answers deleted for being idle: the next page of every journey says so and why (issue #17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from talkzone.models import Draft, utcnow
from tests.complaint_journey import walk_complaint
from tests.helpline_journey import ANONYMOUS, walk_helpline
from tests.journeys import walk_request
from tests.pages import main_text

MESSAGE = ("We deleted your answers because you did not do anything for 60 minutes, to protect "
           "your privacy.")


def idle_too_long(db_session):
    db_session.execute(update(Draft).values(updated_at=utcnow() - timedelta(minutes=61)))
    db_session.commit()


def drafts_left(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(Draft))


JOURNEYS = {
    "complaint": (lambda c: walk_complaint(c, until="/complaint/about"), "/complaint/about",
                  {"about": "placement"}, "/complaint/"),
    "helpline": (lambda c: walk_helpline(c, ANONYMOUS), "/helpline/check-answers", {}, "/helpline/"),
    "request_support": (lambda c: walk_request(c, until="/request-support/address"),
                        "/request-support/address", {"postcode": "PR1 3CD"}, "/request-support/"),
}


@pytest.mark.parametrize("name", JOURNEYS)
def test_the_next_page_after_expiry_says_the_answers_were_deleted_and_why(name, client, db_session):
    walk, page, data, start = JOURNEYS[name]
    walk(client)
    idle_too_long(db_session)
    # The person comes back and presses continue on the page they left open.
    response = client.post(page, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/answers-deleted")
    notice = client.get(response.headers["Location"])
    text = main_text(notice)
    assert MESSAGE in text and "You can start again." in text
    assert notice.page.find("a", string=lambda s: s and "Start again" in s)["href"] == start
    assert drafts_left(db_session) == 0
    # Said once: starting again then works as usual, with nothing of the old answers.
    again = client.get(page)
    assert again.status_code == 302 and not again.headers["Location"].endswith("/answers-deleted")
    with client.session_transaction() as cookie:
        assert name not in cookie.get("journeys_in_progress", [])


def test_no_notice_for_a_journey_never_started_finished_or_left_by_exit(client, db_session):
    walk_complaint(client, until="/complaint/about")
    # Another journey, never started here, starts as usual.
    assert client.get("/helpline/message").headers["Location"] == "/helpline/topic"
    client.get("/exit")
    idle_too_long(db_session)
    assert client.get("/complaint/about").headers["Location"] == "/complaint/who"


def test_a_finished_journey_is_not_reported_as_deleted(client, db_session):
    from tests.helpline_journey import submit_helpline

    submit_helpline(client, ANONYMOUS)
    assert client.get("/helpline/message").headers["Location"] == "/helpline/topic"


def test_the_notice_is_in_the_person_s_language_and_keeps_no_answers(client, db_session):
    client.get("/?lang=ur")
    walk_complaint(client, until="/complaint/about")
    idle_too_long(db_session)
    page = client.get(client.get("/complaint/about").headers["Location"])
    assert page.page.find("html")["lang"] == "ur"
    assert "Alex" not in page.get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert set(cookie) <= {"draft", "_fresh", "csrf_token", "journeys_in_progress", "lang"}
