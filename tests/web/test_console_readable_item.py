"""An item's answers read as the person saw them at check your answers, in the console's language,
with no stored codes and no machine timestamps."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from talkzone import access
from talkzone.models import Submission
from testkit.factories import make_user, sign_in_as
from tests.complaint_journey import submit_complaint
from tests.helpline_journey import MORNING, frozen, submit_helpline
from tests.journeys import submit_request
from tests.pages import text_of

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
CODES = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(True|False|None)\b")


def test_a_request_reads_in_the_journeys_words_in_english_and_polish(app, db_session):
    submit_request(app.test_client())
    item = db_session.scalars(select(Submission)).one()
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.ADMINISTRATOR))
    page = client.get(f"/console/items/{item.reference}").page
    shown = page.select_one("[data-answers]")
    keys = [text_of(k) for k in shown.select(".govuk-summary-list__key")]
    assert "Who is asking" in keys and "Finding hard" in keys
    assert shown.select(".govuk-summary-list__actions") == [], "no Change links in the console"
    assert not CODES.search(text_of(shown)), CODES.search(text_of(shown))
    main = text_of(page.select_one("main"))
    assert not ISO_MOMENT.search(main), ISO_MOMENT.search(main)
    polish = client.get(f"/console/items/{item.reference}?lang=pl").page
    assert "Kto prosi" in [text_of(k) for k in polish.select("[data-answers] .govuk-summary-list__key")]


@pytest.mark.parametrize(("submit", "key"), [(submit_helpline, "Topic"), (submit_complaint, "About")])
def test_helpline_contacts_and_complaints_read_in_their_journeys_words(make_app, db_session, submit, key):
    app = make_app(CLOCK=frozen(MORNING))
    submit(app.test_client())
    item = db_session.scalars(select(Submission)).one()
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.ADMINISTRATOR))
    page = client.get(f"/console/items/{item.reference}").page
    shown = page.select_one("[data-answers]")
    assert key in [text_of(k) for k in shown.select(".govuk-summary-list__key")]
    assert not CODES.search(text_of(shown)), CODES.search(text_of(shown))
    assert not ISO_MOMENT.search(text_of(page.select_one("main")))


LOGGED = {"kind": "helpline_contact", "channel": "social_media", "name": "Kit Walker",
          "summary": "Worried about exams", "channels": ["call"], "phone": "07700 900321",
          "days": ["mon"], "start": "16:00", "end": "18:00", "voicemail": "no", "say_who": "no",
          "must_not_know": "brother"}


def _answers(client, reference, lang="") -> tuple[list[str], str]:
    shown = client.get(f"/console/items/{reference}{lang}").page.select_one("[data-answers]")
    return [text_of(k) for k in shown.select(".govuk-summary-list__key")], text_of(shown)


def test_a_contact_logged_by_staff_reads_in_the_log_forms_words(app, db_session):
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    assert client.post("/console/contacts/new", data=LOGGED).status_code == 302
    item = db_session.scalars(select(Submission)).one()
    keys, shown = _answers(client, item.reference)
    assert keys == ["How did they get in touch?", "Name or nickname", "What did they say?"]
    assert "Social media" in shown and "Worried about exams" in shown and "Kit Walker" in shown
    assert not CODES.search(shown), CODES.search(shown)
    polish, _ = _answers(client, item.reference, "?lang=pl")
    assert polish[0] != "How did they get in touch?"


def test_a_contact_sent_on_from_the_helpline_reads_with_the_contact_it_came_from(app, db_session):
    from tests.web.test_console_actions import AGREED

    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    client.post("/console/contacts/new", data=LOGGED)
    contact = db_session.scalars(select(Submission)).one()
    done = client.post(f"/console/items/{contact.reference}/reroute",
                       data={"target": "request_for_support", "area": "preston", "version": contact.version,
                             **AGREED})
    assert done.status_code == 302
    new = db_session.scalars(select(Submission).where(Submission.id != contact.id)).one()
    admin = app.test_client()
    sign_in_as(admin, db_session, make_user(db_session, access.ADMINISTRATOR))
    keys, shown = _answers(admin, new.reference)
    assert keys[0] == "Helpline contact" and contact.reference in shown
    assert "How did they get in touch?" in keys and "Worried about exams" in shown
    assert not CODES.search(shown), CODES.search(shown)


def test_a_contact_that_came_in_by_email_or_text_reads_in_words(make_app, db_session):
    from email.message import EmailMessage

    from portal.inbound import receive

    app = make_app(NOTIFY_INBOUND_TOKEN="inbound-secret-token")
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "sam@example.com", "talkzone@lancashire.example", "Need help"
    mail.set_content("Things at home are bad")
    assert receive(app, mail.as_bytes(), ["talkzone@lancashire.example"], "lmtp").startswith("250")
    text = {"id": "t1", "source_number": "447700900999", "destination_number": "07900000000",
            "content": "can someone ring me", "date_received": "2026-12-02T09:00:00Z"}
    assert app.test_client().post("/notify/inbound-sms", json=text,
                                  headers={"Authorization": "Bearer inbound-secret-token"}).status_code == 200
    by_email, by_text = db_session.scalars(select(Submission).order_by(Submission.id)).all()
    client = app.test_client()
    sign_in_as(client, db_session, make_user(db_session, access.HELPLINE_ADVISER))
    keys, shown = _answers(client, by_email.reference)
    assert keys == ["How did they get in touch?", "Subject", "What did they say?"]
    assert "Email" in shown and "Need help" in shown and "Things at home are bad" in shown
    keys, shown = _answers(client, by_text.reference)
    assert keys == ["How did they get in touch?", "What did they say?"]
    assert "Text message" in shown and "can someone ring me" in shown
    for reference in (by_email.reference, by_text.reference):
        assert not CODES.search(_answers(client, reference)[1])
        polish, _ = _answers(client, reference, "?lang=pl")
        assert polish[0] != "How did they get in touch?"
