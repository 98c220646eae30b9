"""Clock times read the same on every page, email and console screen, in each language (issue #17)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from talkzone import access
from talkzone.models import OutboxMessage
from testkit.factories import make_item, make_user, sign_in_as
from tests.helpline_journey import EMAIL, MORNING, frozen, submit_helpline
from tests.pages import main_text

# The helpline opens 2pm to 10pm; Polish uses Babel's 24-hour clock, Urdu Babel's own.
SPANS = {"en": ("2pm", "10pm"), "pl": ("14:00", "22:00"), "ur": ("2:00 PM", "10:00 PM")}


@pytest.mark.parametrize("language", SPANS)
def test_opening_hours_read_the_same_on_every_page_and_email(make_app, language):
    app = make_app(CLOCK=frozen(MORNING))
    client = app.test_client()
    client.get(f"/?lang={language}")
    opens, closes = SPANS[language]
    others = [t for lang, span in SPANS.items() if lang != language for t in span]
    for path in ("/complaint/", "/helpline/", "/helpline/reply"):
        if path == "/helpline/reply":
            client.post("/helpline/topic", data={"topic": "home"})
            client.post("/helpline/message", data={"message": "Hello"})
        text = main_text(client.get(path))
        assert opens in text and closes in text, path
        assert not [t for t in others if t in text and t not in (opens, closes)], path
    submit_helpline(client, EMAIL)
    with app.extensions["db_sessionmaker"]() as session:
        body = session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "helpline_acknowledgement")).one().body
    assert opens in body and closes in body and "14:00" not in body.replace(opens, "").replace(closes, "")


def test_the_console_and_check_answers_use_the_same_clock(app, client, db_session):
    from tests.complaint_journey import walk_complaint

    walk_complaint(client)
    assert "4pm to 6pm" in main_text(client.get("/complaint/check-answers"))
    item = make_item(db_session, contact={"channels": ["call"], "days": ["tue"], "start": "16:00",
                                          "end": "18:30"})
    staff = make_user(db_session, access.ADMINISTRATOR)
    console = app.test_client()
    sign_in_as(console, db_session, staff)
    page = main_text(console.get(f"/console/items/{item.reference}"))
    assert "4pm–6:30pm" in page and "16:00" not in page
